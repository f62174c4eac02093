/**
 * The OMS's latency by stage of an order's path over a window, as it serves it on
 * GET /metrics/stages/window (the window started by POST /metrics/stages/window):
 *
 *   {"sample_every": 16, "unit": "us",
 *    "stages": [{"name": "io_queue", "count": 123, "hdr": "<base64>"}, ...]}
 *
 * Stages come in path order (io_queue, to_engine, engine, to_journal, journal_write,
 * fdatasync, to_io, answer, total); the list is open, so whatever names come are kept in
 * the order given. `hdr` is hdr-histogram-js's compressed base64 of a histogram of
 * microseconds, one value per traced order (every `sample_every`-th order).
 *
 * The bench starts the window when a round's measured seconds begin and reads it once
 * they end: starting one costs the OMS's io thread a reset per stage, where reading (and
 * encoding) every histogram at the start cost it milliseconds that the orders arriving
 * meanwhile waited out.
 *
 * Beside them, `slowest` holds the slowest traced order of each second of the window,
 * whole (every stage, and the io thread's longest GC pause that second).
 */
import type { SlowOrder } from '../../io/engine_link/slowest_orders.js';
import { decodeHistogram, Histogram, mergeHistograms } from './latency_histogram.js';

/** Outliers shown per scenario: the slowest orders of the window, each with its stages. */
export const SLOWEST_SHOWN = 5;

/** One slow order as the OMS serves it (io/engine_link/slowest_orders.ts). */
export type { SlowOrder };

export interface StageHistograms {
  /** One order in this many is traced. */
  readonly sample_every: number;
  /** In path order. */
  readonly stages: readonly { readonly name: string; readonly histogram: Histogram }[];
  /** The window's slowest traced orders, slowest first, SLOWEST_SHOWN at most. */
  readonly slowest: readonly SlowOrder[];
}

export interface StagePercentiles {
  /** Traced orders that passed the stage. */
  readonly count: number;
  readonly p50_us: number;
  readonly p90_us: number;
  readonly p99_us: number;
  /** The tail: where a p99.9 or max outlier of the whole path was spent. */
  readonly p999_us: number;
  readonly max_us: number;
}

/** Stage name -> its percentiles, in path order. */
export type StageTable = Readonly<Record<string, StagePercentiles>>;

/** Decodes a /metrics/stages(/window) body; throws if it does not have the documented shape. */
export function parseStageHistograms(body: unknown): StageHistograms {
  const shape = body as { sample_every?: unknown; unit?: unknown; stages?: unknown };
  if (typeof shape?.sample_every !== 'number' || !Array.isArray(shape.stages)) {
    throw new Error('/metrics/stages did not answer {"sample_every", "unit", "stages": [...]}');
  }
  if (shape.unit !== 'us') throw new Error(`/metrics/stages gives unit ${JSON.stringify(shape.unit)}; the benchmark reads "us"`);
  const stages = (shape.stages as { name?: unknown; hdr?: unknown }[]).map((stage) => {
    if (typeof stage?.name !== 'string' || typeof stage.hdr !== 'string') throw new Error('/metrics/stages holds a stage without name or hdr');
    return { name: stage.name, histogram: decodeHistogram(stage.hdr) };
  });
  const listed = (body as { slowest?: unknown }).slowest;
  return { sample_every: shape.sample_every, stages, slowest: slowestOf(listed === undefined ? [] : parseSlowest(listed)) };
}

function parseSlowest(value: unknown): SlowOrder[] {
  if (!Array.isArray(value)) throw new Error('/metrics/stages "slowest" is not a list');
  return value.map((order: { at_us?: unknown; total_us?: unknown; stages?: unknown; io_gc_max_us?: unknown }) => {
    if (typeof order?.at_us !== 'number' || typeof order.total_us !== 'number' || typeof order.io_gc_max_us !== 'number'
      || typeof order.stages !== 'object' || order.stages === null) {
      throw new Error('/metrics/stages "slowest" holds an order without at_us, total_us, stages and io_gc_max_us');
    }
    return { at_us: order.at_us, total_us: order.total_us, stages: order.stages as Record<string, number | null>, io_gc_max_us: order.io_gc_max_us };
  });
}

/** The slowest `SLOWEST_SHOWN` of `orders`, slowest first. */
function slowestOf(orders: readonly SlowOrder[]): SlowOrder[] {
  return [...orders].sort((a, b) => b.total_us - a.total_us).slice(0, SLOWEST_SHOWN);
}

/** Every order of several windows (rounds), stage by stage, names in order of first appearance. */
export function mergeStageWindows(windows: readonly StageHistograms[]): StageHistograms | null {
  if (windows.length === 0) return null;
  const merged = new Map<string, Histogram[]>();
  for (const window of windows) {
    for (const stage of window.stages) {
      const parts = merged.get(stage.name);
      if (parts === undefined) merged.set(stage.name, [stage.histogram]);
      else parts.push(stage.histogram);
    }
  }
  return {
    sample_every: windows[windows.length - 1].sample_every,
    stages: [...merged].map(([name, parts]) => ({ name, histogram: mergeHistograms(parts) })),
    slowest: slowestOf(windows.flatMap((window) => window.slowest)),
  };
}

export function stageTable(window: StageHistograms): StageTable {
  const table: Record<string, StagePercentiles> = {};
  for (const { name, histogram } of window.stages) {
    const empty = histogram.totalCount === 0;
    table[name] = {
      count: histogram.totalCount,
      p50_us: empty ? 0 : histogram.getValueAtPercentile(50),
      p90_us: empty ? 0 : histogram.getValueAtPercentile(90),
      p99_us: empty ? 0 : histogram.getValueAtPercentile(99),
      p999_us: empty ? 0 : histogram.getValueAtPercentile(99.9),
      max_us: empty ? 0 : histogram.maxValue,
    };
  }
  return table;
}
