/**
 * The slowest traced order of each second, with its time at every stage, and the io
 * thread's longest GC pause in that second. The stage histograms say how slow each stage
 * gets, but a p99.9 of one stage and the max of another may belong to different orders;
 * this says what one outlier was made of (an fdatasync stall, a wait for a core, a GC).
 *
 * The last SECONDS_KEPT seconds are kept in preallocated tables indexed by the second
 * (epoch), so recording allocates nothing and a reader can pick any recent window.
 */
import { performance, PerformanceObserver } from 'node:perf_hooks';

/** Seconds of history: five minutes, longer than any benchmark round. */
export const SECONDS_KEPT = 300;

export interface SlowOrder {
  /** When the request reached the edge, epoch µs. */
  readonly at_us: number;
  readonly total_us: number;
  /** Stage name -> µs; null for a stage this order did not pass (no journal stages when nothing was written). */
  readonly stages: Readonly<Record<string, number | null>>;
  /** The io thread's longest GC pause that began in the same second, µs (0: none). */
  readonly io_gc_max_us: number;
}

const COL_SECOND = 0;
const COL_AT = 1;
const COL_STAGES = 2;

export class SlowestBySecond implements GcPauseSink {
  private readonly width: number;
  /** Per second: its epoch second (-1: empty), the order's edge time, then one value per stage (NaN: not passed). */
  private readonly rows: Float64Array;
  /** Per second: its epoch second, then the longest io GC pause that began in it. */
  private readonly gc: Float64Array;

  /**
   * @param stage_names the stages in path order
   * @param total_index which of them is the whole path, the value orders are ranked by
   */
  constructor(private readonly stage_names: readonly string[], private readonly total_index: number) {
    if (!(total_index >= 0 && total_index < stage_names.length)) throw new RangeError('total_index must name a stage');
    this.width = COL_STAGES + stage_names.length;
    this.rows = new Float64Array(SECONDS_KEPT * this.width).fill(-1);
    this.gc = new Float64Array(SECONDS_KEPT * 2).fill(-1);
  }

  /** Forgets every second kept (a new window). */
  reset(): void {
    this.rows.fill(-1);
    this.gc.fill(-1);
  }

  /** One traced order: its edge time and its value per stage (NaN: not passed). */
  offer(at_us: number, stages: Float64Array): void {
    const second = Math.floor(at_us / 1e6);
    const base = (second % SECONDS_KEPT) * this.width;
    const rows = this.rows;
    if (rows[base + COL_SECOND] === second && !(stages[this.total_index] > rows[base + COL_STAGES + this.total_index])) return;
    rows[base + COL_SECOND] = second;
    rows[base + COL_AT] = at_us;
    for (let k = 0; k < this.stage_names.length; k++) rows[base + COL_STAGES + k] = stages[k];
  }

  /** A GC pause of the io thread that began at `at_us` (epoch µs). */
  noteIoGcPause(at_us: number, pause_us: number): void {
    const second = Math.floor(at_us / 1e6);
    const base = (second % SECONDS_KEPT) * 2;
    if (this.gc[base] !== second) {
      this.gc[base] = second;
      this.gc[base + 1] = pause_us;
    } else if (pause_us > this.gc[base + 1]) {
      this.gc[base + 1] = pause_us;
    }
  }

  /** The kept seconds' slowest orders, oldest first. */
  list(): SlowOrder[] {
    const out: SlowOrder[] = [];
    for (let row = 0; row < SECONDS_KEPT; row++) {
      const base = row * this.width;
      const second = this.rows[base + COL_SECOND];
      if (second < 0) continue;
      const stages: Record<string, number | null> = {};
      for (let k = 0; k < this.stage_names.length; k++) {
        const value = this.rows[base + COL_STAGES + k];
        stages[this.stage_names[k]] = Number.isNaN(value) ? null : value;
      }
      const gc_base = row * 2;
      out.push({
        at_us: this.rows[base + COL_AT],
        total_us: this.rows[base + COL_STAGES + this.total_index],
        stages,
        io_gc_max_us: this.gc[gc_base] === second ? Math.round(this.gc[gc_base + 1]) : 0,
      });
    }
    return out.sort((a, b) => a.at_us - b.at_us);
  }
}

/** Where GC pauses are noted (a SlowestBySecond, or the stage timer's two of them). */
export interface GcPauseSink {
  noteIoGcPause(at_us: number, pause_us: number): void;
}

/**
 * Notes every GC pause of the calling thread (the io thread) in `sink`. The entries
 * arrive a little after each pause, off the order path; a GC is rare next to orders.
 */
export function watchGcPauses(sink: GcPauseSink): PerformanceObserver {
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) sink.noteIoGcPause((performance.timeOrigin + entry.startTime) * 1000, entry.duration * 1000);
  });
  observer.observe({ entryTypes: ['gc'] });
  return observer;
}
