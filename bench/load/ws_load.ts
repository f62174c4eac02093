/**
 * The WebSocket load generator for binary order entry: C WebSocket connections (the `ws`
 * package), open loop (orders at their scheduled times; everything due on a connection
 * goes out in frames of at most `batch` messages) or closed loop (a window of orders in
 * flight per connection). Answers are matched to orders by client order id (which
 * encodes the order's index), and an order's latency ends at its first report: the
 * acknowledgement the OMS sends once the order is durable. Later reports of the same
 * order (fills, expiry) are counted, not timed.
 *
 * Runs inside a generator process (ws_load_process.ts), never on the server's event loop.
 */
import WebSocket from 'ws';
import { GcProfile } from '../harness/gc_profile.js';
import { encodeHistogram, newLatencyHistogram, recordLatencyUs } from '../harness/latency_histogram.js';
import { LoadResult } from '../harness/load_result.js';
import { OpenLoopSchedule } from '../harness/open_loop_schedule.js';
import { LoadMode } from '../harness/run_spec.js';
import { pace } from './event_loop_pacer.js';
import { GeneratorProgress } from './generator_process.js';
import { ID_DIGITS, indexOfClientOrderId } from './order_request.js';
import { ReportKind, WsOrderProtocol, WsProtocolSession } from './ws_protocol.js';

export interface WsLoadConfig {
  readonly url: string;
  readonly connections: number;
  readonly mode: LoadMode;
  readonly rate_per_s: number;
  readonly phase_ms: number;
  readonly window: number;
  readonly batch: number;
  readonly warmup_s: number;
  readonly duration_s: number;
  readonly start_at_epoch_ms: number;
  readonly drain_timeout_ms: number;
  readonly progress_interval_ms: number;
  readonly id_prefix: string;
}

/** Closed loop: stamps of orders in flight, by index modulo this (far above any window). */
const STAMP_RING = 1 << 20;
/** How often quiet sessions are checked for a due heartbeat. */
const HEARTBEAT_CHECK_MS = 100;

interface Session {
  readonly index: number;
  readonly socket: WebSocket;
  readonly codec: WsProtocolSession;
  in_flight: number;
  alive: boolean;
  last_send_ms: number;
}

/** Sessions per generator at most (an order remembers its session in one byte). */
const MAX_SESSIONS = 255;

export async function runWsLoad(config: WsLoadConfig, protocol: WsOrderProtocol, on_progress: (p: GeneratorProgress) => void = () => {}): Promise<LoadResult> {
  return new WsLoadRun(config, protocol, on_progress).execute();
}

class WsLoadRun {
  private readonly latency = newLatencyHistogram();
  private readonly lateness = newLatencyHistogram();
  private readonly outcomes: Record<string, number> = {};
  private sessions: Session[] = [];
  private schedule: OpenLoopSchedule | null = null;
  /** Open loop: 1 once an order's first report arrived. Closed loop: unused. */
  private answered_flag = new Uint8Array(0);
  private readonly stamps = new Float64Array(STAMP_RING);
  /** The session each order was sent on (open loop: by index; closed loop: by index in the stamp ring). */
  private session_of = new Uint8Array(STAMP_RING);
  private measure_start_ms = 0;
  private measure_end_ms = 0;
  private next_index = 0;
  private sent_total = 0;
  private answered_total = 0;
  private errors_total = 0;
  private sent = 0;
  private completed = 0;
  private errors = 0;
  private timeouts = 0;
  private later_reports = 0;
  private unknown_reports = 0;
  private last_measured_answer_ms = 0;
  private last_measured_send_ms = 0;
  private sending = true;
  private on_settled: (() => void) | null = null;
  private readonly indices: number[] = [];
  private readonly ids: string[] = [];

  constructor(private readonly config: WsLoadConfig, private readonly protocol: WsOrderProtocol, private readonly on_progress: (p: GeneratorProgress) => void) {
    if (!(config.connections >= 1)) throw new Error('connections must be >= 1');
    if (!(config.batch >= 1)) throw new Error('batch must be >= 1');
    if (config.mode === 'closed' && config.window * config.connections >= STAMP_RING) throw new Error('window too large');
    if (config.connections > MAX_SESSIONS) throw new Error(`at most ${MAX_SESSIONS} connections per generator`);
  }

