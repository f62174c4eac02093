/**
 * The hop baselines under the harness's real load generators: every order answered with
 * no error, the server's CPU attributed to its io thread and to the engine's stand-in
 * worker by name, and each run paired with its plain echo. Rates are low: the machine is
 * shared.
 */
import t from 'tap';
import { ASYNC_ECHO_SPEC, runScenarioOnce } from '../support/scenario_run.js';
import { HopEchoScenario } from '../../../bench/scenarios/hop_echo_scenario.js';
import { WsHopEchoScenario } from '../../../bench/scenarios/ws_hop_echo_scenario.js';

const SETTINGS = { durability: 'none' as const, target_url: null, verbose: false };
const SPEC = ASYNC_ECHO_SPEC;

t.test('a hop-echo run answers every order with no error, through the worker', async (t) => {
  const scenario = new HopEchoScenario(SETTINGS);
  t.equal(scenario.baseline, 'echo', 'it runs beside the plain echo');
  const load = await runScenarioOnce(t, scenario, SPEC);
  t.equal(load.sent, 200);
  t.equal(load.completed, 200);
  t.equal(load.errors, 0);
  t.same(load.outcomes, { 200: 200 });
  const cpu = load.server?.cpu_us_per_order;
  t.ok(cpu !== null && cpu !== undefined, 'CPU per order was measured');
  t.ok(cpu!.io > 0, `the io thread worked (${cpu!.io} µs/order)`);
  t.ok(cpu!.engine > 0, `the engine's stand-in is found by name and worked (${cpu!.engine} µs/order)`);
  t.equal(load.server?.stages, null, 'an echo has no stage histograms');
});

t.test('a ws-hop-echo run answers every order with no error, through the worker', async (t) => {
  const scenario = new WsHopEchoScenario(SETTINGS);
  t.equal(scenario.baseline, 'ws-echo', 'it runs beside the plain ws-echo');
  const load = await runScenarioOnce(t, scenario, { ...SPEC, connections: 2 });
  t.equal(load.sent, 200);
  t.equal(load.completed, 200);
  t.equal(load.errors, 0);
  t.equal((load.extra as { unknown_reports: number }).unknown_reports, 0, 'every echoed message matched an order');
  t.ok((load.server?.cpu_us_per_order?.engine ?? 0) > 0, 'the engine\'s stand-in worked');
});
