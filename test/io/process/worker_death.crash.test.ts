/**
 * A worker dies while orders flow into the real OMS process (the test fault
 * OMS_FAULT_WORKER_EXIT=<worker>:<count> ends its thread as a crash would), and the
 * documented outcome happens (docs/DEPLOYMENT.md, "What fails how"):
 *  - the journal: fail-stop, as for the engine (fail_stop.test.ts): NOT_READY on HTTP and
 *    WebSocket, /health/live and /health/ready 503, exit 70 within OMS_FAIL_STOP_EXIT_MS;
 *    a restart finds every acknowledged order;
 *  - PnL and market data: the supervisor restarts the worker, /health/workers counts the
 *    restart, orders keep flowing (the restart takes less than OMS_MAX_PNL_AGE_MS and
 *    OMS_MAX_MARK_AGE_MS, so none is refused STALE_*), and nothing acknowledged is lost.
 * The sinks' deaths are in sink_death.crash.test.ts.
 */
import t from 'tap';
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import { FAIL_STOP_EXIT_CODE } from '../../../io/process/fail_stop.js';
import { HttpOrderFlow, lostOrders, workerLine } from '../../support/http_order_flow.js';
import { OmsServer } from '../../support/oms_server.js';
import { newOrder, WsClient } from '../../support/ws_client.js';
import { restingBuy, setKnownMarket, until } from '../http/fixtures/http_fixtures.js';

const EXIT_AFTER_MS = 2000;
/** Far above anything the tests wait for, so a TIMEOUT answer cannot pass for a fast refusal. */
const REQUEST_TIMEOUT_MS = 30_000;
const KEYS = ['test-key', 'demo2-key'];

t.test('when the journal worker dies mid-flow, the OMS fails stop as for the engine, and a restart finds every acknowledged order', async (t) => {
  const oms = await OmsServer.start({
    env: {
      OMS_FAULT_WORKER_EXIT: 'journal:600',
      OMS_FAIL_STOP_EXIT_MS: String(EXIT_AFTER_MS),
      OMS_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    },
  });
  t.teardown(() => oms.cleanup());
  await setKnownMarket(oms);
  const ws = await WsClient.logon(oms.url, 'test-key', false);
  t.teardown(() => ws.terminate());
  const flow = new HttpOrderFlow(oms, { keys: KEYS });

  const live = await until('/health/live to fail', async () => {
    const answer = await oms.request('GET', '/health/live', { key: null });
    return answer.status === 503 ? answer : undefined;
  }, 30_000);
  const failed_at_ms = Date.now();
  t.match(live.body, { status: 'failed', reasons: [/journal worker exited unexpectedly/] }, 'live says why');
  const ready = await oms.request('GET', '/health/ready', { key: null });
  t.equal(ready.status, 503, 'ready is 503');
  t.ok(ready.body.reasons.some((r: string) => /journal worker exited unexpectedly/.test(r)), 'ready says why');

  const sent_ms = Date.now();
  const after = await oms.request('POST', '/orders', { body: restingBuy({ client_order_id: 'after-journal-death' }) });
  t.match(after.body, { success: false, code: 'NOT_READY', reject_code: RejectCode.NOT_READY });
  t.ok(Date.now() - sent_ms < 1000, `an HTTP order is refused in ${Date.now() - sent_ms} ms, not after a timeout`);
  const [seq] = ws.send(newOrder({ client_order_id: 'ws-after-journal-death' }));
  t.equal((await ws.waitForReject(seq)).code, RejectCode.NOT_READY, 'a WebSocket order is refused NOT_READY');

  await until('the process to exit', async () => (oms.exit_code !== null ? true : undefined), EXIT_AFTER_MS + 3000);
  t.equal(oms.exit_code, FAIL_STOP_EXIT_CODE, 'it exits 70, so its supervisor restarts it');
  t.ok(Date.now() - failed_at_ms <= EXIT_AFTER_MS + 1000, `it exited ${Date.now() - failed_at_ms} ms after live went 503 (bound ${EXIT_AFTER_MS} ms)`);
  t.match(oms.logs, /"level":60[^\n]*journal worker exited unexpectedly/, 'the reason is logged at fatal');

  await flow.stop();
  t.same(flow.unexpected, [], 'every answer was an order or a refusal with a code');
  t.same(flow.refusalsOtherThan('NOT_READY'), {}, 'the only refusals were NOT_READY, after the death');
  t.ok(flow.acked.size >= 100, `orders were flowing when it died (${flow.acked.size} acknowledged)`);

  await oms.launch();
  t.same(await lostOrders(oms, flow.acked.values()), [], `all ${flow.acked.size} acknowledged orders are there after the restart`);
  await oms.stop();
});

