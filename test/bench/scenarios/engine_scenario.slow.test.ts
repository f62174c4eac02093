/**
 * The engine scenario end to end at a modest rate (the generator and the engine spin while
 * orders are close together, so the rate is kept low on a shared machine): the real engine worker, driven from a
 * generator thread through the production rings, answers every order, fills them (the
 * mark table's touch sizes suffice), leaves nothing resting, and reports its GC.
 */
import t from 'tap';
import { EventType } from '../../../engine/protocol/enums.js';
import { newRunTag } from '../../../bench/harness/run_spec.js';
import { EngineScenario } from '../../../bench/scenarios/engine_scenario.js';

const SPEC = {
  mode: 'open' as const, rate_per_s: 500, window: 64, warmup_s: 0.2, duration_s: 1, connections: 1, generators: 1, generator_nice: 0,
  batch: 1, pipeline: 0, drain_timeout_ms: 3000, progress_interval_ms: 0,
};

t.test('every order sent to the engine is answered OK and filled, and nothing rests', async (t) => {
  const scenario = new EngineScenario('engine');
  await scenario.start();
  const load = await scenario.run({ ...SPEC, id_tag: newRunTag() }, () => {});
  await scenario.stop();
  t.equal(load.sent, 500);
  t.equal(load.completed, 500);
  t.equal(load.errors, 0);
  t.equal(load.latency.totalCount, 500);
  const events = load.extra.events_by_type as Record<string, number>;
  const all_orders = 600; // warm-up included
  t.equal(events[String(EventType.ACCEPTED)], all_orders, 'every order accepted');
  t.equal(events[String(EventType.FILL)], all_orders, 'every order filled at the touch');
  t.notOk(events[String(EventType.REJECTED)], 'no rejects');
  const counters = load.extra.engine_counters as Record<string, number>;
  t.equal(counters.commands, all_orders);
  t.equal(counters.open_orders, 0, 'IOC orders leave nothing resting');
  const gc = load.extra.engine_gc as { count: number; total_pause_us: number } | null;
  const before = load.extra.engine_gc_before_measuring as { count: number } | null;
  t.ok(gc !== null && typeof gc.count === 'number' && typeof gc.total_pause_us === 'number', 'the engine worker reported its GC while measured');
  t.ok(before !== null && typeof before.count === 'number', 'and, apart, its GC before the measured window');
});

t.test('closed loop keeps a window of orders in flight and measures throughput', async (t) => {
  const scenario = new EngineScenario('ring-echo');
  await scenario.start();
  // Short: a closed loop keeps two threads busy, and the machine is shared with other tests.
  const load = await scenario.run({ ...SPEC, mode: 'closed', window: 64, warmup_s: 0.1, duration_s: 0.3, id_tag: newRunTag() }, () => {});
  await scenario.stop();
  t.ok(load.completed > 1000, `${load.completed} answered in 0.3 s`);
  t.equal(load.errors, 0);
});
