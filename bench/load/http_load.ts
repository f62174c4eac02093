/**
 * The HTTP load generator: drives `POST /orders` over pipelined node:net connections,
 * either open loop (orders at their scheduled times, latency from the intended time) or
 * closed loop (a fixed window of requests in flight per connection, latency from the
 * actual send; for saturation only). Runs inside a generator process
 * (http_load_process.ts), never on the server's event loop.
 */
import { GcProfile } from '../harness/gc_profile.js';
import { encodeHistogram, newLatencyHistogram, recordLatencyUs } from '../harness/latency_histogram.js';
import { LoadResult } from '../harness/load_result.js';
import { OpenLoopSchedule } from '../harness/open_loop_schedule.js';
import { pace } from './event_loop_pacer.js';
import { OrderRequestEncoder, OrderRequestOptions } from './order_request.js';
import { PipelinedConnection } from './pipelined_connection.js';
import { StampQueue } from './stamp_queue.js';

export interface HttpLoadConfig {
  readonly host: string;
  readonly port: number;
  readonly request: OrderRequestOptions;
  readonly connections: number;
  readonly mode: 'open' | 'closed';
  /** Open loop: this generator's orders per second. */
  readonly rate_per_s: number;
  /** Open loop: delay of this generator's first order after the common start (several generators interleave). */
  readonly phase_ms: number;
  /** Closed loop: requests kept in flight per connection. */
  readonly window: number;
  /**
   * Open loop: most requests in flight per connection (0 = no cap). Orders due beyond it
   * wait in the generator and leave as answers come back; their latency still counts from
   * their intended time, so the wait is measured, not hidden.
   */
  readonly max_in_flight: number;
  readonly warmup_s: number;
  readonly duration_s: number;
  /** Wall-clock (Date.now()) start shared by all generators of a run. */
  readonly start_at_epoch_ms: number;
  /** How long to wait for outstanding answers after the last send before counting them as timeouts. */
  readonly drain_timeout_ms: number;
  readonly progress_interval_ms: number;
}

export interface LoadProgress {
  readonly sent: number;
  readonly answered: number;
  readonly errors: number;
  readonly in_flight: number;
}

export async function runHttpLoad(config: HttpLoadConfig, on_progress: (p: LoadProgress) => void = () => {}): Promise<LoadResult> {
  const run = new HttpLoadRun(config, on_progress);
  return run.execute();
}

class HttpLoadRun {
  private readonly encoder: OrderRequestEncoder;
  private readonly latency = newLatencyHistogram();
  private readonly lateness = newLatencyHistogram();
  private readonly outcomes: Record<string, number> = {};
  private connections: PipelinedConnection[] = [];
  private schedule: OpenLoopSchedule | null = null;
  /** Indices of one write, reused. */
  private readonly batch: number[] = [];
  private measure_start_ms = 0;
  private measure_end_ms = 0;
  private sent_total = 0;
  private answered_total = 0;
  private errors_total = 0;
  private sent = 0;
  private completed = 0;
  private errors = 0;
  private timeouts = 0;
  private last_measured_answer_ms = 0;
  private last_measured_send_ms = 0;
  private sending = true;
  private next_index = 0;
  private on_settled: (() => void) | null = null;

  constructor(private readonly config: HttpLoadConfig, private readonly on_progress: (p: LoadProgress) => void) {
    if (!(config.connections >= 1)) throw new Error('connections must be >= 1');
    this.encoder = new OrderRequestEncoder(config.request);
  }

