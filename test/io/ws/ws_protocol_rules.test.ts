/**
 * The rules PROTOCOL.md states about what the server does, one test each, against the
 * real OMS over a real uWebSockets.js server: the order of checks (framing, then version,
 * then sequence, then template), close codes before logon, the Reject-or-report rule, an
 * empty WebSocket message, IOC remainders, stops that trigger on arrival, MARKET time in
 * force.
 */
import t from 'tap';
import { ExecReason, OrderType, Side, TimeInForce } from '../../../engine/protocol/enums.js';
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import { encodeClientBatch, ExecType, TemplateId } from '../../../io/binary/index.js';
import type { ExecutionReport } from '../../../io/binary/index.js';
import { wsOmsFixture } from '../../support/ws_oms_fixture.js';
import { newOrder, WsClient } from '../../support/ws_client.js';

const { oms, logon, connect } = await wsOmsFixture();

/** A bare header (and zero body) with the given fields: for bytes a well-behaved encoder will not make. */
function header(length: number, template_id: number, version: number, seq: number, total = length): Uint8Array {
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, length, true);
  view.setUint16(2, template_id, true);
  view.setUint16(4, version, true);
  view.setUint32(8, seq, true);
  return bytes;
}

const heartbeat = (seq: number) => encodeClientBatch([{ template_id: TemplateId.HEARTBEAT, seq }]);

t.test('order of checks: a length field above 256 is BODY_TOO_LARGE whatever its seq says', async (t) => {
  const client = await logon();
  client.sendRaw(header(43_525, TemplateId.NEW_ORDER, 1, 77, 64));
  const reject = await client.waitFor((m) => m.template_id === TemplateId.REJECT);
  t.match(reject, { code: RejectCode.BODY_TOO_LARGE });
  t.equal((await client.waitForClose()).code, 1002);
});

t.test('order of checks: another schema version is skipped whatever its seq says, and counts as one message', async (t) => {
  const client = await logon();
  const other_version = header(16, TemplateId.HEARTBEAT, 2, 999);
  const next = encodeClientBatch([{ ...newOrder({ client_order_id: 'rules-after-version' }), seq: 2 } as never]);
  const both = new Uint8Array(other_version.length + next.length);
  both.set(other_version);
  both.set(next, other_version.length);
  client.sendRaw(both);
  await client.waitForReport('rules-after-version', ExecType.NEW);
  t.match(client.rejects, [{ code: RejectCode.UNSUPPORTED_VERSION, ref_seq: 999 }], 'one Reject, for the version');
  t.equal(client.closed_with, null, 'still open');
});

t.test('order of checks: a known version with the wrong seq is a sequence gap, even with an unknown template', async (t) => {
  const client = await logon();
  client.sendRaw(header(16, 77, 1, 5));
  const reject = await client.waitFor((m) => m.template_id === TemplateId.REJECT);
  t.match(reject, { code: RejectCode.MALFORMED_BODY, ref_seq: 5, reason: /sequence gap: expected 1, got 5/ });
  t.equal((await client.waitForClose()).code, 1002);
});

t.test('order of checks: an unknown template with the right seq is skipped and the session goes on', async (t) => {
  const client = await logon();
  client.sendRaw(header(16, 77, 1, 1));
  client.sendRaw(heartbeat(2));
  client.next_seq = 3;
  client.send(newOrder({ client_order_id: 'rules-after-template' }));
  await client.waitForReport('rules-after-template', ExecType.NEW);
  t.match(client.rejects, [{ code: RejectCode.UNKNOWN_MESSAGE_TYPE, ref_seq: 1, ref_template_id: 77 }]);
});

t.test('before logon: a protocol error closes with 1002, any other message with 1008', async (t) => {
  const framing = await connect();
  framing.sendRaw(new Uint8Array([80, 0, 1, 0, 1, 0]));
  t.equal((await framing.waitForClose()).code, 1002, 'a cut-off Logon: 1002');
  const gap = await connect();
  gap.send({ template_id: TemplateId.HEARTBEAT });
  t.equal((await gap.waitForClose()).code, 1008, 'a Heartbeat before logon: 1008');
  t.match(gap.rejects, [{ code: RejectCode.NOT_LOGGED_ON, ref_seq: 1 }]);
  const seq_gap = await connect();
  seq_gap.next_seq = 3;
  seq_gap.send({ template_id: TemplateId.LOGON, cancel_on_disconnect: false, api_key: 'test-key' });
  t.equal((await seq_gap.waitForClose()).code, 1002, 'a Logon with seq 3: a sequence gap, 1002');
});

