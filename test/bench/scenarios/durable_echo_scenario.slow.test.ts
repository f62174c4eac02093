/**
 * The durable baselines under the harness's real load generators: every order answered
 * with no error, one journal record per order, and the server's CPU attributed to its
 * io thread and to its journal worker by name. Rates are low: the machine is shared.
 */
import { join } from 'node:path';
import t from 'tap';
import { ASYNC_ECHO_SPEC, runScenarioOnce } from '../support/scenario_run.js';
import { DurableEchoScenario } from '../../../bench/scenarios/durable_echo_scenario.js';
import { WsDurableEchoScenario } from '../../../bench/scenarios/ws_durable_echo_scenario.js';
import { scanJournal } from '../../../services/journal/journal_reader.js';

const SETTINGS = { durability: 'fsync' as const, target_url: null, verbose: false };
const SPEC = ASYNC_ECHO_SPEC;

t.test('a durable-echo run answers every order with no error, each one journaled', async (t) => {
  const scenario = new DurableEchoScenario(SETTINGS);
  const load = await runScenarioOnce(t, scenario, SPEC);
  t.equal(load.sent, 200);
  t.equal(load.completed, 200);
  t.equal(load.errors, 0);
  t.same(load.outcomes, { 200: 200 });
  const warmup_orders = SPEC.rate_per_s * SPEC.warmup_s;
  t.equal(scanJournal(join(scenario.data_dir!, 'journal')).last_seq, warmup_orders + 200, 'warm-up and measured orders are all in the journal');
  const cpu = load.server?.cpu_us_per_order;
  t.ok(cpu !== null && cpu !== undefined, 'CPU per order was measured');
  t.ok(cpu!.io > 0, `the io thread worked (${cpu!.io} µs/order)`);
  t.ok(cpu!.journal > 0, `the journal thread is found by name and worked (${cpu!.journal} µs/order)`);
  t.ok(cpu!.total >= cpu!.io + cpu!.journal - 0.2, 'the total holds its parts (each rounded to 0.1 µs)');
  t.equal(load.server?.stages, null, 'an echo has no stage histograms');
});

t.test('a ws-durable-echo run answers every order with no error', async (t) => {
  const load = await runScenarioOnce(t, new WsDurableEchoScenario(SETTINGS), { ...SPEC, connections: 2 });
  t.equal(load.sent, 200);
  t.equal(load.completed, 200);
  t.equal(load.errors, 0);
  t.equal((load.extra as { unknown_reports: number }).unknown_reports, 0, 'every echoed message matched an order');
  t.ok((load.server?.cpu_us_per_order?.journal ?? 0) > 0, 'the journal thread worked');
});
