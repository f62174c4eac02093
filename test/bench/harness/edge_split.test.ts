/**
 * The ws-binary generator splits each measured order's latency at its edge time (the
 * transact time of its first report): before it, the way into the OMS; after it, the stages
 * and the way back. The split must add up to the latency, take medians across rounds
 * percentile by percentile, and print as one line under the stage table.
 */
import t from 'tap';
import { EdgeSplit, edgeSplitLine } from '../../../bench/harness/edge_split.js';
import { medianEdgeSplit } from '../../../bench/harness/round_aggregate.js';

t.test('each order is split at its edge time, in whole µs', (t) => {
  const split = new EdgeSplit();
  t.equal(split.figures(), null, 'nothing recorded: no figures (a protocol without transact times)');
  // 100 orders: 30 µs into the OMS and 70 µs back; then one whose edge clock ran 5 µs ahead of the intended time's.
  for (let k = 0; k < 100; k++) split.record(1_000_000 + k * 200, 1_000_030 + k * 200, 1_000_100 + k * 200);
  split.record(2_000_000, 1_999_995, 2_000_050);
  const figures = split.figures()!;
  t.equal(figures.orders, 101);
  t.same(figures.before_edge, { p50_us: 30, p90_us: 30, p99_us: 30 });
  t.same(figures.after_edge, { p50_us: 70, p90_us: 70, p99_us: 70 });
  t.end();
});

t.test('rounds are summarised by the median of each percentile; rounds without a split are left out', (t) => {
  const round = (p50: number, after50: number) => ({
    orders: 10, before_edge: { p50_us: p50, p90_us: p50 * 2, p99_us: p50 * 3 }, after_edge: { p50_us: after50, p90_us: after50, p99_us: after50 },
  });
  t.equal(medianEdgeSplit([null, undefined]), null);
  t.same(medianEdgeSplit([round(30, 500), null, round(10, 700), round(20, 600)]), {
    orders: 30, before_edge: { p50_us: 20, p90_us: 40, p99_us: 60 }, after_edge: { p50_us: 600, p90_us: 600, p99_us: 600 },
  });
  t.same(medianEdgeSplit([round(30, 500), round(10, 700)])!.before_edge, { p50_us: 20, p90_us: 40, p99_us: 60 }, 'an even count: the mean of the middle two');
  t.end();
});

t.test('the table line names both sides with their percentiles', (t) => {
  const line = edgeSplitLine({ orders: 5, before_edge: { p50_us: 28, p90_us: 73, p99_us: 900 }, after_edge: { p50_us: 45, p90_us: 144, p99_us: 2000 } });
  t.match(line, /^ {2}around the stages \(µs, 5 orders/);
  t.match(line, /intended send -> edge p50 28 \/ p90 73 \/ p99 900; edge -> report read p50 45 \/ p90 144 \/ p99 2000$/);
  t.end();
});
