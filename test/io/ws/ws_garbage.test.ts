/**
 * What the WebSocket front end does with bytes that are not the protocol (io/PROTOCOL.md
 * §1, §9, §12): text frames, oversized payloads, cut-off messages, refused messages in
 * the middle of a batch, and a fast-check property throwing random and mutated bytes at
 * the real server over many connections. The server must never crash and must only ever
 * answer with valid server messages and the documented close codes.
 */
import fc from 'fast-check';
import t from 'tap';
import { Side } from '../../../engine/protocol/enums.js';
import { isRejectCode, RejectCode } from '../../../engine/protocol/reject_codes.js';
import { encodeClientBatch, ExecType, TemplateId } from '../../../io/binary/index.js';
import type { ClientMessageInput } from '../../../io/binary/index.js';
import { clientBatch } from '../binary/fixtures/arbitraries.js';
import { wsOmsFixture } from '../../support/ws_oms_fixture.js';
import { dec, newOrder, WsClient } from '../../support/ws_client.js';

const MAX_PAYLOAD_BYTES = 4096;
const { oms, logon } = await wsOmsFixture({ OMS_WS_MAX_PAYLOAD_BYTES: String(MAX_PAYLOAD_BYTES) });

/** The bytes of one message of a batch, numbered from `seq`, for hand-made corruption. */
function bytesOf(...messages: ClientMessageInput[]): Uint8Array {
  return encodeClientBatch(messages);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const order = (seq: number, client_order_id: string): ClientMessageInput => ({ ...newOrder({ client_order_id }), seq } as ClientMessageInput);

async function liveness(): Promise<number> {
  return (await oms.request('GET', '/health/live', { key: null })).status;
}

t.test('a text frame is closed with 1003', async (t) => {
  const client = await logon();
  client.ws.send('{"hello":"json"}');
  const closed = await client.waitForClose();
  t.equal(closed.code, 1003);
  t.equal(await liveness(), 200);
});

t.test('a payload larger than OMS_WS_MAX_PAYLOAD_BYTES is closed with 1009', async (t) => {
  const client = await logon();
  const heartbeats = Array.from({ length: MAX_PAYLOAD_BYTES / 16 + 1 }, () => ({ template_id: TemplateId.HEARTBEAT }) as const);
  client.send(...heartbeats);
  const closed = await client.waitForClose();
  t.equal(closed.code, 1009);
  t.match(closed.reason, /4096 bytes/);
  t.equal(client.messages.length, 1, 'none of its messages was answered (only the LogonAck came)');
  t.equal(await liveness(), 200);
});

t.test('a payload far larger than the limit is dropped without reading it, and the server carries on', async (t) => {
  // uWebSockets.js refuses such a frame from its header and closes the TCP connection
  // without a close frame, so the client sees 1006 (PROTOCOL.md promises 1009).
  const client = await logon();
  client.sendRaw(new Uint8Array(MAX_PAYLOAD_BYTES * 3));
  const closed = await client.waitForClose();
  t.ok(closed.code === 1009 || closed.code === 1006, `closed (${closed.code})`);
  t.equal(await liveness(), 200);
});

t.test('a payload just under the limit is accepted', async (t) => {
  const client = await logon();
  const heartbeats = Array.from({ length: MAX_PAYLOAD_BYTES / 16 - 1 }, () => ({ template_id: TemplateId.HEARTBEAT }) as const);
  client.send(...heartbeats);
  client.send(newOrder({ client_order_id: 'under-limit' }));
  await client.waitForReport('under-limit', ExecType.NEW);
  t.equal(client.closed_with, null);
});

t.test('a message cut off at the end of a payload is refused (MALFORMED_BODY), and the server closes with 1002', async (t) => {
  const client = await logon();
  const whole = bytesOf(order(1, 'before-cut'), order(2, 'cut'));
  client.sendRaw(whole.subarray(0, 112 + 40));
  const reject = await client.waitFor((m) => m.template_id === TemplateId.REJECT);
  t.match(reject, { code: RejectCode.MALFORMED_BODY, ref_seq: 2, ref_template_id: TemplateId.NEW_ORDER });
  t.match((reject as { reason: string }).reason, /truncated/);
  t.equal((await client.waitForClose()).code, 1002);
  const listed = await oms.request('GET', '/orders');
  t.notOk(listed.body.orders.some((o: { client_order_id: string }) => o.client_order_id === 'cut'), 'the cut-off order was not placed');
});

t.test('a header cut off is refused with ref_seq 0 and closed with 1002', async (t) => {
  const client = await logon();
  client.sendRaw(new Uint8Array([112, 0, 2, 0, 1, 0]));
  const reject = await client.waitFor((m) => m.template_id === TemplateId.REJECT);
  t.match(reject, { code: RejectCode.MALFORMED_BODY, ref_seq: 0, ref_template_id: 0 });
  t.equal((await client.waitForClose()).code, 1002);
});

t.test('a length field that does not match the template is fatal', async (t) => {
  const client = await logon();
  const bytes = bytesOf({ template_id: TemplateId.HEARTBEAT, seq: 1 }, { template_id: TemplateId.HEARTBEAT, seq: 2 });
  bytes[0] = 32; // a Heartbeat claiming 32 bytes: framing is lost
  client.sendRaw(bytes);
  const reject = await client.waitFor((m) => m.template_id === TemplateId.REJECT);
  t.match(reject, { code: RejectCode.MALFORMED_BODY, ref_seq: 1 });
  t.equal((await client.waitForClose()).code, 1002);
});

t.test('a refused message (bad enum) gets a Reject and the messages after it in the same payload are still processed', async (t) => {
  const client = await logon();
  const bad_side = bytesOf(order(1, 'bad-side'));
  bad_side[12] = 3; // side 3 is not a Side
  const bad_version = bytesOf({ template_id: TemplateId.HEARTBEAT, seq: 2 });
  bad_version[4] = 9; // schema version 9
  const unknown_template = bytesOf({ template_id: TemplateId.HEARTBEAT, seq: 3 });
  unknown_template[2] = 77; // template 77 (16 bytes, skipped by its length)
  client.sendRaw(concat(bad_side, bad_version, unknown_template, bytesOf(order(4, 'after-bad'))));
  client.next_seq = 5;
  const [side_reject, version_reject, template_reject] = [await client.waitForReject(1), await client.waitForReject(2), await client.waitForReject(3)];
  t.match(side_reject, { code: RejectCode.INVALID_SIDE, ref_template_id: TemplateId.NEW_ORDER });
  t.match(version_reject, { code: RejectCode.UNSUPPORTED_VERSION });
  t.match(template_reject, { code: RejectCode.UNKNOWN_MESSAGE_TYPE, ref_template_id: 77 });
  const report = await client.waitForReport('after-bad', ExecType.NEW);
  t.equal(report.side, Side.BUY, 'the order after the refused ones was placed');
  t.equal(client.reportsFor('bad-side').length, 0, 'the refused order was not');
  client.send(newOrder({ client_order_id: 'still-open' }));
  await client.waitForReport('still-open', ExecType.NEW);
  t.equal(client.closed_with, null, 'the session goes on');
});

// ---- property: random and mutated bytes ------------------------------------------------

const ALLOWED_CLOSE_CODES = new Set([1000, 1002, 1003, 1008, 1009]);

/** Bytes to send, and how many messages they were before any corruption. */
interface Payload {
  readonly bytes: Uint8Array;
  readonly messages: number;
}

/** A valid batch numbered from `first_seq`, orders mostly for a real symbol, then corrupted. */
const mutatedBatch = fc.record({
  batch: clientBatch,
  real_symbol: fc.boolean(),
  // A Logout ends the run early: keep one in a batch only now and then.
  keep_logout: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
  // Positions unbiased: small ones would nearly always hit the first header and end the run.
  flips: fc.array(fc.record({ at: fc.noBias(fc.nat()), value: fc.integer({ min: 0, max: 255 }) }), { maxLength: 3 }),
  // Cut off at a random point now and then (fatal: ends the run).
  cut: fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary: fc.noBias(fc.nat()), weight: 1 }),
}).map(({ batch, real_symbol, keep_logout, flips, cut }) => (first_seq: number): Payload => {
  const kept = keep_logout ? batch : batch.filter((m) => m.template_id !== TemplateId.LOGOUT);
  const messages = kept.map((m, i) => {
    const numbered = { ...m, seq: first_seq + i } as ClientMessageInput;
    if (!real_symbol || numbered.template_id !== TemplateId.NEW_ORDER) return numbered;
    // Tradable terms, so that orders get past the edge and into the engine and its reports.
    return {
      ...numbered, symbol: 'BTCUSDT', quantity: dec('0.01'),
      price: numbered.price === undefined ? undefined : dec(numbered.side === Side.BUY ? '44000' : '46000'),
      stop_price: numbered.stop_price === undefined ? undefined : dec(numbered.side === Side.BUY ? '46000' : '44000'),
    };
  });
  const bytes = encodeClientBatch(messages);
  for (const { at, value } of flips) bytes[at % bytes.length] = value;
  return { bytes: cut === undefined ? bytes : bytes.subarray(0, cut % (bytes.length + 1)), messages: messages.length };
});

