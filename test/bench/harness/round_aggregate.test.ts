import t from 'tap';
import { newLatencyHistogram } from '../../../bench/harness/latency_histogram.js';
import { aggregateRounds, median } from '../../../bench/harness/round_aggregate.js';
import { RunSummary } from '../../../bench/harness/run_summary.js';

function run(p50: number, max: number, errors: number, throughput: number): RunSummary {
  return {
    scenario: 'echo', label: 'echo', mode: 'open-loop', rate: 1000, window: null, duration_s: 1, warmup_s: 0, durability: 'fsync',
    load: { connections: 1, generators: 1, generator_nice: 0, pipeline: 0, batch: 1, window: 1, drain_timeout_ms: 1000 },
    sent: 1000, completed: 1000 - errors, errors, timeouts: 0, outcomes: { 200: 1000 - errors }, throughput,
    achieved_send_rate: 1000, samples: 1000 - errors, mean_us: p50, p50_us: p50, p90_us: p50 * 2, p99_us: p50 * 3,
    p999_us: p50 * 4, p9999_us: p50 * 5, max_us: max, send_lateness_p50_us: 1, send_lateness_p99_us: 5,
    send_lateness_max_us: 9, generator_gc: { count: 1, total_pause_us: 100, max_pause_us: 100 },
    cpu_us_per_order: null, wait_us_per_order: null, stages: null, stages_sample_every: null, slowest_orders: null,
    extra: { engine_gc: { count: 2, total_pause_us: 50, max_pause_us: 30 } },
  };
}

t.test('percentiles and rates are medians across rounds; counts add up; max is the worst round', (t) => {
  const h = newLatencyHistogram();
  h.recordValue(10);
  const a = aggregateRounds([run(100, 900, 0, 990), run(300, 5000, 2, 1000), run(200, 700, 0, 980)], [h, h, h]);
  t.equal(a.rounds, 3);
  t.equal(a.summary.p50_us, 200);
  t.equal(a.summary.p99_us, 600);
  t.equal(a.summary.throughput, 990);
  t.equal(a.summary.max_us, 5000, 'one bad round is not hidden by a median');
  t.equal(a.summary.errors, 2, 'an error in any round shows');
  t.equal(a.summary.sent, 3000);
  t.same(a.summary.outcomes, { 200: 2998 });
  t.same(a.summary.extra.engine_gc, { count: 6, total_pause_us: 150, max_pause_us: 30 }, 'engine GC adds up over rounds');
  t.equal(a.latency.totalCount, 3, 'the merged histogram holds every round');
  t.end();
});

t.test('median of an even count is the mean of the middle two', (t) => {
  t.equal(median([4, 1, 3, 2]), 2.5);
  t.equal(median([7]), 7);
  t.end();
});
