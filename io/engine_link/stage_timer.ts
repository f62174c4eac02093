/**
 * Stage timing: where an order's time goes between the socket and its durable answer.
 * One request in `sample_every` is traced; its times at every hop become one value in
 * each stage's HDR histogram (whole microseconds, cumulative since start):
 *
 *   io_queue       request written at the edge -> command published on the ring
 *   to_engine      published -> the engine took it (the engine's wake-up and batch)
 *   engine         taken -> handled (dedupe, risk, lifecycle, venue, events written)
 *   to_journal     handled -> the journal began the write that holds its events
 *   journal_write  write began -> write returned
 *   fdatasync      write returned -> fdatasync returned (0 without fsync)
 *   to_io          durable -> the io thread saw it durable (its wake-up)
 *   answer         seen durable -> the answer was written to the socket
 *   total          edge -> answer written
 *
 * A traced request whose events were already durable when the engine handled it (a
 * refusal that journals nothing) has no journal stages: its to_io runs from "handled".
 * Times come from each thread's wall clock in epoch µs (performance.timeOrigin + now):
 * threads of one process agree to within a few µs, and a negative stage counts as 0.
 * Recording allocates nothing per value; only the sample pays for clock reads.
 *
 * Beside the histograms, the slowest traced order of each second is kept whole, with the
 * io thread's longest GC pause in that second (slowest_orders.ts), so that one outlier's
 * time can be told apart stage by stage.
 *
 * A reader that wants a window (the benchmark's measured seconds) starts one
 * (`startWindow`, POST /metrics/stages/window: a reset, microseconds) and reads it at the
 * end (`windowSnapshot`). Reading the cumulative histograms at the window's start instead
 * cost the io thread 4-13 ms of encoding (39 ms the first time), which the orders arriving
 * meanwhile waited out: the benchmark's own reading was its p99.9 (bench/README.md, "Fifth
 * pass"). One window at a time: starting one ends the last.
 */
import { build, encodeIntoCompressedBase64, Histogram } from 'hdr-histogram-js';
import type { ReplyRecord } from '../../engine/protocol/event_record.js';
import { systemClock } from '../../engine/agent/clock.js';
import { FlushLog, FlushTimes } from '../../engine/telemetry/flush_log.js';
import { GcPauseSink, SlowestBySecond, SlowOrder } from './slowest_orders.js';

export const STAGE_NAMES = [
  'io_queue', 'to_engine', 'engine', 'to_journal', 'journal_write', 'fdatasync', 'to_io', 'answer', 'total',
] as const;
export type StageName = (typeof STAGE_NAMES)[number];

const S = {
  IO_QUEUE: 0, TO_ENGINE: 1, ENGINE: 2, TO_JOURNAL: 3, JOURNAL_WRITE: 4, FDATASYNC: 5, TO_IO: 6, ANSWER: 7, TOTAL: 8,
} as const;

/** Largest value tracked without resizing: one minute. */
const TRACKED_MAX_US = 60_000_000;

export interface StageSnapshot {
  readonly sample_every: number;
  readonly unit: 'us';
  /** The server's clock when this was read, epoch µs. */
  readonly now_us: number;
  readonly stages: readonly {
    readonly name: StageName;
    readonly count: number;
    readonly p50_us: number;
    readonly p90_us: number;
    readonly p99_us: number;
    readonly max_us: number;
    /** hdr-histogram-js encodeIntoCompressedBase64: subtract two snapshots for a window. */
    readonly hdr: string;
  }[];
  /** The slowest traced order of each of the last few minutes' seconds, oldest first. */
  readonly slowest: readonly SlowOrder[];
}

/** A window's reading: only what was recorded since it started. */
export interface StageWindowSnapshot extends StageSnapshot {
  /** When the window started, epoch µs; null: none was started (the window is empty). */
  readonly started_at_us: number | null;
}

export class StageTimer implements GcPauseSink {
  readonly histograms: readonly Histogram[];
  /**
   * The same values in Prometheus's fixed buckets (`bucket_bounds_us`, cumulative at export):
   * per stage, a count per bucket (the last one: above every bound) and the sum in µs.
   */
  readonly bucket_bounds_us: readonly number[];
  readonly bucket_counts: Float64Array;
  readonly sums_us: Float64Array;
  private countdown: number;
  private readonly flush: FlushTimes = { write_start_us: 0, write_done_us: 0, sync_done_us: 0 };
  /** One traced order's value per stage (NaN: not passed), reused. */
  private readonly values = new Float64Array(STAGE_NAMES.length);
  private readonly slowest = new SlowestBySecond(STAGE_NAMES, S.TOTAL);
  /** The same values since the window started (startWindow); recorded only while one is open. */
  private readonly window_histograms: readonly Histogram[];
  private readonly window_slowest = new SlowestBySecond(STAGE_NAMES, S.TOTAL);
  /** When the current window started, epoch µs; 0: none started yet. */
  private window_started_us = 0;