t.test('an empty WebSocket message is ignored: no answer, no seq used', async (t) => {
  const client = await logon();
  client.sendRaw(new Uint8Array(0));
  client.send(newOrder({ client_order_id: 'rules-after-empty' }));
  await client.waitForReport('rules-after-empty', ExecType.NEW);
  t.same(client.rejects, [], 'no Reject: seq 1 was still expected after the empty message');
});

t.test('Reject or report: off-tick, off-lot and untraded symbols are Rejects without an order', async (t) => {
  const client = await logon();
  const seqs = client.send(
    newOrder({ client_order_id: 'rules-tick', price: '44000.005' }),
    newOrder({ client_order_id: 'rules-lot', quantity: '0.00005' }),
    newOrder({ client_order_id: 'rules-sym', symbol: 'DOGEUSDT' }),
  );
  await client.waitForCount((m) => m.template_id === TemplateId.REJECT, 3);
  t.match(client.rejects, [
    { ref_seq: seqs[0], code: RejectCode.OFF_TICK }, { ref_seq: seqs[1], code: RejectCode.OFF_LOT }, { ref_seq: seqs[2], code: RejectCode.UNKNOWN_SYMBOL },
  ]);
  t.same(client.reports.filter((r) => r.client_order_id.startsWith('rules-')), [], 'no report: no order was created');
});

t.test('Reject or report: an expiry in the past and a risk refusal are exec_type 8 reports with an order id', async (t) => {
  const client = await logon();
  client.send(
    newOrder({ client_order_id: 'rules-past', time_in_force: TimeInForce.GTD, expire_time_ms: Date.now() - 60_000 }),
    newOrder({ client_order_id: 'rules-risk', quantity: '101' }),
  );
  const past = await client.waitForReport('rules-past', ExecType.REJECTED);
  const risk = await client.waitForReport('rules-risk', ExecType.REJECTED);
  t.match(past, { reject_code: RejectCode.EXPIRE_TIME_IN_PAST, ord_status: '8' });
  t.match(risk, { reject_code: RejectCode.MAX_ORDER_QTY });
  t.ok(past.order_id > 0 && risk.order_id > 0, 'both have an order id');
  t.same(client.rejects, [], 'and no Reject');
});

t.test('an IOC remainder is reported EXPIRED with exec_reason IOC_REMAINDER', async (t) => {
  const client = await logon();
  client.send(newOrder({ client_order_id: 'rules-ioc', time_in_force: TimeInForce.IOC, price: '44000' }));
  const expired = await client.waitForReport('rules-ioc', ExecType.EXPIRED);
  t.match(expired, { ord_status: 'C', exec_reason: ExecReason.IOC_REMAINDER });
});

t.test('a stop already reached on arrival triggers at once: NEW, then TRIGGERED, then its fill', async (t) => {
  const client = await logon();
  client.send(newOrder({ client_order_id: 'rules-stop', order_type: OrderType.STOP, side: Side.BUY, stop_price: '44000' }));
  const fill = await client.waitForReport('rules-stop', ExecType.TRADE);
  const kinds = client.reportsFor('rules-stop').map((r: ExecutionReport) => r.exec_type);
  t.same(kinds, [ExecType.NEW, ExecType.TRIGGERED, ExecType.TRADE]);
  t.match(fill, { ord_status: '2' });
});

t.test('a MARKET order may carry any time in force; with GTC what cannot fill at once keeps working', async (t) => {
  await oms.setMarket('ETHUSDT', { bid: 2499, ask: 2501, last: 2500, bid_size: 1, ask_size: 1 });
  const client = await logon();
  client.send(newOrder({ client_order_id: 'rules-mkt-gtc', symbol: 'ETHUSDT', order_type: OrderType.MARKET, time_in_force: TimeInForce.GTC, quantity: '1.5' }));
  const partial = await client.waitForReport('rules-mkt-gtc', ExecType.TRADE);
  t.match(partial, { ord_status: '1' }, 'partly filled by the 1 at the touch; the rest still works');
  await oms.setMarket('ETHUSDT', { bid: 2499, ask: 2502, last: 2500, bid_size: 1, ask_size: 1 });
  const done = await client.waitFor<ExecutionReport>((m) => m.template_id === TemplateId.EXECUTION_REPORT && m.client_order_id === 'rules-mkt-gtc' && m.ord_status === '2');
  t.ok(done, 'filled on the next market update');
});

t.test('the server is still running and logged no errors', async (t) => {
  t.equal((await oms.request('GET', '/health/live', { key: null })).status, 200);
  t.same(oms.problems(), []);
});
