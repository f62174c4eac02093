/**
 * The open-loop schedule: order `i` is due at `start_ms + i / rate`, whatever happened
 * to the orders before it. Every latency is measured from this intended time, not from
 * the moment the generator managed to send, so a stall in the system under test (or in
 * the generator) shows up in every order it delayed. That is the correction for
 * coordinated omission (Gil Tene's term): a closed-loop generator that waits for each
 * answer before sending the next would send nothing during a stall and record one slow
 * sample instead of hundreds.
 *
 * Times are `performance.now()` milliseconds of the thread that owns the schedule.
 */
export class OpenLoopSchedule {
  readonly interval_ms: number;

  /**
   * @param rate_per_s    orders per second
   * @param start_ms      intended time of order 0
   * @param total         orders in the whole run (warm-up included)
   * @param measured_from first order index whose latency counts (orders before it are warm-up)
   */
  constructor(
    readonly rate_per_s: number,
    readonly start_ms: number,
    readonly total: number,
    readonly measured_from = 0,
  ) {
    if (!(rate_per_s > 0) || !Number.isFinite(rate_per_s)) throw new RangeError(`rate must be a positive number, got ${rate_per_s}`);
    if (!Number.isSafeInteger(total) || total < 0) throw new RangeError(`total must be a non-negative integer, got ${total}`);
    if (!Number.isSafeInteger(measured_from) || measured_from < 0 || measured_from > total) {
      throw new RangeError(`measured_from must be within 0..${total}, got ${measured_from}`);
    }
    this.interval_ms = 1000 / rate_per_s;
  }

  /** Builds the schedule for `warmup_s` of unmeasured load followed by `duration_s` of measured load. */
  static forRun(rate_per_s: number, start_ms: number, warmup_s: number, duration_s: number): OpenLoopSchedule {
    const warmup = Math.round(warmup_s * rate_per_s);
    const measured = Math.max(1, Math.round(duration_s * rate_per_s));
    return new OpenLoopSchedule(rate_per_s, start_ms, warmup + measured, warmup);
  }

  intendedMs(index: number): number {
    return this.start_ms + index * this.interval_ms;
  }

  /** How many orders (from index 0) are due at `now_ms`: the generator sends all of them now. */
  dueBy(now_ms: number): number {
    if (now_ms < this.start_ms) return 0;
    const due = Math.floor((now_ms - this.start_ms) / this.interval_ms) + 1;
    return due < this.total ? due : this.total;
  }

  isMeasured(index: number): boolean {
    return index >= this.measured_from;
  }

  get measured_count(): number {
    return this.total - this.measured_from;
  }

  /** Intended time of the first measured order: the start of the measurement window. */
  get measured_start_ms(): number {
    return this.intendedMs(this.measured_from);
  }

  /** Intended time one interval after the last order: the end of the scheduled window. */
  get end_ms(): number {
    return this.intendedMs(this.total);
  }
}
