/**
 * The HTTP load generator: drives `POST /orders` over pipelined node:net connections,
 * either open loop (orders at their scheduled times, latency from the intended time) or
 * closed loop (a fixed window of requests in flight per connection, latency from the
 * actual send; for saturation only). Runs inside a generator process
 * (http_load_process.ts), never on the server's event loop. The run itself (start, loops,
 * drain, result) is load_run.ts; this file is the HTTP wire.
 */
import { LoadResult } from '../harness/load_result.js';
import { OpenLoopSchedule } from '../harness/open_loop_schedule.js';
import { GeneratorProgress } from './generator_process.js';
import { LoadRun, LoadRunConfig } from './load_run.js';
import { OrderRequestEncoder, OrderRequestOptions } from './order_request.js';
import { PipelinedConnection } from './pipelined_connection.js';
import { StampQueue } from './stamp_queue.js';

export interface HttpLoadConfig extends LoadRunConfig {
  readonly host: string;
  readonly port: number;
  readonly request: OrderRequestOptions;
  /**
   * Open loop: most requests in flight per connection (0 = no cap). Orders due beyond it
   * wait in the generator and leave as answers come back; their latency still counts from
   * their intended time, so the wait is measured, not hidden.
   */
  readonly max_in_flight: number;
}

export async function runHttpLoad(config: HttpLoadConfig, on_progress: (p: GeneratorProgress) => void = () => {}): Promise<LoadResult> {
  const run = new HttpLoadRun(config, on_progress);
  return run.execute();
}

class HttpLoadRun extends LoadRun<HttpLoadConfig> {
  private readonly encoder: OrderRequestEncoder;
  private connections: PipelinedConnection[] = [];
  /** Indices of one write, reused. */
  private readonly batch: number[] = [];

  constructor(config: HttpLoadConfig, on_progress: (p: GeneratorProgress) => void) {
    super(config, on_progress);
    this.encoder = new OrderRequestEncoder(config.request);
  }

  protected async connect(): Promise<void> {
    const c = this.config;
    const events = {
      answer: (status: number, stamp_ms: number, now_ms: number) => this.onAnswer(status, stamp_ms, now_ms),
      chunkDone: (connection: PipelinedConnection) => this.onChunkDone(connection),
      lost: (connection: PipelinedConnection, lost: StampQueue, reason: string) => this.onLost(connection, lost, reason),
    };
    this.connections = await Promise.all(
      Array.from({ length: c.connections }, (_, k) => PipelinedConnection.open(k, c.host, c.port, events)),
    );
  }

  protected disconnect(): void {
    for (const connection of this.connections) connection.close();
  }

  protected extra(): Record<string, unknown> {
    return {};
  }

  // ---- open loop --------------------------------------------------------------------

  /** Hands orders next_index..due-1 to the live connections round-robin; each writes what its cap allows at once. */
  protected sendDue(schedule: OpenLoopSchedule, due: number, now_ms: number): void {
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
      if (schedule.isMeasured(i)) this.tally.countMeasuredSend(intended, now_ms);
    }
    this.tally.sent_total += count;
    connection.write(out);
  }

  private countUnsendable(schedule: OpenLoopSchedule, due: number): void {
    for (let i = this.next_index; i < due; i++) {
      if (schedule.isMeasured(i)) this.tally.countError('not_sent');
    }
    this.next_index = due;
  }

  // ---- closed loop ------------------------------------------------------------------

  protected startClosedLoop(): void {
    const now_ms = performance.now();
    for (const connection of this.connections) this.sendClosed(connection, this.config.window, now_ms);
  }

  private sendClosed(connection: PipelinedConnection, count: number, now_ms: number): void {
    if (count <= 0 || !connection.alive) return;
    let bytes = 0;
    for (let k = 0; k < count; k++) bytes += this.encoder.byteLength(this.next_index + k);
    const out = Buffer.allocUnsafe(bytes);
    let at = 0;
    const measured = this.tally.inMeasuredWindow(now_ms);
    for (let k = 0; k < count; k++) {
      at += this.encoder.encodeInto(this.next_index++, out, at);
      connection.stamps.push(now_ms);
    }
    if (measured) this.tally.sent += count;
    this.tally.sent_total += count;
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
    const tally = this.tally;
    tally.answered_total++;
    const measured = this.config.mode === 'open' ? stamp_ms >= tally.measure_start_ms : tally.inMeasuredWindow(now_ms);
    const ok = status >= 200 && status <= 299;
    if (measured) tally.countMeasuredAnswer(String(status), ok, stamp_ms, now_ms);
    else tally.countUnmeasuredAnswer(ok);
  }

  private onLost(connection: PipelinedConnection, lost: StampQueue, reason: string): void {
    process.emitWarning(`benchmark connection lost: ${reason}`);
    while (lost.length > 0) {
      const stamp = lost.shift();
      if (this.config.mode === 'closed' || stamp >= this.tally.measure_start_ms) this.tally.countError('connection_lost');
      this.tally.answered_total++;
    }
    while (connection.backlog.length > 0) {
      const index = connection.backlog.shift();
      if (this.schedule?.isMeasured(index) === true) this.tally.countError('connection_lost');
    }
    this.checkSettled();
  }

  // ---- end of run -------------------------------------------------------------------

  protected hasOutstanding(): boolean {
    for (const connection of this.connections) {
      if (connection.alive && (connection.in_flight > 0 || connection.backlog.length > 0)) return true;
    }
    return false;
  }

  protected countOutstandingAsTimeouts(): void {
    for (const connection of this.connections) {
      while (connection.alive && connection.stamps.length > 0) {
        const stamp = connection.stamps.shift();
        if (this.config.mode === 'closed' || stamp >= this.tally.measure_start_ms) this.tally.countTimeout();
      }
      while (connection.alive && connection.backlog.length > 0) {
        if (this.schedule?.isMeasured(connection.backlog.shift()) === true) this.tally.countTimeout();
      }
    }
  }

  protected inFlight(): number {
    let in_flight = 0;
    for (const connection of this.connections) in_flight += connection.in_flight + connection.backlog.length;
    return in_flight;
  }
}