  async execute(): Promise<LoadResult> {
    const c = this.config;
    const gc = new GcProfile().start();
    const events = {
      answer: (status: number, stamp_ms: number, now_ms: number) => this.onAnswer(status, stamp_ms, now_ms),
      chunkDone: (connection: PipelinedConnection) => this.onChunkDone(connection),
      lost: (connection: PipelinedConnection, lost: StampQueue, reason: string) => this.onLost(connection, lost, reason),
    };
    this.connections = await Promise.all(
      Array.from({ length: c.connections }, (_, k) => PipelinedConnection.open(k, c.host, c.port, events)),
    );
    const start_ms = performance.now() + Math.max(0, c.start_at_epoch_ms - Date.now());
    const progress = c.progress_interval_ms > 0 ? setInterval(() => this.reportProgress(), c.progress_interval_ms) : null;
    try {
      if (c.mode === 'open') await this.openLoop(start_ms);
      else await this.closedLoop(start_ms);
    } finally {
      if (progress !== null) clearInterval(progress);
      for (const connection of this.connections) connection.close();
    }
    const generator_gc = gc.stop();
    const window_ms = c.mode === 'open'
      ? Math.max(this.last_measured_answer_ms - this.measure_start_ms, 1)
      : this.measure_end_ms - this.measure_start_ms;
    const send_window_ms = c.mode === 'open'
      ? Math.max(this.last_measured_send_ms - this.measure_start_ms + 1000 / c.rate_per_s, 1)
      : this.measure_end_ms - this.measure_start_ms;
    return {
      sent: this.sent,
      completed: this.completed,
      errors: this.errors,
      timeouts: this.timeouts,
      outcomes: this.outcomes,
      latency_hist: encodeHistogram(this.latency),
      lateness_hist: encodeHistogram(this.lateness),
      window_ms,
      send_window_ms,
      generator_gc,
      extra: {},
    };
  }

  // ---- open loop --------------------------------------------------------------------