  async execute(): Promise<LoadResult> {
    const c = this.config;
    const gc = new GcProfile().start();
    this.sessions = await Promise.all(Array.from({ length: c.connections }, (_, k) => this.open(k)));
    const start_ms = performance.now() + Math.max(0, c.start_at_epoch_ms - Date.now());
    const progress = c.progress_interval_ms > 0 ? setInterval(() => this.reportProgress(), c.progress_interval_ms) : null;
    const heartbeats = setInterval(() => this.heartbeat(), HEARTBEAT_CHECK_MS);
    try {
      if (c.mode === 'open') await this.openLoop(start_ms);
      else await this.closedLoop(start_ms);
    } finally {
      if (progress !== null) clearInterval(progress);
      clearInterval(heartbeats);
      for (const session of this.sessions) {
        session.alive = false;
        session.socket.terminate();
      }
    }
    const generator_gc = gc.stop();
    const open = c.mode === 'open';
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
        ? Math.max(this.last_measured_send_ms - this.measure_start_ms + 1000 / c.rate_per_s, 1)
        : this.measure_end_ms - this.measure_start_ms,
      generator_gc,
      extra: { later_reports: this.later_reports, unknown_reports: this.unknown_reports, protocol: this.protocol.name, batch: c.batch },
    };
  }

  private open(k: number): Promise<Session> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(this.config.url + this.protocol.path, { headers: { ...this.protocol.headers }, perMessageDeflate: false });
      const session: Session = { index: k, socket, codec: this.protocol.session(), in_flight: 0, alive: false, last_send_ms: 0 };
      const timer = setTimeout(() => {
        socket.terminate();
        reject(new Error(`WebSocket ${this.config.url}${this.protocol.path} not ready within 5 s`));
      }, 5000);
      const ready = (): void => {
        clearTimeout(timer);
        session.alive = true;
        socket.removeAllListeners('message');
        socket.on('message', (data: Buffer) => this.onFrame(session, data));
        resolve(session);
      };
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`WebSocket ${this.config.url}${this.protocol.path}: ${error.message}`));
      });
      socket.once('open', () => {
        socket.removeAllListeners('error');
        socket.on('error', (error) => this.onLost(session, `socket error: ${error.message}`));
        socket.on('close', (code) => this.onLost(session, `closed by the server (code ${code})`));
        const logon = session.codec.logonFrames();
        if (logon.length === 0) {
          ready();
          return;
        }
        socket.on('message', (data: Buffer) => {
          try {
            if (session.codec.isLogonAnswer(data)) ready();
          } catch (error) {
            clearTimeout(timer);
            socket.terminate();
            reject(new Error(`logon refused: ${(error as Error).message}`));
          }
        });
        for (const frame of logon) socket.send(frame, { binary: true });
        session.last_send_ms = performance.now();
      });
    });
  }

  // ---- open loop --------------------------------------------------------------------

  private async openLoop(start_ms: number): Promise<void> {
    const c = this.config;
    const schedule = OpenLoopSchedule.forRun(c.rate_per_s, start_ms + c.phase_ms, c.warmup_s, c.duration_s);
    this.schedule = schedule;
    this.answered_flag = new Uint8Array(schedule.total);
    this.session_of = new Uint8Array(schedule.total);
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

  private sendDue(schedule: OpenLoopSchedule, due: number, now_ms: number): void {
    const live = this.sessions.filter((s) => s.alive);
    const from = this.next_index;
    this.next_index = due;
    if (live.length === 0) {
      for (let i = from; i < due; i++) if (schedule.isMeasured(i)) this.countError('not_sent');
      return;
    }
    const n = live.length;
    for (let k = 0; k < n; k++) {
      const session = live[k];
      // Order i goes to live session i % n; each session's due orders leave in frames of at most `batch`.
      for (let i = from + ((k - (from % n) + n) % n); i < due; i += n) {
        this.queue(i, session);
        if (schedule.isMeasured(i)) {
          this.sent++;
          recordLatencyUs(this.lateness, (now_ms - schedule.intendedMs(i)) * 1000);
          this.last_measured_send_ms = now_ms;
        }
        if (this.indices.length === this.config.batch) this.flush(session);
      }
      this.flush(session);
    }
    this.sent_total += due - from;
  }

  // ---- closed loop ------------------------------------------------------------------

  private async closedLoop(start_ms: number): Promise<void> {
    const c = this.config;
    this.measure_start_ms = start_ms + c.warmup_s * 1000;
    this.measure_end_ms = this.measure_start_ms + c.duration_s * 1000;
    await sleepUntil(start_ms);
    for (const session of this.sessions) this.refill(session, performance.now());
    await sleepUntil(this.measure_end_ms);
    this.sending = false;
    await this.drain(this.measure_end_ms + c.drain_timeout_ms);
  }

  /** Tops the session up to `window` orders in flight, stamped with the send time. */
  private refill(session: Session, now_ms: number): void {
    if (!this.sending || !session.alive) return;
    const measured = now_ms >= this.measure_start_ms && now_ms < this.measure_end_ms;
    while (session.in_flight < this.config.window) {
      const i = this.next_index++;
      this.stamps[i & (STAMP_RING - 1)] = now_ms;
      this.queue(i, session);
      if (measured) this.sent++;
      this.sent_total++;
      if (this.indices.length === this.config.batch) this.flush(session);
    }
    this.flush(session);
  }

  // ---- sending and answers ----------------------------------------------------------

  private queue(index: number, session: Session): void {
    this.session_of[this.schedule !== null ? index : index & (STAMP_RING - 1)] = session.index;
    this.indices.push(index);
    this.ids.push(this.config.id_prefix + String(index).padStart(ID_DIGITS, '0'));
  }

  private flush(session: Session): void {
    const count = this.indices.length;
    if (count === 0) return;
    session.socket.send(session.codec.encodeOrders(this.indices, this.ids, count), { binary: true });
    session.last_send_ms = performance.now();
    session.in_flight += count;
    this.indices.length = 0;
    this.ids.length = 0;
  }

  private onFrame(session: Session, frame: Buffer): void {
    const now_ms = performance.now();
    try {
      session.codec.decodeFrame(frame, (id, kind, code) => this.onReport(session, id, kind, now_ms, code));
    } catch (error) {
      this.onLost(session, `undecodable frame: ${(error as Error).message}`);
      return;
    }
    if (this.config.mode === 'closed') for (const s of this.sessions) this.refill(s, performance.now());
    this.checkSettled();
  }

  /** Keeps quiet sessions alive: the protocol wants a message at least once per heartbeat interval. */
  private heartbeat(): void {
    const now_ms = performance.now();
    for (const session of this.sessions) {
      const interval = session.codec.heartbeat_interval_ms;
      if (!session.alive || interval <= 0 || now_ms - session.last_send_ms < interval / 2) continue;
      session.socket.send(session.codec.heartbeatFrame(), { binary: true });
      session.last_send_ms = now_ms;
    }
  }

  private onReport(_receiver: Session, id: string, kind: ReportKind, now_ms: number, code?: number): void {
    const index = indexOfClientOrderId(id, this.config.id_prefix);
    if (index < 0) {
      this.unknown_reports++;
      return;
    }
    const schedule = this.schedule;
    if (schedule !== null) {
      if (index >= this.answered_flag.length || this.answered_flag[index] !== 0) {
        this.later_reports++;
        return;
      }
      this.answered_flag[index] = 1;
    } else {
      const slot = index & (STAMP_RING - 1);
      if (Number.isNaN(this.stamps[slot])) {
        this.later_reports++;
        return;
      }
    }
    // The report may arrive on another session of the account (§7.2): free the place on the one that sent it.
    const session = this.sessions[this.session_of[schedule !== null ? index : index & (STAMP_RING - 1)]];
    if (!session.alive) return; // already counted as lost with its session
    session.in_flight--;
    this.answered_total++;
    const measured = schedule !== null ? schedule.isMeasured(index) : now_ms >= this.measure_start_ms && now_ms < this.measure_end_ms;
    const from_ms = schedule !== null ? schedule.intendedMs(index) : this.stamps[index & (STAMP_RING - 1)];
    if (schedule === null) this.stamps[index & (STAMP_RING - 1)] = NaN;
    if (kind === 'other') return;
    if (!measured) {
      if (kind === 'reject') this.errors_total++;
      return;
    }
    this.last_measured_answer_ms = now_ms;
    const outcome = kind === 'reject' && code !== undefined ? `reject:${code}` : kind;
    this.outcomes[outcome] = (this.outcomes[outcome] ?? 0) + 1;
    if (kind === 'ack') {
      this.completed++;
      recordLatencyUs(this.latency, (now_ms - from_ms) * 1000);
    } else {
      this.errors++;
      this.errors_total++;
    }
  }

  private onLost(session: Session, reason: string): void {
    if (!session.alive) return;
    session.alive = false;
    process.emitWarning(`benchmark WebSocket lost: ${reason}`);
    session.socket.terminate();
    // The session's unanswered orders are lost; which of them were measured is not tracked per session.
    for (let k = 0; k < session.in_flight; k++) this.countError('connection_lost');
    this.answered_total += session.in_flight;
    session.in_flight = 0;
    this.checkSettled();
  }

  private countError(outcome: string): void {
    this.errors++;
    this.errors_total++;
    this.outcomes[outcome] = (this.outcomes[outcome] ?? 0) + 1;
  }

  // ---- end of run -------------------------------------------------------------------

  private drain(deadline_ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.on_settled = null;
        for (const session of this.sessions) {
          if (!session.alive) continue;
          for (let k = 0; k < session.in_flight; k++) {
            this.timeouts++;
            this.countError('timeout');
          }
          session.in_flight = 0;
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
    for (const session of this.sessions) if (session.alive && session.in_flight > 0) return;
    this.on_settled();
  }

  private reportProgress(): void {
    let in_flight = 0;
    for (const session of this.sessions) in_flight += session.in_flight;
    this.on_progress({ sent: this.sent_total, answered: this.answered_total, errors: this.errors_total, in_flight });
  }
}

function sleepUntil(at_ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, at_ms - performance.now())));
}
