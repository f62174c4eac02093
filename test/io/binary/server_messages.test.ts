import { deepStrictEqual } from 'node:assert';
import fc from 'fast-check';
import t from 'tap';
import { OrderType, Side, TimeInForce } from '../../../engine/protocol/enums.js';
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import {
  decodeServerMessages, encodeExecutionReport, encodeServerBatch, EXECUTION_REPORT, ExecType, LIST_STATUS, LOGON_ACK, OrdStatus,
  REJECT, SERVER_HEARTBEAT, ServerMessageInput, TemplateId,
} from '../../../io/binary/index.js';
import { executionReport, holds, listStatus, logonAck, reject, serverHeartbeat, serverMessage } from './fixtures/arbitraries.js';

t.test('every server template decodes to exactly the message that was encoded, and re-encodes to the same bytes', (t) => {
  for (const [name, arbitrary] of Object.entries({ logonAck, executionReport, reject, serverHeartbeat, listStatus })) {
    t.test(name, (t) => {
      holds(t, fc.property(arbitrary as fc.Arbitrary<ServerMessageInput>, (m) => {
        const bytes = encodeServerBatch([m]);
        const items = decodeServerMessages(bytes);
        deepStrictEqual(items, [m]);
        deepStrictEqual(encodeServerBatch(items as ServerMessageInput[]), bytes);
      }));
      t.end();
    });
  }
  t.end();
});

t.test('a batch of server messages decodes in order', (t) => {
  holds(t, fc.property(fc.array(serverMessage, { minLength: 1, maxLength: 5 }), (batch) => {
    deepStrictEqual(decodeServerMessages(encodeServerBatch(batch)), batch);
  }));
  t.end();
});

t.test('server templates have the sizes PROTOCOL.md gives them', (t) => {
  t.same(
    [LOGON_ACK, EXECUTION_REPORT, REJECT, SERVER_HEARTBEAT, LIST_STATUS].map((s) => [s.name, s.template_id, s.byte_size]),
    [['LogonAck', 101, 64], ['ExecutionReport', 102, 184], ['Reject', 103, 120], ['ServerHeartbeat', 104, 16], ['ListStatus', 105, 104]],
  );
  t.end();
});

t.test('an execution report is written into the caller\'s buffer at the caller\'s offset, from plain-number decimals', (t) => {
  const out = new Uint8Array(1024).fill(0xee);
  const report = {
    seq: 9, reject_code: RejectCode.OK, exec_type: ExecType.TRADE, ord_status: OrdStatus.FILLED, exec_id: 77,
    order_id: 12, orig_order_id: 0, transact_time_us: 1_767_614_400_000_000,
    order_qty: { mantissa: 5, scale: 1 }, price: { mantissa: 4500012, scale: 2 }, stop_price: undefined,
    cum_qty: { mantissa: 5, scale: 1 }, leaves_qty: { mantissa: 0, scale: 0 }, avg_px: { mantissa: 4500012, scale: 2 },
    last_qty: { mantissa: 5, scale: 1 }, last_px: { mantissa: 4500012, scale: 2 },
    side: Side.BUY, order_type: OrderType.LIMIT, time_in_force: TimeInForce.GTC, exec_reason: 0 as const,
    symbol: 'BTCUSDT', client_order_id: 'order-0001',
  };
  const written = encodeExecutionReport(out, 200, report);
  t.equal(written, 184);
  t.equal(out[199], 0xee, 'the byte before the report is untouched');
  t.equal(out[200 + 184], 0xee, 'the byte after the report is untouched');
  const [decoded] = decodeServerMessages(out.subarray(200, 200 + written));
  t.match(decoded, {
    template_id: TemplateId.EXECUTION_REPORT, seq: 9, exec_type: 'F', ord_status: '2', exec_id: 77,
    last_px: { mantissa: 4500012n, scale: 2 }, leaves_qty: { mantissa: 0n, scale: 0 },
  });
  t.end();
});
