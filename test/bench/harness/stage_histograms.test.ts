/**
 * The stage reader: /metrics/stages/window bodies built with hdr-histogram-js exactly as
 * the OMS encodes them; a window reads stage by stage in the order the OMS gives; rounds
 * merge into the item's table, with the five slowest orders of all rounds.
 */
import { build, encodeIntoCompressedBase64, Histogram } from 'hdr-histogram-js';
import t from 'tap';
import { mergeStageWindows, parseStageHistograms, StageHistograms, stageTable } from '../../../bench/harness/stage_histograms.js';

/** A histogram of µs as the OMS might build it: `values` maps a value to how often it was recorded. */
function histogram(values: Readonly<Record<number, number>>): Histogram {
  const h = build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
  for (const [value, count] of Object.entries(values)) h.recordValueWithCount(Number(value), count);
  return h;
}

function body(stages: readonly [string, Readonly<Record<number, number>>][], sample_every = 1, extra: Record<string, unknown> = {}): unknown {
  return {
    ...extra,
    sample_every,
    unit: 'us',
    stages: stages.map(([name, values]) => {
      const h = histogram(values);
      return { name, count: h.totalCount, hdr: encodeIntoCompressedBase64(h) };
    }),
  };
}

t.test('a window reads as a table in the order the OMS gave, names the bench has never heard of included', (t) => {
  const table = stageTable(parseStageHistograms(body([['io_queue', { 2: 20 }], ['risk_precheck', { 11: 4 }], ['total', { 50: 19, 300: 1 }]])));
  t.same(Object.keys(table), ['io_queue', 'risk_precheck', 'total']);
  t.equal(table.io_queue.count, 20);
  t.equal(table.risk_precheck.p50_us, 11);
  t.same(table.total, { count: 20, p50_us: 50, p90_us: 50, p99_us: 300, p999_us: 300, max_us: 300 });
  t.end();
});

t.test('rounds merge into one table over all their orders', (t) => {
  const round = (values: Record<number, number>): StageHistograms => parseStageHistograms(body([['total', values]]));
  const merged = mergeStageWindows([round({ 10: 49 }), round({ 20: 50 }), round({ 1000: 1 })])!;
  t.same(stageTable(merged).total, { count: 100, p50_us: 20, p90_us: 20, p99_us: 20, p999_us: 1000, max_us: 1000 }, 'the one 1000 µs outlier is the tail');
  t.equal(stageTable(mergeStageWindows([round({ 10: 1 }), round({ 1000: 99 })])!).total.p50_us, 1000);
  t.equal(mergeStageWindows([]), null);
  t.end();
});

t.test('a body without the documented shape or in another unit is refused', (t) => {
  t.throws(() => parseStageHistograms({ stages: [] }), /did not answer/);
  t.throws(() => parseStageHistograms({ sample_every: 1, unit: 'ns', stages: [] }), /unit "ns"/);
  t.throws(() => parseStageHistograms({ sample_every: 1, unit: 'us', stages: [{ name: 'x' }] }), /without name or hdr/);
  t.equal(parseStageHistograms(body([], 16)).sample_every, 16);
  t.end();
});

t.test('a window\'s slowest orders, slowest first, five at most, across rounds', (t) => {
  const order = (at_us: number, total_us: number) => ({ at_us, total_us, stages: { fdatasync: total_us - 10, total: total_us }, io_gc_max_us: 0 });
  const stages: [string, Record<number, number>][] = [['total', { 100: 1 }]];
  const window = parseStageHistograms(body(stages, 1, { slowest: [order(2_000, 800), order(3_000, 12_000)] }));
  t.same(window.slowest.map((o) => o.total_us), [12_000, 800]);
  const other = parseStageHistograms(body(stages, 1, { slowest: [1, 2, 3, 4, 5, 6].map((k) => order(10_000 + k, 1_000 * k)) }));
  t.same(other.slowest.map((o) => o.total_us), [6_000, 5_000, 4_000, 3_000, 2_000], 'five of the six');
  t.same(mergeStageWindows([window, other])!.slowest.map((o) => o.total_us), [12_000, 6_000, 5_000, 4_000, 3_000], 'the five slowest of both rounds');
  t.same(parseStageHistograms(body(stages)).slowest, [], 'an OMS that keeps no outliers: none');
  t.throws(() => parseStageHistograms(body(stages, 1, { slowest: [{ at_us: 1 }] })), /slowest/);
  t.end();
});
