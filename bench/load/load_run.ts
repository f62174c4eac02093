/**
 * The run every network load client shares, whatever its wire (http_load.ts, ws_load.ts):
 * connect, wait for the common start, send open loop (orders at their scheduled times) or
 * closed loop (a window of orders in flight per connection), wait for the answers still
 * out, and hand back the tally. A client says how to connect, how to send, and what is
 * still outstanding; the counting is LoadTally's.
 */
import { GcProfile } from '../harness/gc_profile.js';
import { LoadResult } from '../harness/load_result.js';
import { OpenLoopSchedule } from '../harness/open_loop_schedule.js';
import { LoadMode, RunSpec } from '../harness/run_spec.js';
import { pace } from './event_loop_pacer.js';
import { GeneratorProgress, GeneratorShare } from './generator_process.js';
import { LoadTally } from './load_tally.js';

/** What every load client's config holds besides how to reach the server. */
export interface LoadRunConfig {
  readonly connections: number;
  readonly mode: LoadMode;
  /** Open loop: this generator's orders per second. */
  readonly rate_per_s: number;
  /** Open loop: delay of this generator's first order after the common start (several generators interleave). */
  readonly phase_ms: number;
  /** Closed loop: orders kept in flight per connection. */
  readonly window: number;
  readonly warmup_s: number;
  readonly duration_s: number;
  /** Wall-clock (Date.now()) start shared by all generators of a run. */
  readonly start_at_epoch_ms: number;
  /** How long to wait for outstanding answers after the last send before counting them as timeouts. */
  readonly drain_timeout_ms: number;
  readonly progress_interval_ms: number;
}

/** One generator's part of a run as its config holds it: its share of the rate and connections, the rest as specified. */
export function loadRunConfigFor(spec: RunSpec, share: GeneratorShare): LoadRunConfig {
  return {
    connections: share.connections,
    mode: spec.mode,
    rate_per_s: share.rate_per_s,
    phase_ms: share.phase_ms,
    window: spec.window,
    warmup_s: spec.warmup_s,
    duration_s: spec.duration_s,
    start_at_epoch_ms: share.start_at_epoch_ms,
    drain_timeout_ms: spec.drain_timeout_ms,
    progress_interval_ms: spec.progress_interval_ms,
  };
}

export abstract class LoadRun<C extends LoadRunConfig> {
  protected readonly tally = new LoadTally();
  /** Open loop: the schedule, once the run has started; closed loop: null. */
  protected schedule: OpenLoopSchedule | null = null;
  /** Index of the next order to send (open loop: the next one due). */
  protected next_index = 0;
  /** Closed loop: false once the measured window is over and only answers are awaited. */
  protected sending = true;
  private on_settled: (() => void) | null = null;

  constructor(protected readonly config: C, private readonly on_progress: (p: GeneratorProgress) => void) {
    if (!(config.connections >= 1)) throw new Error('connections must be >= 1');
  }

  /** Opens every connection, ready to send. */
  protected abstract connect(): Promise<void>;
  /** Closes every connection at the end of the run, answered or not. */
  protected abstract disconnect(): void;
  /** Open loop: the schedule is known; size whatever is kept per order. */
  protected prepareOpenLoop(_schedule: OpenLoopSchedule): void {}
  /** Open loop: sends orders next_index..due-1, due by `now_ms`, and moves next_index to `due`. */
  protected abstract sendDue(schedule: OpenLoopSchedule, due: number, now_ms: number): void;
  /** Closed loop: fills every connection's window at the start. */
  protected abstract startClosedLoop(): void;
  /** True while an order sent on a live connection is still unanswered (or waiting to be written). */
  protected abstract hasOutstanding(): boolean;
  /** At the drain deadline: counts every outstanding measured order as a timeout. */
  protected abstract countOutstandingAsTimeouts(): void;
  /** Orders in flight or waiting to be written, for the progress line. */
  protected abstract inFlight(): number;
  /** Client-specific facts for the result's `extra`. */
  protected abstract extra(): Record<string, unknown>;

  async execute(): Promise<LoadResult> {
    const c = this.config;
    const gc = new GcProfile().start();
    await this.connect();
    const start_ms = performance.now() + Math.max(0, c.start_at_epoch_ms - Date.now());
    const progress = c.progress_interval_ms > 0 ? setInterval(() => this.reportProgress(), c.progress_interval_ms) : null;
    try {
      if (c.mode === 'open') await this.openLoop(start_ms);
      else await this.closedLoop(start_ms);
    } finally {
      if (progress !== null) clearInterval(progress);
      this.disconnect();
    }
    const generator_gc = gc.stop();
    return this.tally.result(c.mode, c.rate_per_s, generator_gc, this.extra());
  }

  /** After every answer or lost connection: ends the drain once nothing is outstanding. */
  protected checkSettled(): void {
    if (this.on_settled === null || this.hasOutstanding()) return;
    this.on_settled();
  }

  private async openLoop(start_ms: number): Promise<void> {
    const c = this.config;
    const schedule = OpenLoopSchedule.forRun(c.rate_per_s, start_ms + c.phase_ms, c.warmup_s, c.duration_s);
    this.schedule = schedule;
    this.prepareOpenLoop(schedule);
    this.tally.measure_start_ms = schedule.measured_start_ms;
    this.tally.measure_end_ms = schedule.end_ms;
    const pacer = pace({
      tick: (now_ms) => {
        const due = schedule.dueBy(now_ms);
        if (due > this.next_index) this.sendDue(schedule, due, now_ms);
      },
      nextDueMs: () => (this.next_index < schedule.total ? schedule.intendedMs(this.next_index) : Infinity),
    });
    await pacer.done;
    await this.drain(schedule.end_ms + c.drain_timeout_ms);
  }

  private async closedLoop(start_ms: number): Promise<void> {
    const c = this.config;
    this.tally.measure_start_ms = start_ms + c.warmup_s * 1000;
    this.tally.measure_end_ms = this.tally.measure_start_ms + c.duration_s * 1000;
    await sleepUntil(start_ms);
    this.startClosedLoop();
    await sleepUntil(this.tally.measure_end_ms);
    this.sending = false;
    await this.drain(this.tally.measure_end_ms + c.drain_timeout_ms);
  }

  /** Resolves once every order sent has been answered, or at `deadline_ms` (the rest count as timeouts). */
  private drain(deadline_ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.on_settled = null;
        this.countOutstandingAsTimeouts();
        resolve();
      }, Math.max(0, deadline_ms - performance.now()));
      this.on_settled = () => {
        clearTimeout(timer);
        this.on_settled = null;
        resolve();
      };
      this.checkSettled();
    });
  }

  private reportProgress(): void {
    this.on_progress(this.tally.progress(this.inFlight()));
  }
}

function sleepUntil(at_ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, at_ms - performance.now())));
}
