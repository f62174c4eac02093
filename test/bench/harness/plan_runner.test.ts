/**
 * The start-up warm-up: every network server gets the plan's warm-up orders once, at
 * 10 000/s and unmeasured, before round 1; the in-process engine scenarios and servers
 * that did not start get none; 0 turns it off; a server that fails its warm-up is marked
 * failed, with the reason.
 */
import t from 'tap';
import type { BenchPlan, ItemSpec, PlanItem } from '../../../bench/harness/bench_plan.js';
import type { MergedLoad } from '../../../bench/harness/load_result.js';
import { ScenarioSlot, warmServers } from '../../../bench/harness/plan_runner.js';
import { ProgressLine } from '../../../bench/harness/progress_line.js';
import type { RunSpec } from '../../../bench/harness/run_spec.js';
import type { Scenario, ScenarioName } from '../../../bench/scenarios/scenario.js';

const SPEC: ItemSpec = {
  mode: 'open', rate_per_s: 1000, window: 1, warmup_s: 2, duration_s: 5, connections: 1, generators: 1, generator_nice: 0, batch: 1,
  pipeline: 0, drain_timeout_ms: 5000, progress_interval_ms: 0,
};

function item(scenario: ScenarioName): PlanItem {
  return { label: scenario, scenario, spec: SPEC, baseline_label: null, durable_baseline_label: null } as PlanItem;
}

function slot(name: ScenarioName, runs: RunSpec[], fail = false): ScenarioSlot {
  const scenario = {
    name,
    run: async (spec: RunSpec) => {
      runs.push(spec);
      if (fail) throw new Error('connection refused');
      return {} as MergedLoad;
    },
  } as unknown as Scenario;
  return { scenario, status: 'ok', reason: null, started: true };
}

t.test('each started network server is warmed once, at 10 000/s, with no warm-up of its own', async (t) => {
  const ws: RunSpec[] = [];
  const echo: RunSpec[] = [];
  const engine: RunSpec[] = [];
  const slots = new Map<ScenarioName, ScenarioSlot>([['ws-echo', slot('ws-echo', echo)], ['ws-binary', slot('ws-binary', ws)], ['engine', slot('engine', engine)]]);
  const plan: BenchPlan = { title: 't', items: [item('ws-echo'), item('ws-binary'), item('engine')], rounds: 3, server_warmup_orders: 20_000 };
  await warmServers(plan, slots, new ProgressLine(false));
  t.equal(ws.length, 1);
  t.equal(echo.length, 1, 'the baseline gets the same warm-up');
  t.same(engine, [], 'the in-process engine scenario is not warmed over a network');
  t.match(ws[0], { mode: 'open', rate_per_s: 10_000, warmup_s: 0, duration_s: 2, connections: 1, batch: 1 }, '20 000 orders at 10 000/s on the item\'s connections');
  t.not(ws[0].id_tag, echo[0].id_tag, 'a run tag of its own, so its client order ids never repeat a round\'s');
});

t.test('0 warm-up orders: nothing is sent; a server that fails its warm-up is failed, with the reason', async (t) => {
  const runs: RunSpec[] = [];
  const off = new Map([['ws-binary' as ScenarioName, slot('ws-binary', runs)]]);
  await warmServers({ title: 't', items: [item('ws-binary')], rounds: 1, server_warmup_orders: 0 }, off, new ProgressLine(false));
  t.same(runs, []);
  const failing = new Map([['http-json' as ScenarioName, slot('http-json', runs, true)]]);
  await warmServers({ title: 't', items: [item('http-json')], rounds: 1, server_warmup_orders: 100 }, failing, new ProgressLine(false));
  t.equal(failing.get('http-json')!.status, 'failed');
  t.match(failing.get('http-json')!.reason, /warming it up: connection refused/);
});
