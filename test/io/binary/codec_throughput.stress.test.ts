/**
 * The io thread's budget: 150k+ orders a second through one thread, decode and reply
 * included. Topology: one thread, a NewOrder payload decoded in a loop; one
 * ExecutionReport encoded into one reused buffer in a loop. Baseline in the same run:
 * JSON.parse / JSON.stringify of the same order and report, which is what the HTTP API
 * pays. The floors asserted are far below what the codec does (a few hundred ns per
 * message) so a busy CI machine does not make them flaky; the numbers are printed.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import t from 'tap';
import { OrderType, Side, TimeInForce } from '../../../engine/protocol/enums.js';
import {
  decodeClientMessages, encodeExecutionReport, encodeNewOrder, ExecType, ExecutionReportInput, NEW_ORDER, OrdStatus,
} from '../../../io/binary/index.js';

const FLOOR_PER_SEC = 150_000;

function rate(iterations: number, body: (i: number) => void): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) body(i);
  return iterations / (Number(process.hrtime.bigint() - start) / 1e9);
}

const payload = new Uint8Array(NEW_ORDER.byte_size);
encodeNewOrder(payload, 0, {
  seq: 1, side: Side.BUY, order_type: OrderType.LIMIT, time_in_force: TimeInForce.GTC, expire_time_ms: 0,
  quantity: { mantissa: 5, scale: 1 }, price: { mantissa: 4500012, scale: 2 }, symbol: 'BTCUSDT',
  client_order_id: 'order-000000000001',
});
const json = JSON.stringify({
  symbol: 'BTCUSDT', side: 'buy', order_type: 'LIMIT', time_in_force: 'GTC', quantity: '0.5', price: '45000.12',
  client_order_id: 'order-000000000001',
});

// One mutable report, refilled per event, as the io thread would keep it.
const report: { -readonly [K in keyof ExecutionReportInput]: ExecutionReportInput[K] } = {
  seq: 1, reject_code: 0, exec_type: ExecType.TRADE, ord_status: OrdStatus.PARTIALLY_FILLED, exec_id: 1, order_id: 1001,
  orig_order_id: 0, transact_time_us: 1_767_614_400_000_000, order_qty: { mantissa: 5, scale: 1 },
  price: { mantissa: 4500012, scale: 2 }, stop_price: undefined, cum_qty: { mantissa: 1, scale: 1 },
  leaves_qty: { mantissa: 4, scale: 1 }, avg_px: { mantissa: 4500012, scale: 2 }, last_qty: { mantissa: 1, scale: 1 },
  last_px: { mantissa: 4500012, scale: 2 }, side: Side.BUY, order_type: OrderType.LIMIT, time_in_force: TimeInForce.GTC,
  exec_reason: 0, symbol: 'BTCUSDT', client_order_id: 'order-000000000001',
};
const out = new Uint8Array(64 * 1024);

t.test('one thread decodes well over 150k NewOrders a second', (t) => {
  let sink = 0;
  rate(50_000, () => { sink += decodeClientMessages(payload).length; });
  const binary = rate(300_000, () => { sink += decodeClientMessages(payload).length; });
  const baseline = rate(300_000, () => { sink += Object.keys(JSON.parse(json) as object).length; });
  t.comment(`binary decode: ${Math.round(binary).toLocaleString()}/s; JSON.parse baseline: ${Math.round(baseline).toLocaleString()}/s`);
  t.ok(binary > FLOOR_PER_SEC, `${Math.round(binary)} decodes/s`);
  t.ok(sink > 0);
  t.end();
});

t.test('one thread encodes well over 150k ExecutionReports a second, into one buffer, without garbage', async (t) => {
  let gcs = 0;
  const observer = new PerformanceObserver((list) => { gcs += list.getEntries().length; });
  rate(50_000, (i) => { report.exec_id = i + 1; encodeExecutionReport(out, (i & 255) * 184, report); });
  await new Promise((resolve) => setImmediate(resolve));
  observer.observe({ entryTypes: ['gc'] });
  const binary = rate(1_000_000, (i) => {
    report.seq = i + 1;
    report.exec_id = i + 1;
    encodeExecutionReport(out, (i & 255) * 184, report);
  });
  await new Promise((resolve) => setImmediate(resolve));
  observer.disconnect();
  let sink = 0;
  const baseline = rate(100_000, (i) => { report.exec_id = i; sink += JSON.stringify(report, (_k, v: unknown) => v).length; });
  t.comment(`binary encode: ${Math.round(binary).toLocaleString()}/s; JSON.stringify baseline: ${Math.round(baseline).toLocaleString()}/s`);
  t.ok(binary > FLOOR_PER_SEC, `${Math.round(binary)} encodes/s`);
  t.ok(gcs <= 1, `a million encodes triggered ${gcs} garbage collections`);
  t.ok(sink > 0);
  t.end();
});
