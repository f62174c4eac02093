/**
 * The ws-binary load generator reads answers by scanning fixed offsets, not by decoding
 * them whole (bench/load/ws_oms_binary_protocol.ts): for any batch of server messages it
 * must report exactly what a full decode with the codec says (each ExecutionReport's
 * client order id, a REJECTED report's code and its transact time, a Reject's order through its seq), skip the
 * messages that answer no order, and refuse a frame whose framing is broken.
 */
import fc from 'fast-check';
import t from 'tap';
import { createOmsBinaryProtocol } from '../../../bench/load/ws_oms_binary_protocol.js';
import { decodeServerMessages, encodeServerBatch, ExecType, isRefusal, TemplateId } from '../../../io/binary/index.js';
import { holds, serverMessage } from '../../io/binary/fixtures/arbitraries.js';

type Answer = [string, string, number | undefined, number | undefined];

t.test('the scan reports what a full decode says, for any batch of server messages', (t) => {
  holds(t, fc.property(fc.array(serverMessage, { minLength: 1, maxLength: 8 }), (messages) => {
    const session = createOmsBinaryProtocol().session();
    // Orders sent first, so a Reject's ref_seq can name one of them.
    const ids = Array.from({ length: 8 }, (_, k) => `order-${k}`);
    session.encodeOrders(Array.from(ids.keys()), ids, ids.length);
    const frame = Buffer.from(encodeServerBatch(messages));
    const expected: Answer[] = [];
    for (const item of decodeServerMessages(frame)) {
      if (isRefusal(item)) return true; // the arbitraries only build valid messages
      if (item.template_id === TemplateId.EXECUTION_REPORT) {
        // An execution report also gives its transact time (the OMS's edge time, bench/harness/edge_split.ts).
        const transact_us = Number(item.transact_time_us);
        expected.push(item.exec_type === ExecType.REJECTED
          ? [item.client_order_id, 'reject', item.reject_code, transact_us] : [item.client_order_id, 'ack', undefined, transact_us]);
      } else if (item.template_id === TemplateId.REJECT && item.ref_seq >= 1 && item.ref_seq <= ids.length) {
        expected.push([ids[item.ref_seq - 1], 'reject', item.code, undefined]);
      }
    }
    const seen: Answer[] = [];
    session.decodeFrame(frame, (id, kind, code, transact_us) => seen.push([id, kind, code, transact_us]));
    return JSON.stringify(seen) === JSON.stringify(expected);
  }), { numRuns: 300 });
  t.end();
});

t.test('a frame with broken framing is refused, not misread', (t) => {
  const session = createOmsBinaryProtocol().session();
  const report = () => t.fail('nothing should be reported');
  t.throws(() => session.decodeFrame(Buffer.alloc(10), report), /undecodable/, 'shorter than a header');
  const heartbeat = Buffer.from(encodeServerBatch([{ template_id: TemplateId.SERVER_HEARTBEAT, seq: 1 }]));
  t.throws(() => session.decodeFrame(heartbeat.subarray(0, heartbeat.length - 8), report), /undecodable/, 'cut short');
  const wrong_version = Buffer.from(heartbeat);
  wrong_version[4] = 9;
  t.throws(() => session.decodeFrame(wrong_version, report), /undecodable/, 'another schema version');
  t.end();
});