  /**
   * @param sample_every trace one request in this many (0: none).
   * @param flush_log the journal's flush times; null when no answer waits for the journal
   *   (durability none: the journal only releases slots, on its own clock, off the path, so
   *   its times would put a stage on the path that is not there and hide the io's wake-up).
   */
  constructor(readonly sample_every: number, private readonly flush_log: FlushLog | null, bucket_bounds_us: readonly number[]) {
    if (!(Number.isInteger(sample_every) && sample_every >= 0)) throw new RangeError('sample_every must be a whole number >= 0');
    this.countdown = sample_every;
    this.bucket_bounds_us = bucket_bounds_us;
    this.bucket_counts = new Float64Array(STAGE_NAMES.length * (bucket_bounds_us.length + 1));
    this.sums_us = new Float64Array(STAGE_NAMES.length);
    const histogram = () => build({
      lowestDiscernibleValue: 1, highestTrackableValue: TRACKED_MAX_US, numberOfSignificantValueDigits: 3, autoResize: true,
    });
    this.histograms = STAGE_NAMES.map(histogram);
    this.window_histograms = STAGE_NAMES.map(histogram);
  }

  /** Called once per request: true for the one in `sample_every` to trace. */
  shouldTrace(): boolean {
    if (this.sample_every === 0 || --this.countdown > 0) return false;
    this.countdown = this.sample_every;
    return true;
  }

  /** One traced request, answered: its times at the io thread, and the engine's on its reply. */
  record(edge_us: number, published_us: number, reply: ReplyRecord, durable_seen_us: number, answered_us: number): void {
    const handled_us = reply.engine_out_us;
    const v = this.values;
    v.fill(NaN);
    v[S.IO_QUEUE] = published_us - edge_us;
    v[S.TO_ENGINE] = reply.engine_in_us - published_us;
    v[S.ENGINE] = handled_us - reply.engine_in_us;
    const f = this.flush;
    if (reply.last_seq > 0 && this.flush_log !== null && this.flush_log.find(reply.last_seq, f) && f.write_start_us >= handled_us) {
      v[S.TO_JOURNAL] = f.write_start_us - handled_us;
      v[S.JOURNAL_WRITE] = f.write_done_us - f.write_start_us;
      v[S.FDATASYNC] = f.sync_done_us - f.write_done_us;
      v[S.TO_IO] = durable_seen_us - f.sync_done_us;
    } else {
      v[S.TO_IO] = durable_seen_us - handled_us;
    }
    v[S.ANSWER] = answered_us - durable_seen_us;
    v[S.TOTAL] = answered_us - edge_us;
    for (let stage = 0; stage < v.length; stage++) {
      if (Number.isNaN(v[stage])) continue;
      v[stage] = v[stage] < 0 ? 0 : Math.round(v[stage]);
      this.put(stage, v[stage]);
    }
    this.slowest.offer(edge_us, v);
    if (this.window_started_us !== 0) this.window_slowest.offer(edge_us, v);
  }

  /** A GC pause of the io thread (watchGcPauses), beside the slowest orders of its second. */
  noteIoGcPause(at_us: number, pause_us: number): void {
    this.slowest.noteIoGcPause(at_us, pause_us);
    if (this.window_started_us !== 0) this.window_slowest.noteIoGcPause(at_us, pause_us);
  }

  private put(stage: number, value: number): void {
    this.histograms[stage].recordValue(value);
    if (this.window_started_us !== 0) this.window_histograms[stage].recordValue(value);
    const bounds = this.bucket_bounds_us;
    let bucket = 0;
    while (bucket < bounds.length && value > bounds[bucket]) bucket++;
    this.bucket_counts[stage * (bounds.length + 1) + bucket]++;
    this.sums_us[stage] += value;
  }

  /** Starts (or restarts) the window: what is recorded from now on. Cheap: the io thread pays a reset per stage. */
  startWindow(): number {
    for (const h of this.window_histograms) h.reset();
    this.window_slowest.reset();
    this.window_started_us = systemClock.nowUs();
    return this.window_started_us;
  }

  /** Every order traced since the start, cumulative. */
  snapshot(): StageSnapshot {
    return this.describe(this.histograms, this.slowest.list());
  }

  /** The orders traced since startWindow (none if no window was started). */
  windowSnapshot(): StageWindowSnapshot {
    const since = this.window_started_us;
    return { ...this.describe(this.window_histograms, since === 0 ? [] : this.window_slowest.list()), started_at_us: since === 0 ? null : since };
  }

  private describe(histograms: readonly Histogram[], slowest: readonly SlowOrder[]): StageSnapshot {
    return {
      sample_every: this.sample_every,
      unit: 'us',
      now_us: systemClock.nowUs(),
      slowest,
      stages: STAGE_NAMES.map((name, k) => {
        const h = histograms[k];
        return {
          name,
          count: h.totalCount,
          p50_us: h.getValueAtPercentile(50),
          p90_us: h.getValueAtPercentile(90),
          p99_us: h.getValueAtPercentile(99),
          max_us: h.maxValue,
          hdr: encodeIntoCompressedBase64(h),
        };
      }),
    };
  }
}