  private async openLoop(start_ms: number): Promise<void> {
    const c = this.config;
    const schedule = OpenLoopSchedule.forRun(c.rate_per_s, start_ms + c.phase_ms, c.warmup_s, c.duration_s);
    this.schedule = schedule;
    this.measure_start_ms = schedule.measured_start_ms;
    this.measure_end_ms = schedule.end_ms;
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

  /** Hands orders next_index..due-1 to the live connections round-robin; each writes what its cap allows at once. */
  private sendDue(schedule: OpenLoopSchedule, due: number, now_ms: number): void {
    const live = this.connections.filter((k) => k.alive);
    if (live.length === 0) {
      // Every connection is gone: the remaining orders can never be sent.
      this.countUnsendable(schedule, due);
      return;
    }
    const from = this.next_index;
    const n = live.length;
    for (let k = 0; k < n; k++) {
      // Order i goes to live connection i % n, so the spread does not depend on how orders fall into ticks.
      const connection = live[k];
      for (let i = from + ((k - (from % n) + n) % n); i < due; i += n) connection.backlog.push(i);
      this.flushBacklog(connection, now_ms);
    }
    this.next_index = due;
  }

  /** Writes the connection's waiting orders, as many as its cap allows, in one write. */
  private flushBacklog(connection: PipelinedConnection, now_ms: number): void {
    const schedule = this.schedule!;
    const cap = this.config.max_in_flight;
    let count = connection.backlog.length;
    if (cap > 0 && count > cap - connection.in_flight) count = cap - connection.in_flight;
    if (count <= 0 || !connection.alive) return;
    const batch = this.batch;
    batch.length = 0;
    let bytes = 0;
    for (let k = 0; k < count; k++) {
      const i = connection.backlog.shift();
      batch.push(i);
      bytes += this.encoder.byteLength(i);
    }
    const out = Buffer.allocUnsafe(bytes);
    let at = 0;
    for (const i of batch) {
      at += this.encoder.encodeInto(i, out, at);
      const intended = schedule.intendedMs(i);
      connection.stamps.push(intended);
      if (schedule.isMeasured(i)) {
        this.sent++;
        recordLatencyUs(this.lateness, (now_ms - intended) * 1000);
        this.last_measured_send_ms = now_ms;
      }
    }
    this.sent_total += count;
    connection.write(out);
  }

  private countUnsendable(schedule: OpenLoopSchedule, due: number): void {
    for (let i = this.next_index; i < due; i++) {
      if (schedule.isMeasured(i)) this.countError('not_sent');
    }
    this.next_index = due;
  }

  // ---- closed loop ------------------------------------------------------------------

  private async closedLoop(start_ms: number): Promise<void> {
    const c = this.config;
    this.measure_start_ms = start_ms + c.warmup_s * 1000;
    this.measure_end_ms = this.measure_start_ms + c.duration_s * 1000;
    await sleepUntil(start_ms);
    const now_ms = performance.now();
    for (const connection of this.connections) this.sendClosed(connection, c.window, now_ms);
    await sleepUntil(this.measure_end_ms);
    this.sending = false;
    await this.drain(this.measure_end_ms + c.drain_timeout_ms);
  }

  private sendClosed(connection: PipelinedConnection, count: number, now_ms: number): void {
    if (count <= 0 || !connection.alive) return;
    let bytes = 0;
    for (let k = 0; k < count; k++) bytes += this.encoder.byteLength(this.next_index + k);
    const out = Buffer.allocUnsafe(bytes);
    let at = 0;
    const measured = now_ms >= this.measure_start_ms && now_ms < this.measure_end_ms;
    for (let k = 0; k < count; k++) {
      at += this.encoder.encodeInto(this.next_index++, out, at);
      connection.stamps.push(now_ms);
    }
    if (measured) this.sent += count;
    this.sent_total += count;
    connection.write(out);
  }

  private onChunkDone(connection: PipelinedConnection): void {
    if (this.config.mode === 'closed' && this.sending) {
      this.sendClosed(connection, this.config.window - connection.in_flight, performance.now());
    } else if (this.config.mode === 'open' && connection.backlog.length > 0) {
      this.flushBacklog(connection, performance.now());
    }
    this.checkSettled();
  }

  // ---- answers ----------------------------------------------------------------------

  private onAnswer(status: number, stamp_ms: number, now_ms: number): void {
    this.answered_total++;
    const measured = this.config.mode === 'open'
      ? stamp_ms >= this.measure_start_ms
      : now_ms >= this.measure_start_ms && now_ms < this.measure_end_ms;
    if (!measured) {
      if (status < 200 || status > 299) this.errors_total++;
      return;
    }
    const key = String(status);
    this.outcomes[key] = (this.outcomes[key] ?? 0) + 1;
    this.last_measured_answer_ms = now_ms;
    if (status >= 200 && status <= 299) {
      this.completed++;
      recordLatencyUs(this.latency, (now_ms - stamp_ms) * 1000);
    } else {
      this.errors++;
      this.errors_total++;
    }
  }

  private onLost(connection: PipelinedConnection, lost: StampQueue, reason: string): void {
    process.emitWarning(`benchmark connection lost: ${reason}`);
    while (lost.length > 0) {
      const stamp = lost.shift();
      if (this.config.mode === 'closed' || stamp >= this.measure_start_ms) this.countError('connection_lost');
      this.answered_total++;
    }
    while (connection.backlog.length > 0) {
      const index = connection.backlog.shift();
      if (this.schedule?.isMeasured(index) === true) this.countError('connection_lost');
    }
    this.checkSettled();
  }

  private countError(outcome: string): void {
    this.errors++;
    this.errors_total++;
    this.outcomes[outcome] = (this.outcomes[outcome] ?? 0) + 1;
  }

  // ---- end of run -------------------------------------------------------------------

  /** Resolves once every request sent has been answered, or at `deadline_ms` (the rest count as timeouts). */
  private drain(deadline_ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.on_settled = null;
        for (const connection of this.connections) {
          while (connection.alive && connection.stamps.length > 0) {
            const stamp = connection.stamps.shift();
            if (this.config.mode === 'closed' || stamp >= this.measure_start_ms) {
              this.timeouts++;
              this.countError('timeout');
            }
          }
          while (connection.alive && connection.backlog.length > 0) {
            if (this.schedule?.isMeasured(connection.backlog.shift()) === true) {
              this.timeouts++;
              this.countError('timeout');
            }
          }
        }
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

  private checkSettled(): void {
    if (this.on_settled === null) return;
    for (const connection of this.connections) {
      if (connection.alive && (connection.in_flight > 0 || connection.backlog.length > 0)) return;
    }
    this.on_settled();
  }

  private reportProgress(): void {
    let in_flight = 0;
    for (const connection of this.connections) in_flight += connection.in_flight + connection.backlog.length;
    this.on_progress({ sent: this.sent_total, answered: this.answered_total, errors: this.errors_total, in_flight });
  }
}

function sleepUntil(at_ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, at_ms - performance.now())));
}