t.test('when the PnL worker dies mid-flow, it is restarted, orders keep flowing, and its positions lose or double nothing', async (t) => {
  const oms = await OmsServer.start({ env: { OMS_FAULT_WORKER_EXIT: 'pnl:600' } });
  t.teardown(() => oms.cleanup());
  await setKnownMarket(oms);
  const flow = new HttpOrderFlow(oms, { keys: KEYS });

  const line = await until('the PnL worker to be restarted and running', async () => {
    const pnl = await workerLine(oms, 'pnl');
    return pnl.restarts >= 1 && pnl.state === 'running' ? pnl : undefined;
  }, 30_000);
  const acked_at_restart = flow.acked.size;
  await until('orders after the restart', async () => (flow.acked.size >= acked_at_restart + 100 ? true : undefined), 30_000);
  await flow.stop();

  t.equal(line.restarts, 1, '/health/workers counts one restart');
  t.same(flow.unexpected, [], 'every answer was an order or a refusal with a code');
  t.same(Object.fromEntries(flow.refusals), {}, 'no order was refused (no STALE_PNL: the restart took less than OMS_MAX_PNL_AGE_MS)');
  t.ok(acked_at_restart >= 100, `orders were flowing when it died (${acked_at_restart} acknowledged)`);
  t.same(await lostOrders(oms, flow.acked.values()), [], `all ${flow.acked.size} acknowledged orders are listed`);

  // The restarted worker rebuilt its book from the journal; recovery does the same from scratch.
  const live_positions = await caughtUpPositions(oms);
  t.ok(live_positions.some((p) => p.quantity !== 0 || p.realized_pnl !== 0), 'the flow made positions');
  await oms.stop();
  await oms.launch();
  t.same(await caughtUpPositions(oms), live_positions, 'positions after the PnL restart equal those a full recovery computes');
  await oms.stop();
});

t.test('when the market-data worker dies mid-flow, it is restarted, marks move again, and orders keep flowing', async (t) => {
  const oms = await OmsServer.start({ env: { OMS_MARKET_DATA: 'sim', OMS_FAULT_WORKER_EXIT: 'market_data:60' } });
  t.teardown(() => oms.cleanup());
  const flow = new HttpOrderFlow(oms, { keys: KEYS });

  const line = await until('the market-data worker to be restarted and running', async () => {
    const md = await workerLine(oms, 'market_data');
    return md.restarts >= 1 && md.state === 'running' ? md : undefined;
  }, 30_000);
  const restarted_ms = Date.now();
  const acked_at_restart = flow.acked.size;
  await until('a mark written after the restart', async () => {
    const ticker = await oms.request('GET', '/ticker/BTCUSDT', { key: null });
    return Date.parse(ticker.body.timestamp) > restarted_ms ? true : undefined;
  });
  await until('orders after the restart', async () => (flow.acked.size >= acked_at_restart + 100 ? true : undefined), 30_000);
  await flow.stop();

  t.equal(line.restarts, 1, '/health/workers counts one restart');
  t.same(flow.unexpected, [], 'every answer was an order or a refusal with a code');
  t.same(Object.fromEntries(flow.refusals), {}, 'no order was refused (no STALE_MARK: the restart took less than OMS_MAX_MARK_AGE_MS)');
  t.ok(acked_at_restart >= 20, `orders were flowing when it died (${acked_at_restart} acknowledged)`);
  t.same(await lostOrders(oms, flow.acked.values()), [], `all ${flow.acked.size} acknowledged orders are listed`);
  await oms.stop();
});

interface PositionFigures {
  readonly account: string;
  readonly symbol: string;
  readonly quantity: number;
  readonly average_price: number | null;
  readonly realized_pnl: number;
  readonly last_sequence: number;
}

/** Every account's positions once the PnL worker has applied every durable event. */
async function caughtUpPositions(oms: OmsServer): Promise<PositionFigures[]> {
  await until('the PnL worker to catch up with the journal', async () => {
    const [pnl, journal] = [await workerLine(oms, 'pnl'), await workerLine(oms, 'journal')];
    return pnl.position === journal.position && pnl.lag === 0 ? true : undefined;
  });
  const figures: PositionFigures[] = [];
  for (const key of KEYS) {
    const answer = await oms.request('GET', '/positions', { key });
    for (const p of answer.body.positions) {
      figures.push({ account: p.account, symbol: p.symbol, quantity: p.quantity, average_price: p.average_price,
        realized_pnl: p.realized_pnl, last_sequence: p.last_sequence });
    }
  }
  return figures;
}
