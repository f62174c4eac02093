/**
 * The check every "a worker off the order path dies while orders flow" test makes
 * (docs/DEPLOYMENT.md, "What fails how"): orders flow over HTTP while the worker's test
 * fault (OMS_FAULT_WORKER_EXIT) ends its thread; its supervisor restarts it; more orders
 * go through; then the outcome: one restart on /health/workers, every answer an order or a
 * refusal with a code, no refusal at all, and every acknowledged order still there.
 * Used by test/io/process/worker_death.crash.test.ts (PnL, market data) and
 * sink_death.crash.test.ts (the sinks).
 */
import type { Test } from 'tap';
import { until } from '../io/http/fixtures/http_fixtures.js';
import { HttpOrderFlow, lostOrders, workerLine } from './http_order_flow.js';
import type { OmsServer } from './oms_server.js';

export interface RestartFlowOptions {
  /** API keys of the accounts that trade. */
  readonly keys: readonly string[];
  /** Orders that must have been acknowledged before the restart: the fault fired mid-flow. */
  readonly min_acked_before: number;
  /** Why no order may be refused while the worker is down: the assertion's message. */
  readonly why_no_refusals: string;
  /** Orders that must go through after the restart (default 100). */
  readonly orders_after?: number;
  /** Waits for a sign of the restarted worker's own (market data: a new mark) before counting the orders after it. */
  readonly after_restart?: (restarted_at_ms: number) => Promise<unknown>;
}

/** Runs the flow through the worker's death and restart and checks the outcome; returns the stopped flow. */
export async function ordersFlowThroughRestart(t: Test, oms: OmsServer, worker: string, options: RestartFlowOptions): Promise<HttpOrderFlow> {
  const flow = new HttpOrderFlow(oms, { keys: options.keys });
  const orders_after = options.orders_after ?? 100;
  let line: Record<string, any>;
  let acked_at_restart: number;
  try {
    line = await until(`${worker} to be restarted and running`, async () => {
      const w = await workerLine(oms, worker);
      return w.restarts >= 1 && w.state === 'running' ? w : undefined;
    }, 30_000);
    const restarted_at_ms = Date.now();
    acked_at_restart = flow.acked.size;
    await options.after_restart?.(restarted_at_ms);
    await until(`${orders_after} orders after the restart`,
      async () => (flow.acked.size >= acked_at_restart + orders_after ? true : undefined), 30_000);
  } finally {
    // Also on a timeout: a flow left running would keep sending to the next test's OMS port.
    await flow.stop();
  }

  t.equal(line.restarts, 1, '/health/workers counts one restart');
  t.same(flow.unexpected, [], 'every answer was an order or a refusal with a code');
  t.same(Object.fromEntries(flow.refusals), {}, options.why_no_refusals);
  t.ok(acked_at_restart >= options.min_acked_before, `orders were flowing when it died (${acked_at_restart} acknowledged)`);
  t.same(await lostOrders(oms, flow.acked.values()), [], `all ${flow.acked.size} acknowledged orders are there`);
  return flow;
}
