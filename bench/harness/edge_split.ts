/**
 * Where a ws-binary order's time goes outside the OMS's own stages. The stage table
 * (GET /metrics/stages) runs from the edge (the io thread wrote the order's command) to the
 * answer written; the client's latency also holds the way in (the frame crossing the
 * socket, waiting for the io thread, decoding) and the way out (the report crossing back,
 * waiting for the client's loop). Each order's first ExecutionReport carries its
 * transact_time, which the engine takes from the edge's clock (the command's batch time,
 * engine/protocol/command_writer.ts), so the generator splits each measured order at it:
 *
 *   before_edge   the order's intended send time -> its edge time
 *   after_edge    its edge time -> the generator read the report (the stages' total included)
 *
 * Both clocks are epoch µs (performance.timeOrigin + now) of two processes on one machine,
 * so a split is good to a few µs; a negative one counts as 1 µs. Across rounds: the median
 * of each percentile (round_aggregate.ts). In bench/README.md, "Eighth pass": with
 * durability fsync at 5 000 ws orders/s the way in took 83-205 µs at p50 against 26-34 µs
 * with none, time the stage table cannot show.
 */
import { Histogram } from 'hdr-histogram-js';
import { newLatencyHistogram, recordLatencyUs } from './latency_histogram.js';

export interface SplitPercentiles {
  readonly p50_us: number;
  readonly p90_us: number;
  readonly p99_us: number;
}

export interface EdgeSplitFigures {
  /** Orders split (measured orders whose first report was an ExecutionReport with a transact time). */
  readonly orders: number;
  readonly before_edge: SplitPercentiles;
  readonly after_edge: SplitPercentiles;
}

export class EdgeSplit {
  private readonly before = newLatencyHistogram();
  private readonly after = newLatencyHistogram();

  /** One order: when it was meant to leave, its edge time, when its report was read; all epoch µs. */
  record(intended_us: number, edge_us: number, read_us: number): void {
    recordLatencyUs(this.before, edge_us - intended_us);
    recordLatencyUs(this.after, read_us - edge_us);
  }

  /** The run's figures, or null if no order was split (another protocol, or nothing measured). */
  figures(): EdgeSplitFigures | null {
    if (this.before.totalCount === 0) return null;
    return { orders: this.before.totalCount, before_edge: percentiles(this.before), after_edge: percentiles(this.after) };
  }
}

/** The report table's line for a split. */
export function edgeSplitLine(split: EdgeSplitFigures): string {
  const p = (s: SplitPercentiles): string => `p50 ${s.p50_us} / p90 ${s.p90_us} / p99 ${s.p99_us}`;
  return `  around the stages (µs, ${split.orders} orders, the generator's clock against each order's edge time): `
    + `intended send -> edge ${p(split.before_edge)}; edge -> report read ${p(split.after_edge)}`;
}

function percentiles(h: Histogram): SplitPercentiles {
  return { p50_us: h.getValueAtPercentile(50), p90_us: h.getValueAtPercentile(90), p99_us: h.getValueAtPercentile(99) };
}
