/**
 * The echo server (its own process, uWebSockets.js) under the harness's real load
 * generators: HTTP JSON (pipelined node:net client) and WebSocket (batched frames). Rates
 * are low on purpose: the machine is shared with other, timing-sensitive tests.
 */
import t from 'tap';
import { runScenarioOnce } from '../support/scenario_run.js';
import { EchoScenario } from '../../../bench/scenarios/echo_scenario.js';
import { WsEchoScenario } from '../../../bench/scenarios/ws_echo_scenario.js';

const SETTINGS = { durability: 'fsync' as const, target_url: null, verbose: false };
const SPEC = {
  mode: 'open' as const, rate_per_s: 200, window: 8, warmup_s: 0.2, duration_s: 1, connections: 2, generators: 1, generator_nice: 0,
  batch: 4, pipeline: 0, drain_timeout_ms: 3000, progress_interval_ms: 0,
};

t.test('the echo server answers every POST /orders of an open-loop run', async (t) => {
  const load = await runScenarioOnce(t, new EchoScenario(SETTINGS), SPEC);
  t.equal(load.sent, 200);
  t.equal(load.completed, 200);
  t.equal(load.errors, 0);
  t.same(load.outcomes, { 200: 200 });
});

t.test('two generator processes share one schedule and the connections', async (t) => {
  const load = await runScenarioOnce(t, new EchoScenario(SETTINGS), { ...SPEC, generators: 2 });
  t.equal(load.sent, 200);
  t.equal(load.completed, 200);
});

t.test('the WebSocket echo answers every order, batched several per frame', async (t) => {
  const load = await runScenarioOnce(t, new WsEchoScenario(SETTINGS), SPEC);
  t.equal(load.sent, 200);
  t.equal(load.completed, 200);
  t.equal(load.errors, 0);
  t.equal((load.extra as { unknown_reports: number }).unknown_reports, 0, 'every report matched an order by client order id');
});
