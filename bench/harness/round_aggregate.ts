/**
 * Several rounds of one scenario -> one line of the report. Rounds alternate with the
 * baseline's, so machine drift (thermal, noisy neighbours) hits both; the report then
 * takes medians across rounds for rates and percentiles. Two exceptions, so nothing bad
 * hides in a median: counts (sent, completed, errors, timeouts) are totals over all
 * rounds, and max_us is the highest of any round. The merged histogram (every sample of
 * every round) feeds the .hgrm file and the chart. CPU per order is a median per thread;
 * the OMS's stage table comes from every round's stage windows merged, like all_rounds.
 */
import { CpuPerOrder, orderRoles, TOTAL } from './cpu_per_order.js';
import { EdgeSplitFigures, SplitPercentiles } from './edge_split.js';
import { Histogram, mergeHistograms } from './latency_histogram.js';
import { GcStats } from './load_result.js';
import { PERCENTILE_FIELDS, percentiles, round1, RunSummary } from './run_summary.js';
import { mergeStageWindows, StageHistograms, stageTable } from './stage_histograms.js';

export interface ScenarioAggregate {
  readonly label: string;
  readonly scenario: string;
  readonly rounds: number;
  /** Medians (see above) in the shape of one run. */
  readonly summary: RunSummary;
  readonly per_round: readonly RunSummary[];
  /** Every sample of every round. */
  readonly latency: Histogram;
  /** Percentiles of the merged histogram, for comparison with the medians. */
  readonly all_rounds: ReturnType<typeof percentiles>;
}

/** `stage_windows[k]`: round k's stage histograms (null or missing: that round has none). */
export function aggregateRounds(
  runs: readonly RunSummary[],
  histograms: readonly Histogram[],
  stage_windows: readonly (StageHistograms | null)[] = [],
): ScenarioAggregate {
  if (runs.length === 0) throw new Error('no rounds to aggregate');
  const stages = mergeStageWindows(stage_windows.filter((w): w is StageHistograms => w !== null));
  const first = runs[0];
  const outcomes: Record<string, number> = {};
  for (const run of runs) for (const [k, v] of Object.entries(run.outcomes)) outcomes[k] = (outcomes[k] ?? 0) + v;
  const med = (pick: (r: RunSummary) => number) => median(runs.map(pick));
  const medians: Record<string, number> = {};
  for (const field of PERCENTILE_FIELDS) medians[field] = med((r) => r[field]);
  const latency = mergeHistograms(histograms);
  const summary: RunSummary = {
    ...first,
    sent: total(runs, (r) => r.sent),
    completed: total(runs, (r) => r.completed),
    errors: total(runs, (r) => r.errors),
    timeouts: total(runs, (r) => r.timeouts),
    outcomes,
    throughput: med((r) => r.throughput),
    achieved_send_rate: med((r) => r.achieved_send_rate),
    samples: total(runs, (r) => r.samples),
    mean_us: med((r) => r.mean_us),
    p50_us: medians.p50_us,
    p90_us: medians.p90_us,
    p99_us: medians.p99_us,
    p999_us: medians.p999_us,
    p9999_us: medians.p9999_us,
    max_us: Math.max(...runs.map((r) => r.max_us)),
    send_lateness_p50_us: med((r) => r.send_lateness_p50_us),
    send_lateness_p99_us: med((r) => r.send_lateness_p99_us),
    send_lateness_max_us: Math.max(...runs.map((r) => r.send_lateness_max_us)),
    generator_gc: first.generator_gc === null ? null : {
      count: total(runs, (r) => r.generator_gc?.count ?? 0),
      total_pause_us: total(runs, (r) => r.generator_gc?.total_pause_us ?? 0),
      max_pause_us: Math.max(...runs.map((r) => r.generator_gc?.max_pause_us ?? 0)),
    },
    cpu_us_per_order: medianCpuPerOrder(runs.map((r) => r.cpu_us_per_order)),
    wait_us_per_order: medianCpuPerOrder(runs.map((r) => r.wait_us_per_order)),
    stages: stages === null ? null : stageTable(stages),
    stages_sample_every: stages?.sample_every ?? null,
    slowest_orders: stages?.slowest ?? null,
    extra: runs.length === 1 ? first.extra : { ...sumGcExtras(runs), ...medianSplitOf(runs) },
  };
  return { label: first.label, scenario: first.scenario, rounds: runs.length, summary, per_round: runs, latency, all_rounds: percentiles(latency) };
}

/** Per thread, the median across the rounds that report it (each figure on its own, so the parts need not add up to the total). */
export function medianCpuPerOrder(rounds: readonly (CpuPerOrder | null)[]): CpuPerOrder | null {
  const measured = rounds.filter((r): r is CpuPerOrder => r !== null);
  if (measured.length === 0) return null;
  const roles = new Set<string>();
  for (const round of measured) for (const role of Object.keys(round)) if (role !== TOTAL) roles.add(role);
  const medians: Record<string, number> = {};
  for (const role of [TOTAL, ...orderRoles(roles)]) {
    const values = measured.map((r) => r[role]).filter((v): v is number => v !== undefined);
    if (values.length > 0) medians[role] = round1(median(values));
  }
  return medians;
}

/** Extra facts shaped like GC statistics (e.g. engine_gc) summed over rounds; the rest stay per round. */
function sumGcExtras(runs: readonly RunSummary[]): Record<string, unknown> {
  const sums: Record<string, GcStats> = {};
  for (const run of runs) {
    for (const [key, value] of Object.entries(run.extra)) {
      if (!isGcStats(value)) continue;
      const prior = sums[key] ?? { count: 0, total_pause_us: 0, max_pause_us: 0 };
      sums[key] = {
        count: prior.count + value.count,
        total_pause_us: prior.total_pause_us + value.total_pause_us,
        max_pause_us: Math.max(prior.max_pause_us, value.max_pause_us),
      };
    }
  }
  return sums;
}

/** The ws-binary generator's split at the edge (edge_split.ts), as medians across the rounds; nothing if no round has one. */
function medianSplitOf(runs: readonly RunSummary[]): { edge_split?: EdgeSplitFigures } {
  const split = medianEdgeSplit(runs.map((r) => r.extra.edge_split as EdgeSplitFigures | undefined));
  return split === null ? {} : { edge_split: split };
}

/** Per percentile, the median across the rounds that have a split (null: none has). */
export function medianEdgeSplit(rounds: readonly (EdgeSplitFigures | null | undefined)[]): EdgeSplitFigures | null {
  const have = rounds.filter((r): r is EdgeSplitFigures => r !== null && r !== undefined);
  if (have.length === 0) return null;
  const side = (pick: (r: EdgeSplitFigures) => SplitPercentiles): SplitPercentiles => ({
    p50_us: median(have.map((r) => pick(r).p50_us)), p90_us: median(have.map((r) => pick(r).p90_us)), p99_us: median(have.map((r) => pick(r).p99_us)),
  });
  return { orders: have.reduce((sum, r) => sum + r.orders, 0), before_edge: side((r) => r.before_edge), after_edge: side((r) => r.after_edge) };
}

function isGcStats(value: unknown): value is GcStats {
  return typeof value === 'object' && value !== null && typeof (value as GcStats).count === 'number'
    && typeof (value as GcStats).total_pause_us === 'number';
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function total(runs: readonly RunSummary[], pick: (r: RunSummary) => number): number {
  let sum = 0;
  for (const run of runs) sum += pick(run);
  return sum;
}
