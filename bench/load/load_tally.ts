/**
 * The counts of one load generator's run, the same for every wire (HTTP, WebSocket): what
 * was sent, answered and refused, the latency and lateness histograms, the measurement
 * window, and how they become the generator's LoadResult.
 *
 * Two sets of counts: the plain ones (`sent`, `completed`, `errors`, `timeouts`, the
 * outcomes and histograms) cover measured orders only and go into the result; the
 * `*_total` ones cover the whole run, warm-up included, and feed the progress line.
 */
import { GcStats, LoadResult } from '../harness/load_result.js';
import { encodeHistogram, newLatencyHistogram, recordLatencyUs } from '../harness/latency_histogram.js';
import { LoadMode } from '../harness/run_spec.js';
import { GeneratorProgress } from './generator_process.js';

export class LoadTally {
  readonly latency = newLatencyHistogram();
  readonly lateness = newLatencyHistogram();
  readonly outcomes: Record<string, number> = {};
  /** The measured window: open loop, the schedule's measured part; closed loop, warm-up end to run end. */
  measure_start_ms = 0;
  measure_end_ms = 0;
  sent_total = 0;
  answered_total = 0;
  errors_total = 0;
  sent = 0;
  completed = 0;
  errors = 0;
  timeouts = 0;
  last_measured_answer_ms = 0;
  last_measured_send_ms = 0;

  /** Closed loop: whether something sent or answered at `now_ms` counts (open loop asks the schedule). */
  inMeasuredWindow(now_ms: number): boolean {
    return now_ms >= this.measure_start_ms && now_ms < this.measure_end_ms;
  }

  /** Open loop: a measured order due at `intended_ms` left the generator at `now_ms`. */
  countMeasuredSend(intended_ms: number, now_ms: number): void {
    this.sent++;
    recordLatencyUs(this.lateness, (now_ms - intended_ms) * 1000);
    this.last_measured_send_ms = now_ms;
  }

  /**
   * A measured order's answer arrived at `now_ms`. A success (`ok`) counts its latency
   * from `from_ms` (the intended time open loop, the send time closed loop); anything
   * else counts as an error. `outcome` names the answer in the result ("200", "ack", ...).
   */
  countMeasuredAnswer(outcome: string, ok: boolean, from_ms: number, now_ms: number): void {
    this.outcomes[outcome] = (this.outcomes[outcome] ?? 0) + 1;
    this.last_measured_answer_ms = now_ms;
    if (ok) {
      this.completed++;
      recordLatencyUs(this.latency, (now_ms - from_ms) * 1000);
    } else {
      this.errors++;
      this.errors_total++;
    }
  }

  /** A warm-up order's answer: only the progress line sees it, and only if it is an error. */
  countUnmeasuredAnswer(ok: boolean): void {
    if (!ok) this.errors_total++;
  }

  /** A measured order that failed without an answer of its own (not sent, connection lost, timed out). */
  countError(outcome: string): void {
    this.errors++;
    this.errors_total++;
    this.outcomes[outcome] = (this.outcomes[outcome] ?? 0) + 1;
  }

  /** A measured order still unanswered when the generator stopped waiting. */
  countTimeout(): void {
    this.timeouts++;
    this.countError('timeout');
  }

  progress(in_flight: number): GeneratorProgress {
    return { sent: this.sent_total, answered: this.answered_total, errors: this.errors_total, in_flight };
  }

  /**
   * The generator's result. Open loop, the windows end at the last measured answer and
   * the last measured send plus one interval (so one order is one interval long); closed
   * loop, both are the measured window.
   */
  result(mode: LoadMode, rate_per_s: number, generator_gc: GcStats | null, extra: Record<string, unknown>): LoadResult {
    const open = mode === 'open';
    return {
      sent: this.sent,
      completed: this.completed,
      errors: this.errors,
      timeouts: this.timeouts,
      outcomes: this.outcomes,
      latency_hist: encodeHistogram(this.latency),
      lateness_hist: encodeHistogram(this.lateness),
      window_ms: open ? Math.max(this.last_measured_answer_ms - this.measure_start_ms, 1) : this.measure_end_ms - this.measure_start_ms,
      send_window_ms: open
        ? Math.max(this.last_measured_send_ms - this.measure_start_ms + 1000 / rate_per_s, 1)
        : this.measure_end_ms - this.measure_start_ms,
      generator_gc,
      extra,
    };
  }
}
