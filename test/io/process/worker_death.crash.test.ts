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
 * The sinks' deaths are in sink_death.crash.test.ts. The shared checks: fail-stop in
 * test/support/fail_stop_checks.ts, a restart under flowing orders in
 * test/support/worker_restart_flow.ts.
 */
import t from 'tap';
import { expectFailStop, startFailStopOms } from '../../support/fail_stop_checks.js';
import { HttpOrderFlow, lostOrders, workerLine } from '../../support/http_order_flow.js';
import { OmsServer } from '../../support/oms_server.js';
import { ordersFlowThroughRestart } from '../../support/worker_restart_flow.js';
import { setKnownMarket, until } from '../http/fixtures/http_fixtures.js';

const KEYS = ['test-key', 'demo2-key'];

t.test('when the journal worker dies mid-flow, the OMS fails stop as for the engine, and a restart finds every acknowledged order', async (t) => {
  const { oms, ws } = await startFailStopOms(t, { OMS_FAULT_WORKER_EXIT: 'journal:600' });
  const flow = new HttpOrderFlow(oms, { keys: KEYS });
  await expectFailStop(t, oms, ws, /journal worker exited unexpectedly/, 'journal-death');

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
  await ordersFlowThroughRestart(t, oms, 'pnl', {
    keys: KEYS,
    min_acked_before: 100,
    why_no_refusals: 'no order was refused (no STALE_PNL: the restart took less than OMS_MAX_PNL_AGE_MS)',
  });

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
  await ordersFlowThroughRestart(t, oms, 'market_data', {
    keys: KEYS,
    min_acked_before: 20,
    why_no_refusals: 'no order was refused (no STALE_MARK: the restart took less than OMS_MAX_MARK_AGE_MS)',
    after_restart: (restarted_ms) => until('a mark written after the restart', async () => {
      const ticker = await oms.request('GET', '/ticker/BTCUSDT', { key: null });
      return Date.parse(ticker.body.timestamp) > restarted_ms ? true : undefined;
    }),
  });
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
