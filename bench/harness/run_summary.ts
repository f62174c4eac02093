/**
 * One run's numbers, as the table and the JSON print them. Latencies are microseconds
 * read from the HdrHistogram (each value is the highest value equivalent to the
 * percentile's bucket, so within 0.1% above the true value).
 */
import type { CpuPerOrder } from './cpu_per_order.js';
import { GcStats, MergedLoad } from './load_result.js';
import { Histogram } from './latency_histogram.js';
import { RunSpec } from './run_spec.js';
import { SlowOrder, StageTable, stageTable } from './stage_histograms.js';

export interface RunSummary {
  readonly scenario: string;
  readonly label: string;
  readonly mode: 'open-loop' | 'closed-loop';
  /** Intended orders per second (open loop); null in closed loop. */
  readonly rate: number | null;
  readonly window: number | null;
  readonly duration_s: number;
  readonly warmup_s: number;
  /** OMS_DURABILITY of the run (recorded for every scenario, whether it has a journal or not). */
  readonly durability: string;
  /** The load as run: connections, generators, pipeline cap, batch, window, drain timeout. */
  readonly load: {
    readonly connections: number;
    readonly generators: number;
    readonly generator_nice: number;
    readonly pipeline: number;
    readonly batch: number;
    readonly window: number;
    readonly drain_timeout_ms: number;
  };
  readonly sent: number;
  readonly completed: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly outcomes: Record<string, number>;
  /** Successful answers per second over the measurement window. */
  readonly throughput: number;
  /** Measured orders sent per second (open loop: what the generator managed against `rate`). */
  readonly achieved_send_rate: number;
  readonly samples: number;
  readonly mean_us: number;
  readonly p50_us: number;
  readonly p90_us: number;
  readonly p99_us: number;
  readonly p999_us: number;
  readonly p9999_us: number;
  readonly max_us: number;
  /** How late the generator sent orders against their intended time (included in the latency). */
  readonly send_lateness_p50_us: number;
  readonly send_lateness_p99_us: number;
  readonly send_lateness_max_us: number;
  readonly generator_gc: GcStats | null;
  /**
   * CPU of the server's threads per completed order in the measured window, µs: total,
   * io, each named worker, other (network scenarios whose server the bench launched;
   * null otherwise). Across rounds: the median of each figure.
   */
  readonly cpu_us_per_order: CpuPerOrder | null;
  /** Per thread, µs per order spent runnable but waiting for a CPU (server_window.ts). */
  readonly wait_us_per_order: CpuPerOrder | null;
  /**
   * The OMS's latency by stage over the measured window (traced orders only, one in
   * `stages_sample_every`); across rounds: from every round's orders together. null: not
   * an OMS scenario, or the OMS serves no /metrics/stages.
   */
  readonly stages: StageTable | null;
  readonly stages_sample_every: number | null;
  /** The window's slowest traced orders, each with its time by stage (slowest first; null: no stages). */
  readonly slowest_orders: readonly SlowOrder[] | null;
  readonly extra: Record<string, unknown>;
}

export const PERCENTILE_FIELDS = ['p50_us', 'p90_us', 'p99_us', 'p999_us', 'p9999_us', 'max_us'] as const;

export function summarize(scenario: string, label: string, spec: RunSpec, load: MergedLoad, durability: string): RunSummary {
  const h = load.latency;
  const open = spec.mode === 'open';
  return {
    scenario,
    label,
    mode: open ? 'open-loop' : 'closed-loop',
    rate: open ? spec.rate_per_s : null,
    window: open ? null : spec.window,
    duration_s: spec.duration_s,
    warmup_s: spec.warmup_s,
    durability,
    load: {
      connections: spec.connections,
      generators: spec.generators,
      generator_nice: spec.generator_nice,
      pipeline: spec.pipeline,
      batch: spec.batch,
      window: spec.window,
      drain_timeout_ms: spec.drain_timeout_ms,
    },
    sent: load.sent,
    completed: load.completed,
    errors: load.errors,
    timeouts: load.timeouts,
    outcomes: load.outcomes,
    throughput: round1((load.completed * 1000) / load.window_ms),
    achieved_send_rate: round1((load.sent * 1000) / load.send_window_ms),
    samples: h.totalCount,
    mean_us: round1(h.totalCount > 0 ? h.mean : 0),
    ...percentiles(h),
    send_lateness_p50_us: at(load.lateness, 50),
    send_lateness_p99_us: at(load.lateness, 99),
    send_lateness_max_us: load.lateness.totalCount > 0 ? load.lateness.maxValue : 0,
    generator_gc: load.generator_gc,
    cpu_us_per_order: load.server?.cpu_us_per_order ?? null,
    wait_us_per_order: load.server?.wait_us_per_order ?? null,
    stages: load.server?.stages == null ? null : stageTable(load.server.stages),
    stages_sample_every: load.server?.stages?.sample_every ?? null,
    slowest_orders: load.server?.stages?.slowest ?? null,
    extra: load.extra,
  };
}

export function percentiles(h: Histogram): Pick<RunSummary, (typeof PERCENTILE_FIELDS)[number]> {
  return {
    p50_us: at(h, 50),
    p90_us: at(h, 90),
    p99_us: at(h, 99),
    p999_us: at(h, 99.9),
    p9999_us: at(h, 99.99),
    max_us: h.totalCount > 0 ? h.maxValue : 0,
  };
}

function at(h: Histogram, percentile: number): number {
  return h.totalCount > 0 ? h.getValueAtPercentile(percentile) : 0;
}

export function round1(value: number): number {
  return Number.isFinite(value) ? Math.round(value * 10) / 10 : 0;
}
