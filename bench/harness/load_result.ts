/**
 * What a load generator hands back for one run, and how results of several generators
 * (processes or threads driving the same run) are merged. Crosses process and thread
 * boundaries, so it is plain data: histograms travel as HdrHistogram base64.
 */
import { decodeHistogram, encodeHistogram, Histogram, mergeHistograms } from './latency_histogram.js';
import type { ServerWindow } from './server_window.js';

export interface GcStats {
  readonly count: number;
  readonly total_pause_us: number;
  readonly max_pause_us: number;
}

export interface LoadResult {
  /** Measured orders (warm-up excluded) the generator sent. */
  readonly sent: number;
  /** Measured orders answered with success (HTTP 2xx, engine code OK, a WS report that is not a reject). */
  readonly completed: number;
  /** Measured orders answered with an error, or never answered (timeouts are counted here too). */
  readonly errors: number;
  /** Measured orders with no answer when the generator gave up waiting. */
  readonly timeouts: number;
  /** Answers by outcome ("200", "503", "reject:THROTTLED", "connection_lost", ...), measured orders only. */
  readonly outcomes: Record<string, number>;
  /** Latency of successful measured orders, µs: open loop from the intended send time, closed loop from the actual send. */
  readonly latency_hist: string;
  /** Open loop: how late each measured order left the generator against its intended time, µs. */
  readonly lateness_hist: string;
  /** Length of the measurement window: first measured order's intended (or send) time to the last measured answer. */
  readonly window_ms: number;
  /** First measured order's intended (or send) time to the last measured send. */
  readonly send_window_ms: number;
  /** GC of the generator itself during the run (its pauses make orders leave late; see lateness). */
  readonly generator_gc: GcStats | null;
  /** Scenario-specific facts (engine counters, engine GC, event counts...). */
  readonly extra: Record<string, unknown>;
}

export interface MergedLoad {
  readonly sent: number;
  readonly completed: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly outcomes: Record<string, number>;
  readonly latency: Histogram;
  readonly lateness: Histogram;
  readonly window_ms: number;
  readonly send_window_ms: number;
  readonly generator_gc: GcStats | null;
  readonly extra: Record<string, unknown>;
  /** What the server did in the measured window (network scenarios; see server_window.ts). */
  readonly server?: ServerWindow;
}

/** Several generators drove one run concurrently: counts add up, windows overlap (take the longest). */
export function mergeLoadResults(parts: readonly LoadResult[]): MergedLoad {
  if (parts.length === 0) throw new Error('no load results to merge');
  const outcomes: Record<string, number> = {};
  for (const part of parts) {
    for (const [key, count] of Object.entries(part.outcomes)) outcomes[key] = (outcomes[key] ?? 0) + count;
  }
  const gcs = parts.map((p) => p.generator_gc).filter((g): g is GcStats => g !== null);
  return {
    sent: sum(parts, (p) => p.sent),
    completed: sum(parts, (p) => p.completed),
    errors: sum(parts, (p) => p.errors),
    timeouts: sum(parts, (p) => p.timeouts),
    outcomes,
    latency: mergeHistograms(parts.map((p) => decodeHistogram(p.latency_hist))),
    lateness: mergeHistograms(parts.map((p) => decodeHistogram(p.lateness_hist))),
    window_ms: Math.max(...parts.map((p) => p.window_ms)),
    send_window_ms: Math.max(...parts.map((p) => p.send_window_ms)),
    generator_gc: gcs.length === 0 ? null : {
      count: sum(gcs, (g) => g.count),
      total_pause_us: sum(gcs, (g) => g.total_pause_us),
      max_pause_us: Math.max(...gcs.map((g) => g.max_pause_us)),
    },
    extra: parts.length === 1 ? parts[0].extra : { generators: parts.map((p) => p.extra) },
  };
}

export { encodeHistogram };

function sum<T>(items: readonly T[], of: (item: T) => number): number {
  let total = 0;
  for (const item of items) total += of(item);
  return total;
}
