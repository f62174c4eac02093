/**
 * The plan: a scenario runs after its baselines at the same load; the durable baseline
 * joins only when the run is durable (fsync or write); labels stay unique and baseline
 * references follow their items when a scenario appears twice.
 */
import t from 'tap';
import { ItemSpec, pairWithBaseline, uniqueLabels } from '../../../bench/harness/bench_plan.js';

const SPEC: ItemSpec = {
  mode: 'open', rate_per_s: 1000, window: 1, warmup_s: 1, duration_s: 2, connections: 32, generators: 1, generator_nice: 0, batch: 8,
  pipeline: 1, drain_timeout_ms: 5000, progress_interval_ms: 0,
};
const HTTP = { baseline: 'echo', durable_baseline: 'durable-echo' } as const;

t.test('the durable baseline runs beside the OMS scenario with fsync and write, not with none', (t) => {
  for (const durability of ['fsync', 'write'] as const) {
    const items = pairWithBaseline('http-json', HTTP, SPEC, true, durability);
    t.same(items.map((i) => i.label), ['echo', 'durable-echo', 'http-json'], durability);
    t.equal(items[2].baseline_label, 'echo');
    t.equal(items[2].durable_baseline_label, 'durable-echo');
    t.ok(items.every((i) => i.spec === SPEC), 'same load for all three');
  }
  const none = pairWithBaseline('http-json', HTTP, SPEC, true, 'none');
  t.same(none.map((i) => i.label), ['echo', 'http-json']);
  t.equal(none[1].durable_baseline_label, null);
  t.end();
});

t.test('--no-baseline drops both baselines; a scenario without a durable baseline gets none', (t) => {
  t.same(pairWithBaseline('http-json', HTTP, SPEC, false, 'fsync').map((i) => i.label), ['http-json']);
  t.same(pairWithBaseline('engine', { baseline: 'ring-echo', durable_baseline: null }, SPEC, true, 'fsync').map((i) => i.label),
    ['ring-echo', 'engine']);
  t.same(pairWithBaseline('durable-echo', { baseline: null, durable_baseline: null }, SPEC, true, 'fsync').map((i) => i.label),
    ['durable-echo'], 'run alone, the durable echo is its own scenario');
  t.end();
});

t.test('when a scenario appears twice, its baselines are renamed with it and still found', (t) => {
  const items = uniqueLabels([
    ...pairWithBaseline('http-json', HTTP, SPEC, true, 'fsync'),
    ...pairWithBaseline('http-json', HTTP, { ...SPEC, rate_per_s: 2000 }, true, 'fsync'),
  ]);
  t.same(items.map((i) => i.label), [
    'echo@1000/s', 'durable-echo@1000/s', 'http-json@1000/s', 'echo@2000/s', 'durable-echo@2000/s', 'http-json@2000/s',
  ]);
  t.equal(items[5].baseline_label, 'echo@2000/s');
  t.equal(items[5].durable_baseline_label, 'durable-echo@2000/s');
  t.equal(items[2].durable_baseline_label, 'durable-echo@1000/s');
  t.end();
});
