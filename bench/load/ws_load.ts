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
 * The run itself (start, loops, drain, result) is load_run.ts; this file is the
 * WebSocket wire.
 */
import WebSocket from 'ws';
import { EdgeSplit } from '../harness/edge_split.js';
import { LoadResult } from '../harness/load_result.js';
import { OpenLoopSchedule } from '../harness/open_loop_schedule.js';
import { GeneratorProgress } from './generator_process.js';
import { LoadRun, LoadRunConfig } from './load_run.js';
import { ID_DIGITS, indexOfClientOrderId } from './order_request.js';
import { ReportKind, WsOrderProtocol, WsProtocolSession } from './ws_protocol.js';

export interface WsLoadConfig extends LoadRunConfig {
  readonly url: string;
  /** Orders per WebSocket frame at most. */
  readonly batch: number;
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

class WsLoadRun extends LoadRun<WsLoadConfig> {
  private sessions: Session[] = [];
  /** Open loop: 1 once an order's first report arrived. Closed loop: unused. */
  private answered_flag = new Uint8Array(0);
  private readonly stamps = new Float64Array(STAMP_RING);
  /** The session each order was sent on (open loop: by index; closed loop: by index in the stamp ring). */
  private session_of = new Uint8Array(STAMP_RING);
  private later_reports = 0;
  private unknown_reports = 0;
  /** Each measured order's latency split at its edge time (edge_split.ts); empty for a protocol without one. */
  private readonly edge_split = new EdgeSplit();
  private readonly time_origin_ms = performance.timeOrigin;
  private heartbeats: NodeJS.Timeout | undefined;
  private readonly indices: number[] = [];
  private readonly ids: string[] = [];

  constructor(config: WsLoadConfig, private readonly protocol: WsOrderProtocol, on_progress: (p: GeneratorProgress) => void) {
    super(config, on_progress);
    if (!(config.batch >= 1)) throw new Error('batch must be >= 1');
    if (config.mode === 'closed' && config.window * config.connections >= STAMP_RING) throw new Error('window too large');
    if (config.connections > MAX_SESSIONS) throw new Error(`at most ${MAX_SESSIONS} connections per generator`);
  }

  protected async connect(): Promise<void> {
    this.sessions = await Promise.all(Array.from({ length: this.config.connections }, (_, k) => this.open(k)));
    this.heartbeats = setInterval(() => this.heartbeat(), HEARTBEAT_CHECK_MS);
  }

  protected disconnect(): void {
    clearInterval(this.heartbeats);
    for (const session of this.sessions) {
      session.alive = false;
      session.socket.terminate();
    }
  }

  protected extra(): Record<string, unknown> {
    const edge_split = this.edge_split.figures();
    return {
      later_reports: this.later_reports, unknown_reports: this.unknown_reports, protocol: this.protocol.name, batch: this.config.batch,
      ...(edge_split !== null ? { edge_split } : {}),
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

  protected override prepareOpenLoop(schedule: OpenLoopSchedule): void {
    this.answered_flag = new Uint8Array(schedule.total);
    this.session_of = new Uint8Array(schedule.total);
  }

  protected sendDue(schedule: OpenLoopSchedule, due: number, now_ms: number): void {
    const live = this.sessions.filter((s) => s.alive);
    const from = this.next_index;
    this.next_index = due;
    if (live.length === 0) {
      for (let i = from; i < due; i++) if (schedule.isMeasured(i)) this.tally.countError('not_sent');
      return;
    }
    const n = live.length;
    for (let k = 0; k < n; k++) {
      const session = live[k];
      // Order i goes to live session i % n; each session's due orders leave in frames of at most `batch`.
      for (let i = from + ((k - (from % n) + n) % n); i < due; i += n) {
        this.queue(i, session);
        if (schedule.isMeasured(i)) this.tally.countMeasuredSend(schedule.intendedMs(i), now_ms);
        if (this.indices.length === this.config.batch) this.flush(session);
      }
      this.flush(session);
    }
    this.tally.sent_total += due - from;
  }

  // ---- closed loop ------------------------------------------------------------------

  protected startClosedLoop(): void {
    for (const session of this.sessions) this.refill(session, performance.now());
  }

  /** Tops the session up to `window` orders in flight, stamped with the send time. */
  private refill(session: Session, now_ms: number): void {
    if (!this.sending || !session.alive) return;
    const measured = this.tally.inMeasuredWindow(now_ms);
    while (session.in_flight < this.config.window) {
      const i = this.next_index++;
      this.stamps[i & (STAMP_RING - 1)] = now_ms;
      this.queue(i, session);
      if (measured) this.tally.sent++;
      this.tally.sent_total++;
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
      session.codec.decodeFrame(frame, (id, kind, code, transact_us) => this.onReport(session, id, kind, now_ms, code, transact_us));
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

  private onReport(_receiver: Session, id: string, kind: ReportKind, now_ms: number, code?: number, transact_us?: number): void {
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
    this.tally.answered_total++;
    const measured = schedule !== null ? schedule.isMeasured(index) : this.tally.inMeasuredWindow(now_ms);
    const from_ms = schedule !== null ? schedule.intendedMs(index) : this.stamps[index & (STAMP_RING - 1)];
    if (schedule === null) this.stamps[index & (STAMP_RING - 1)] = NaN;
    if (kind === 'other') return;
    if (!measured) {
      this.tally.countUnmeasuredAnswer(kind !== 'reject');
      return;
    }
    const outcome = kind === 'reject' && code !== undefined ? `reject:${code}` : kind;
    this.tally.countMeasuredAnswer(outcome, kind === 'ack', from_ms, now_ms);
    if (kind === 'ack' && transact_us !== undefined) {
      this.edge_split.record((this.time_origin_ms + from_ms) * 1000, transact_us, (this.time_origin_ms + now_ms) * 1000);
    }
  }

  private onLost(session: Session, reason: string): void {
    if (!session.alive) return;
    session.alive = false;
    process.emitWarning(`benchmark WebSocket lost: ${reason}`);
    session.socket.terminate();
    // The session's unanswered orders are lost; which of them were measured is not tracked per session.
    for (let k = 0; k < session.in_flight; k++) this.tally.countError('connection_lost');
    this.tally.answered_total += session.in_flight;
    session.in_flight = 0;
    this.checkSettled();
  }

  // ---- end of run -------------------------------------------------------------------

  protected hasOutstanding(): boolean {
    for (const session of this.sessions) if (session.alive && session.in_flight > 0) return true;
    return false;
  }

  protected countOutstandingAsTimeouts(): void {
    for (const session of this.sessions) {
      if (!session.alive) continue;
      for (let k = 0; k < session.in_flight; k++) this.tally.countTimeout();
      session.in_flight = 0;
    }
  }

  protected inFlight(): number {
    let in_flight = 0;
    for (const session of this.sessions) in_flight += session.in_flight;
    return in_flight;
  }
}