const randomBytes = fc.uint8Array({ maxLength: 700 }).map((bytes) => (_first_seq: number): Payload => ({ bytes, messages: 0 }));

const run = fc.record({
  by_header: fc.boolean(),
  payloads: fc.array(fc.oneof({ arbitrary: mutatedBatch, weight: 3 }, { arbitrary: randomBytes, weight: 1 }), { minLength: 1, maxLength: 3 }),
});

t.test('random and mutated bytes never crash the server, and every answer is a valid server message', async (t) => {
  let runs = 0;
  let closes = 0;
  let rejects = 0;
  let reports = 0;
  const property = fc.asyncProperty(run, async ({ by_header, payloads }) => {
    runs++;
    const client = by_header ? await WsClient.logon(oms.url, 'demo2-key') : await WsClient.connect(oms.url);
    try {
      let seq = by_header ? 1 : 2;
      if (!by_header) client.sendRaw(encodeClientBatch([{ template_id: TemplateId.LOGON, seq: 1, api_key: 'demo2-key', cancel_on_disconnect: true }]));
      for (const payload of payloads) {
        const { bytes, messages } = payload(seq);
        seq += messages;
        client.sendRaw(bytes);
      }
      // A probe the server must answer (a Reject: unknown order, not logged on, or a
      // sequence gap) unless the garbage already made it close the connection.
      client.next_seq = seq;
      const [probe] = client.closed_with === null ? client.send({ template_id: TemplateId.CANCEL, order_id: 9_000_000_000_000 }) : [0];
      await client.waitUntil(() => client.closed_with !== null
        || client.messages.some((m) => m.template_id === TemplateId.REJECT && m.ref_seq === probe), 5_000, 'an answer to the probe');
      if (client.closed_with !== null) {
        closes++;
        if (!ALLOWED_CLOSE_CODES.has(client.closed_with.code)) throw new Error(`close code ${client.closed_with.code} ${client.closed_with.reason}`);
      }
      if (client.invalid.length > 0) throw new Error(`the server sent bytes that do not decode: ${client.invalid[0].reason}`);
      if (client.text_frames > 0) throw new Error('the server sent a text frame');
      client.messages.forEach((m, i) => {
        if (m.seq !== i + 1) throw new Error(`server message ${i} has seq ${m.seq}`);
        if (m.template_id === TemplateId.EXECUTION_REPORT) reports++;
        if (m.template_id === TemplateId.REJECT) {
          rejects++;
          if (!isRejectCode(m.code) || m.code === RejectCode.OK) throw new Error(`reject code ${m.code}`);
        }
      });
    } finally {
      await client.close();
    }
    if (runs % 25 === 0 && (await liveness()) !== 200) throw new Error('/health/live stopped answering 200');
  });
  const details = await fc.check(property, { numRuns: 300 });
  t.notOk(details.failed, details.failed ? fc.defaultReportMessage(details) ?? 'failed' : 'property holds');
  t.ok(closes > 0 && rejects > 0 && reports > 0,
    `the inputs reached closes (${closes}), rejects (${rejects}) and execution reports (${reports}) over ${runs} connections`);
  t.equal(oms.exit_code, null, 'the OMS process is still running');
  t.equal(await liveness(), 200, '/health/live answers 200');
  const ready = await oms.request('GET', '/health/ready', { key: null });
  t.equal(ready.status, 200, 'the OMS is still ready to take orders');
  const client = await logon();
  client.send(newOrder({ client_order_id: 'after-fuzz' }));
  await client.waitForReport('after-fuzz', ExecType.NEW);
  t.pass('orders still work over WebSocket');
});
