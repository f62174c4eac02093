/**
 * The binary order-entry protocol on /ws (io/PROTOCOL.md). A session logs on with the
 * `x-api-key` upgrade header or a Logon message; its NewOrder, Cancel and Replace become
 * commands on the engine ring like the HTTP routes'; every durable order event of the
 * account is streamed to all of the account's sessions as an ExecutionReport.
 *
 * Outgoing messages are encoded into each session's buffer and sent once per drain of
 * the engine link (many reports per WebSocket message). Every send's result is checked:
 * a client whose unsent backlog passes OMS_WS_MAX_BACKPRESSURE_BYTES, or for whom uWS had
 * to drop a message, is disconnected with 1008 "slow consumer" rather than buffered
 * without bound or silently skipped.
 */
import type { HttpRequest as UwsRequest, HttpResponse, TemplatedApp, WebSocket, us_socket_context_t } from 'uWebSockets.js';
import type { Logger } from 'pino';
import { EventType, OrderStatus, TimeInForce, isFinalStatus } from '../../engine/protocol/enums.js';
import {
  EV_CL_ORD_ID, EV_CL_ORD_ID_LENGTH, EV_FILLED_QTY_LOTS, EV_FILL_NOTIONAL, EV_LAST_FILL_PRICE_TICKS,
  EV_LAST_FILL_QTY_LOTS, EV_ACCOUNT, EV_ORDER_ID, EV_ORDER_TYPE, EV_ORIG_ORDER_ID, EV_PRICE_TICKS, EV_QTY_LOTS, EV_REASON,
  EV_REJECT_CODE, EV_SEQ, EV_SIDE, EV_STATUS, EV_STOP_PRICE_TICKS, EV_SYMBOL, EV_TIME_IN_FORCE, EV_TS_US, EV_TYPE,
} from '../../engine/protocol/event_layout.js';
import { ReplyRecord } from '../../engine/protocol/event_record.js';
import { REPLY_FLAG_DUPLICATE } from '../../engine/protocol/reply_layout.js';
import { RejectCode, rejectInfo } from '../../engine/protocol/reject_codes.js';
import { SlotViews } from '../../engine/protocol/slot_views.js';
import { Decimal } from '../../engine/reference/decimal.js';
import {
  Cancel, ExecType, ExecutionReportInput, MAX_MESSAGE_BYTES, MutableDecimal, NewOrder, Refusal, Replace, TemplateId,
  averagePriceDecimal, decodeClientMessages, encodeExecutionReport, encodeLogonAck, encodeReject, encodeServerHeartbeat,
  execTypeOf, ordStatusOf, rejectForRefusal, unitsToDecimal,
} from '../binary/index.js';
import { asciiText } from '../binary/ascii_schema.js';
import { nextSessionEndMs } from '../config/oms_config.js';
import type { EngineLink, ReplyHandler, SubmitResult } from '../engine_link/engine_link.js';
import { IoContext } from '../io_context.js';
import { amendRefusal } from '../orders/amend_rules.js';
import { OrderRecord } from '../../services/read_model/order_store.js';
import { CANCEL_ON_DISCONNECT_TAG, OUT_BUFFER_BYTES, WsSession, WsUserData } from './ws_session.js';

export interface WsGatewayOptions {
  readonly heartbeat_interval_ms: number;
  readonly max_backpressure_bytes: number;
  readonly max_payload_bytes: number;
  readonly idle_timeout_s: number;
}

const CLOSE_NORMAL = 1000;
const CLOSE_GOING_AWAY = 1001;
const CLOSE_PROTOCOL_ERROR = 1002;
const CLOSE_UNSUPPORTED_DATA = 1003;
const CLOSE_POLICY = 1008;
const CLOSE_MESSAGE_TOO_BIG = 1009;
/**
 * uWS drops a connection without a close frame (the client sees 1006) when a frame's
 * length is above its maxPayloadLength, before reading it. Its limit is set this many
 * times ours so that a payload somewhat over OMS_WS_MAX_PAYLOAD_BYTES is read and closed
 * with 1009 as PROTOCOL.md says; only far larger ones are dropped.
 */
const UWS_PAYLOAD_LIMIT_FACTOR = 2;
const DAY_MASK = 1 << TimeInForce.DAY;

export class WsGateway {
  private readonly sessions_by_account = new Map<number, Set<WsSession>>();
  private readonly all_sessions = new Set<WsSession>();
  private readonly dirty: WsSession[] = [];
  /** See firstFreeSessionId: never an id that an open order recovered from the journal carries. */
  private next_session_id: number;
  private heartbeat_timer: NodeJS.Timeout | undefined;
  /** Cancel-on-disconnect requests the engine was too busy to take yet: retried until taken. */
  private readonly pending_mass_cancels: { account: number; session: number }[] = [];
  /**
   * One report object reused for every ExecutionReport (no allocation per report). Its
   * fields are written from trusted engine values, hence the loose type; the encoder
   * checks every field anyway.
   */
  private readonly report: Record<keyof ExecutionReportInput, unknown>;
  private readonly decimals: Record<'qty' | 'price' | 'stop' | 'cum' | 'leaves' | 'avg' | 'last_qty' | 'last_px', MutableDecimal>;
  /** Counters for metrics. */
  sessions_opened = 0;
  slow_consumer_disconnects = 0;
  reports_sent = 0;

  constructor(private readonly ctx: IoContext, private readonly options: WsGatewayOptions, private readonly log: Logger) {
    const d = (): MutableDecimal => ({ mantissa: 0, scale: 0 });
    this.decimals = { qty: d(), price: d(), stop: d(), cum: d(), leaves: d(), avg: d(), last_qty: d(), last_px: d() };
    this.report = {
      seq: 0, reject_code: 0, exec_type: ExecType.NEW, ord_status: '0', exec_id: 1, order_id: 0, orig_order_id: 0,
      transact_time_us: 0, order_qty: this.decimals.qty, price: undefined, stop_price: undefined, cum_qty: this.decimals.cum,
      leaves_qty: this.decimals.leaves, avg_px: this.decimals.avg, last_qty: this.decimals.last_qty, last_px: undefined,
      side: 1, order_type: 1, time_in_force: 1, exec_reason: 0, symbol: '', client_order_id: '',
    };
    this.next_session_id = firstFreeSessionId(ctx);
    const orphans = orphanedCancelOnDisconnectSessions(ctx);
    if (orphans.length > 0) {
      log.warn({ sessions: orphans.length }, 'canceling the open DAY orders of cancel-on-disconnect sessions that ended when the OMS last stopped');
      for (const orphan of orphans) this.cancelOnDisconnect(orphan.account, orphan.tag);
    }
    ctx.link.onEvent((views, base) => this.onEvent(views, base));
    ctx.link.onDrained(() => this.flushAll());
  }

  mount(app: TemplatedApp): { close(): void } {
    app.ws<WsUserData>('/ws', {
      maxPayloadLength: this.options.max_payload_bytes * UWS_PAYLOAD_LIMIT_FACTOR,
      // uWS drops, rather than queues, anything sent while more than its limit is buffered,
      // and that would include the close frame telling a slow consumer why it is cut off
      // (the client would see 1006 and no reason). The gateway's own check after every
      // flush closes a session whose backlog passed max_backpressure_bytes, so one flush
      // (OUT_BUFFER_BYTES) above that keeps uWS from ever dropping, the close frame included.
      maxBackpressure: this.options.max_backpressure_bytes + OUT_BUFFER_BYTES,
      closeOnBackpressureLimit: false,
      idleTimeout: this.options.idle_timeout_s,
      sendPingsAutomatically: true,
      upgrade: (res, req, context) => this.upgrade(res, req, context),
      open: (ws) => this.open(ws),
      message: (ws, message, is_binary) => this.message(ws, message, is_binary),
      drain: (ws) => this.checkBackpressure(ws.getUserData().session),
      close: (ws) => this.closed(ws.getUserData().session),
    });
    this.heartbeat_timer = setInterval(() => this.heartbeats(), Math.max(100, Math.floor(this.options.heartbeat_interval_ms / 4)));
    this.heartbeat_timer.unref();
    return {
      close: () => {
        if (this.heartbeat_timer !== undefined) clearInterval(this.heartbeat_timer);
        for (const session of [...this.all_sessions]) this.end(session, CLOSE_GOING_AWAY, 'the server is shutting down');
      },
    };
  }

  get openSessions(): number {
    return this.all_sessions.size;
  }

  /** Cancel-on-disconnect commands still waiting for room on the engine ring. */
  get pendingMassCancels(): number {
    return this.pending_mass_cancels.length;
  }

  /**
   * Shutdown, first step: ends every session (1001) while the engine still runs, so each
   * one's cancel-on-disconnect is carried out before the engine stops.
   */
  endAllSessions(): void {
    for (const session of [...this.all_sessions]) this.end(session, CLOSE_GOING_AWAY, 'the server is shutting down');
  }

  // ---- connection lifecycle -----------------------------------------------------------

  private upgrade(res: HttpResponse, req: UwsRequest, context: us_socket_context_t): void {
    const key = req.getHeader('x-api-key');
    const query = new URLSearchParams(req.getQuery() ?? '');
    const session = new WsSession(this.next_session_id++);
    if (key !== '') {
      const auth = this.ctx.auth.account(key);
      if (!auth.ok) {
        const info = rejectInfo(auth.code);
        res.writeStatus('401 Unauthorized').writeHeader('content-type', 'application/json')
          .end(JSON.stringify({ success: false, code: info.name, reject_code: info.code, reason: info.reason }));
        return;
      }
      session.account = auth.account;
      session.cancel_on_disconnect = query.get('cancel_on_disconnect') === '1';
    }
    if (!this.ctx.accepting()) {
      res.writeStatus('503 Service Unavailable').writeHeader('retry-after', '1').end();
      return;
    }
    res.upgrade<WsUserData>({ session }, req.getHeader('sec-websocket-key'), req.getHeader('sec-websocket-protocol'),
      req.getHeader('sec-websocket-extensions'), context);
  }

  private open(ws: WebSocket<WsUserData>): void {
    const session = ws.getUserData().session;
    session.ws = ws;
    this.all_sessions.add(session);
    this.sessions_opened++;
    if (session.loggedOn) {
      this.register(session);
      this.sendLogonAck(session);
      this.flush(session);
    }
  }

  private closed(session: WsSession): void {
    session.closed = true;
    session.ws = null;
    this.all_sessions.delete(session);
    if (session.loggedOn) {
      this.sessions_by_account.get(session.account)?.delete(session);
      if (session.cancel_on_disconnect) this.cancelOnDisconnect(session.account, session.orderTag);
    }
  }

  private register(session: WsSession): void {
    let sessions = this.sessions_by_account.get(session.account);
    if (sessions === undefined) {
      sessions = new Set();
      this.sessions_by_account.set(session.account, sessions);
    }
    sessions.add(session);
  }

  private end(session: WsSession, code: number, reason: string): void {
    if (session.closed || session.ws === null) return;
    session.closing = true;
    this.flush(session);
    session.ws?.end(code, reason);
  }

  /** Cancels the session's open DAY orders; if the engine is busy, keeps retrying until it takes the command. */
  private cancelOnDisconnect(account: number, session_id: number): void {
    const submitted = this.ctx.link.submit(
      (w, id) => w.massCancel(id, account, session_id, DAY_MASK),
      (reply) => {
        if (reply.code !== RejectCode.OK) this.log.error({ account, session_id, code: reply.code }, 'cancel-on-disconnect failed');
      },
    );
    if (submitted === 'busy') {
      this.pending_mass_cancels.push({ account, session: session_id });
      setTimeout(() => this.retryMassCancels(), 10).unref();
    }
  }

  private retryMassCancels(): void {
    const pending = this.pending_mass_cancels.splice(0);
    for (const { account, session } of pending) this.cancelOnDisconnect(account, session);
  }

  // ---- incoming messages --------------------------------------------------------------

  private message(ws: WebSocket<WsUserData>, message: ArrayBuffer, is_binary: boolean): void {
    const session = ws.getUserData().session;
    if (session.closing) return;
    session.last_received_ms = Date.now();
    if (!is_binary) {
      this.end(session, CLOSE_UNSUPPORTED_DATA, 'binary frames only');
      return;
    }
    if (message.byteLength > this.options.max_payload_bytes) {
      this.end(session, CLOSE_MESSAGE_TOO_BIG, `messages are limited to ${this.options.max_payload_bytes} bytes`);
      return;
    }
    // The decoder copies what it keeps: the payload may be released when this returns.
    const items = decodeClientMessages(new Uint8Array(message));
    for (const item of items) {
      if (session.closing) break;
      if (item instanceof Refusal) {
        if (item.seq !== undefined && !this.checkSeq(session, item.seq, item.template_id ?? 0)) break;
        this.reject(session, rejectForRefusal(0, item).ref_seq, item.code, item.reason, item.template_id ?? 0);
        if (item.fatal) this.end(session, CLOSE_PROTOCOL_ERROR, item.reason.slice(0, 100));
        // Before logon only a valid Logon is acceptable: anything refused ends the session.
        else if (!session.loggedOn) this.end(session, CLOSE_POLICY, 'not logged on');
        continue;
      }
      if (!this.checkSeq(session, item.seq, item.template_id)) break;
      if (!session.loggedOn && item.template_id !== TemplateId.LOGON) {
        this.reject(session, item.seq, RejectCode.NOT_LOGGED_ON, 'send a Logon first', item.template_id);
        this.end(session, CLOSE_POLICY, 'not logged on');
        break;
      }
      switch (item.template_id) {
        case TemplateId.LOGON: this.logon(session, item.seq, item.api_key, item.cancel_on_disconnect); break;
        case TemplateId.NEW_ORDER: this.newOrder(session, item); break;
        case TemplateId.CANCEL: this.cancel(session, item); break;
        case TemplateId.REPLACE: this.replace(session, item); break;
        case TemplateId.HEARTBEAT: break;
        case TemplateId.LOGOUT: this.logout(session); break;
      }
    }
    this.flush(session);
  }

  /** Sequence numbers must run without gaps; a gap is a protocol error. */
  private checkSeq(session: WsSession, seq: number, template_id: number): boolean {
    if (seq === session.expected_seq) {
      session.expected_seq = (seq + 1) >>> 0;
      return true;
    }
    this.reject(session, seq, RejectCode.MALFORMED_BODY, `sequence gap: expected ${session.expected_seq}, got ${seq}`, template_id);
    this.end(session, CLOSE_PROTOCOL_ERROR, 'sequence gap');
    return false;
  }

  private logon(session: WsSession, seq: number, api_key: string, cancel_on_disconnect: boolean): void {
    if (session.loggedOn) {
      this.reject(session, seq, RejectCode.ALREADY_LOGGED_ON, 'this session is already logged on', TemplateId.LOGON);
      return;
    }
    const auth = this.ctx.auth.account(api_key);
    if (!auth.ok) {
      this.reject(session, seq, auth.code, rejectInfo(auth.code).reason, TemplateId.LOGON);
      this.end(session, CLOSE_POLICY, 'authentication failed');
      return;
    }
    session.account = auth.account;
    session.cancel_on_disconnect = cancel_on_disconnect;
    this.register(session);
    this.sendLogonAck(session);
  }

  /**
   * Logout: nothing more is read; the answers to what the session already sent (reports,
   * rejects) still go out, then the close (1000), as PROTOCOL.md §2 says.
   */
  private logout(session: WsSession): void {
    if (session.in_flight === 0) return this.end(session, CLOSE_NORMAL, 'logout');
    session.closing = true;
    session.logout_pending = true;
  }

  /** Submits a command for the session and counts it in flight until its reply is handled. */
  private submit(session: WsSession, write: Parameters<EngineLink['submit']>[0], handler: ReplyHandler): SubmitResult {
    const submitted = this.ctx.link.submit(write, (reply) => {
      session.in_flight--;
      handler(reply);
      if (session.logout_pending && session.in_flight === 0) this.end(session, CLOSE_NORMAL, 'logout');
    });
    if (submitted === 'ok') session.in_flight++;
    return submitted;
  }

  private newOrder(session: WsSession, m: NewOrder): void {
    if (!this.ctx.accepting()) return this.reject(session, m.seq, RejectCode.SHUTTING_DOWN, 'the OMS is shutting down', m.template_id);
    const instruments = this.ctx.instruments;
    const symbol = instruments.indexOf(m.symbol.toUpperCase());
    if (symbol < 0) return this.reject(session, m.seq, RejectCode.UNKNOWN_SYMBOL, `unknown symbol ${m.symbol}`, m.template_id);
    const qty = this.units(session, m.seq, m.template_id, instruments.qtyToLots(symbol, m.quantity), RejectCode.OFF_LOT, 'quantity');
    if (qty < 0) return;
    const price = m.price === undefined ? 0 : this.units(session, m.seq, m.template_id, instruments.priceToTicks(symbol, m.price), RejectCode.OFF_TICK, 'price');
    if (price < 0) return;
    const stop = m.stop_price === undefined ? 0 : this.units(session, m.seq, m.template_id, instruments.priceToTicks(symbol, m.stop_price), RejectCode.OFF_TICK, 'stop_price');
    if (stop < 0) return;
    const expire_at_ms = m.time_in_force === TimeInForce.DAY
      ? nextSessionEndMs(Date.now(), this.ctx.config.session_end_utc_minutes)
      : m.expire_time_ms;
    const account = session.account;
    const submitted = this.submit(session,
      (w, request_id) => w.newOrder({
        request_id, account, symbol, side: m.side, order_type: m.order_type, time_in_force: m.time_in_force,
        qty_lots: qty, price_ticks: price, stop_price_ticks: stop, expire_at_ms, session_id: session.orderTag,
        client_order_id: m.client_order_id,
      }),
      (reply) => this.answerNewOrder(session, m, reply),
    );
    if (submitted === 'busy') this.reject(session, m.seq, RejectCode.ENGINE_BUSY, 'the engine is busy; retry later', m.template_id);
  }

  /**
   * The order's own events reach every session of the account as reports; a reply adds
   * something only where no event was emitted: an idempotent resend (the current state,
   * exec_type I), a duplicate id with other terms (exec_type 8, no order), a timeout.
   */
  private answerNewOrder(session: WsSession, m: NewOrder, reply: ReplyRecord): void {
    if (session.closed) return;
    if (reply.code === RejectCode.OK && reply.flag === REPLY_FLAG_DUPLICATE) {
      const record = this.ctx.store.get(reply.order_id);
      if (record !== undefined) this.sendOrderStatus(session, record, reply.last_seq);
    } else if (reply.code === RejectCode.DUPLICATE_CLIENT_ORDER_ID) {
      this.sendSyntheticReject(session, m, reply.code, reply.last_seq);
    } else if (reply.code === RejectCode.TIMEOUT) {
      this.reject(session, m.seq, reply.code, 'the engine did not answer in time', m.template_id);
    }
    this.markDirty(session);
  }

  private cancel(session: WsSession, m: Cancel): void {
    const account = session.account;
    const submitted = this.submit(session,
      (w, request_id) => w.cancel(request_id, account, m.order_id, session.orderTag),
      (reply) => this.answerOrderChange(session, m.seq, m.template_id, m.order_id, reply),
    );
    if (submitted === 'busy') this.reject(session, m.seq, RejectCode.ENGINE_BUSY, 'the engine is busy; retry later', m.template_id);
  }

  private replace(session: WsSession, m: Replace): void {
    if (!this.ctx.accepting()) return this.reject(session, m.seq, RejectCode.SHUTTING_DOWN, 'the OMS is shutting down', m.template_id);
    const record = this.ctx.store.get(m.orig_order_id);
    if (record === undefined || record.account !== session.account) {
      return this.reject(session, m.seq, RejectCode.UNKNOWN_ORDER, 'no such order for this account', m.template_id);
    }
    const refusal = amendRefusal(record.order_type, record.triggered !== 0, m.price !== undefined, m.stop_price !== undefined);
    if (refusal !== null) return this.reject(session, m.seq, refusal.code, refusal.reason, m.template_id);
    const instruments = this.ctx.instruments;
    const qty = m.quantity === undefined ? 0 : this.units(session, m.seq, m.template_id, instruments.qtyToLots(record.symbol, m.quantity), RejectCode.OFF_LOT, 'quantity');
    if (qty < 0) return;
    const price = m.price === undefined ? 0 : this.units(session, m.seq, m.template_id, instruments.priceToTicks(record.symbol, m.price), RejectCode.OFF_TICK, 'price');
    if (price < 0) return;
    const stop = m.stop_price === undefined ? 0 : this.units(session, m.seq, m.template_id, instruments.priceToTicks(record.symbol, m.stop_price), RejectCode.OFF_TICK, 'stop_price');
    if (stop < 0) return;
    const account = session.account;
    const submitted = this.submit(session,
      (w, request_id) => w.replace({
        request_id, account, order_id: m.orig_order_id, qty_lots: qty, price_ticks: price, stop_price_ticks: stop,
        session_id: session.orderTag, client_order_id: m.client_order_id,
      }),
      (reply) => this.answerOrderChange(session, m.seq, m.template_id, m.orig_order_id, reply),
    );
    if (submitted === 'busy') this.reject(session, m.seq, RejectCode.ENGINE_BUSY, 'the engine is busy; retry later', m.template_id);
  }

  /**
   * A refused Cancel or Replace gets a Reject; an accepted one is reported by its event. A
   * resent Replace (same client order id and terms) emits no event: like a resent NewOrder
   * it is answered with the replacing order's current state (exec_type I), not silence.
   */
  private answerOrderChange(session: WsSession, seq: number, template_id: number, order_id: number, reply: ReplyRecord): void {
    if (session.closed) return;
    if (reply.code === RejectCode.OK) {
      const record = reply.flag === REPLY_FLAG_DUPLICATE ? this.ctx.store.get(reply.order_id) : undefined;
      if (record !== undefined) this.sendOrderStatus(session, record, reply.last_seq);
      return;
    }
    let code = reply.code;
    if (code === RejectCode.UNKNOWN_ORDER && isFinalStatus(this.ctx.store.statusOf(order_id)) && this.ctx.store.accountOf(order_id) === session.account) {
      code = RejectCode.ORDER_ALREADY_FINAL;
    }
    this.reject(session, seq, code, rejectInfo(code).reason, template_id);
    this.markDirty(session);
  }

  /** Converts a decimal to units, or sends the Reject and returns -1. */
  private units(session: WsSession, seq: number, template_id: number, conversion: { ok: true; units: number } | { ok: false; error: string },
    off_grid: RejectCode, field: string): number {
    if (conversion.ok) return conversion.units;
    if (conversion.error === 'off_grid') this.reject(session, seq, off_grid, `${field} is off the symbol's grid`, template_id);
    else this.reject(session, seq, RejectCode.VALUE_OUT_OF_RANGE, `${field} is too large`, template_id);
    return -1;
  }

  // ---- outgoing messages --------------------------------------------------------------

  /** A durable event: an ExecutionReport to every session of the order's account. */
  private onEvent(v: SlotViews, base: number): void {
    const type = v.u8[base + EV_TYPE];
    if (type > EventType.TRIGGERED) return; // admin events are not about one order
    const sessions = this.sessions_by_account.get(v.i32[(base + EV_ACCOUNT) >> 2]);
    if (sessions === undefined || sessions.size === 0) return;
    this.fillReportFromEvent(v, base);
    for (const session of sessions) this.appendReport(session);
  }

  private fillReportFromEvent(v: SlotViews, base: number): void {
    const r = this.report;
    const d = this.decimals;
    const instrument = this.ctx.instruments.at(v.i32[(base + EV_SYMBOL) >> 2]);
    const type = v.u8[base + EV_TYPE];
    const status = v.u8[base + EV_STATUS];
    const qty = v.f64[(base + EV_QTY_LOTS) >> 3];
    const filled = v.f64[(base + EV_FILLED_QTY_LOTS) >> 3];
    const price = v.f64[(base + EV_PRICE_TICKS) >> 3];
    const stop = v.f64[(base + EV_STOP_PRICE_TICKS) >> 3];
    r.reject_code = type === EventType.REJECTED ? v.u16[(base + EV_REJECT_CODE) >> 1] : 0;
    r.exec_type = execTypeOf(type);
    r.ord_status = ordStatusOf(status);
    r.exec_id = v.f64[(base + EV_SEQ) >> 3];
    r.order_id = v.f64[(base + EV_ORDER_ID) >> 3];
    r.orig_order_id = type === EventType.REPLACED ? v.f64[(base + EV_ORIG_ORDER_ID) >> 3] : 0;
    r.transact_time_us = v.f64[(base + EV_TS_US) >> 3];
    r.order_qty = unitsToDecimal(qty, instrument.lot, d.qty);
    r.price = price > 0 ? unitsToDecimal(price, instrument.tick, d.price) : undefined;
    r.stop_price = stop > 0 ? unitsToDecimal(stop, instrument.tick, d.stop) : undefined;
    r.cum_qty = unitsToDecimal(filled, instrument.lot, d.cum);
    r.leaves_qty = unitsToDecimal(isFinalStatus(status) ? 0 : qty - filled, instrument.lot, d.leaves);
    r.avg_px = averagePriceDecimal(v.f64[(base + EV_FILL_NOTIONAL) >> 3], filled, instrument.tick, d.avg);
    const is_fill = type === EventType.FILL;
    r.last_qty = unitsToDecimal(is_fill ? v.f64[(base + EV_LAST_FILL_QTY_LOTS) >> 3] : 0, instrument.lot, d.last_qty);
    r.last_px = is_fill ? unitsToDecimal(v.f64[(base + EV_LAST_FILL_PRICE_TICKS) >> 3], instrument.tick, d.last_px) : undefined;
    r.side = v.u8[base + EV_SIDE];
    r.order_type = v.u8[base + EV_ORDER_TYPE];
    r.time_in_force = v.u8[base + EV_TIME_IN_FORCE];
    r.exec_reason = v.u8[base + EV_REASON];
    r.symbol = instrument.spec.symbol;
    const id_at = base + EV_CL_ORD_ID;
    r.client_order_id = asciiText(v.u8, id_at, id_at + v.u8[base + EV_CL_ORD_ID_LENGTH]);
  }

  /** ExecType I: an order's current state, from the read model. */
  private sendOrderStatus(session: WsSession, o: OrderRecord, exec_id: number): void {
    const r = this.report;
    const d = this.decimals;
    const instrument = this.ctx.instruments.at(o.symbol);
    r.reject_code = o.status === OrderStatus.REJECTED ? o.reject_code : 0;
    r.exec_type = ExecType.ORDER_STATUS;
    r.ord_status = ordStatusOf(o.status);
    r.exec_id = Math.max(1, exec_id);
    r.order_id = o.order_id;
    r.orig_order_id = o.orig_order_id;
    r.transact_time_us = o.updated_us;
    r.order_qty = unitsToDecimal(o.qty_lots, instrument.lot, d.qty);
    r.price = o.price_ticks > 0 ? unitsToDecimal(o.price_ticks, instrument.tick, d.price) : undefined;
    r.stop_price = o.stop_price_ticks > 0 ? unitsToDecimal(o.stop_price_ticks, instrument.tick, d.stop) : undefined;
    r.cum_qty = unitsToDecimal(o.filled_qty_lots, instrument.lot, d.cum);
    r.leaves_qty = unitsToDecimal(isFinalStatus(o.status) ? 0 : o.qty_lots - o.filled_qty_lots, instrument.lot, d.leaves);
    r.avg_px = averagePriceDecimal(o.fill_notional, o.filled_qty_lots, instrument.tick, d.avg);
    r.last_qty = unitsToDecimal(0, instrument.lot, d.last_qty);
    r.last_px = undefined;
    r.side = o.side;
    r.order_type = o.order_type;
    r.time_in_force = o.time_in_force;
    r.exec_reason = o.reason;
    r.symbol = instrument.spec.symbol;
    r.client_order_id = o.client_order_id;
    this.appendReport(session);
  }

  /** exec_type 8 for a NewOrder refused without creating an order (a duplicate id with other terms). */
  private sendSyntheticReject(session: WsSession, m: NewOrder, code: number, exec_id: number): void {
    const r = this.report;
    const d = this.decimals;
    const zero: Decimal = { mantissa: 0n, scale: 0 };
    r.reject_code = code;
    r.exec_type = ExecType.REJECTED;
    r.ord_status = '8';
    r.exec_id = Math.max(1, exec_id);
    r.order_id = 0;
    r.orig_order_id = 0;
    r.transact_time_us = Date.now() * 1000;
    r.order_qty = m.quantity;
    r.price = m.price;
    r.stop_price = m.stop_price;
    d.cum.mantissa = 0; d.cum.scale = 0;
    d.leaves.mantissa = 0; d.leaves.scale = 0;
    d.last_qty.mantissa = 0; d.last_qty.scale = 0;
    r.cum_qty = d.cum;
    r.leaves_qty = d.leaves;
    r.avg_px = zero;
    r.last_qty = d.last_qty;
    r.last_px = undefined;
    r.side = m.side;
    r.order_type = m.order_type;
    r.time_in_force = m.time_in_force;
    r.exec_reason = 0;
    r.symbol = m.symbol;
    r.client_order_id = m.client_order_id;
    this.appendReport(session);
  }

  private appendReport(session: WsSession): void {
    if (session.closed) return;
    this.ensureRoom(session);
    this.report.seq = session.takeOutSeq();
    session.out_length += encodeExecutionReport(session.out, session.out_length, this.report as unknown as ExecutionReportInput);
    this.reports_sent++;
    this.markDirty(session);
  }

  private sendLogonAck(session: WsSession): void {
    this.ensureRoom(session);
    session.out_length += encodeLogonAck(session.out, session.out_length, {
      seq: session.takeOutSeq(),
      session_id: session.id,
      heartbeat_interval_ms: this.options.heartbeat_interval_ms,
      cancel_on_disconnect: session.cancel_on_disconnect,
      account: this.ctx.accounts.nameOf(session.account),
    });
  }

  private reject(session: WsSession, ref_seq: number, code: number, reason: string, ref_template_id: number): void {
    this.ensureRoom(session);
    session.out_length += encodeReject(session.out, session.out_length, {
      seq: session.takeOutSeq(), ref_seq, code: code as RejectCode, ref_template_id, reason,
    });
    this.markDirty(session);
  }

  private ensureRoom(session: WsSession): void {
    if (session.out_length + MAX_MESSAGE_BYTES > OUT_BUFFER_BYTES) this.flush(session);
  }

  private markDirty(session: WsSession): void {
    if (session.out_length > 0 && this.dirty[this.dirty.length - 1] !== session) this.dirty.push(session);
  }

  private flushAll(): void {
    const dirty = this.dirty;
    for (let i = 0; i < dirty.length; i++) this.flush(dirty[i]);
    dirty.length = 0;
  }

  /** Sends the session's pending bytes as one WebSocket message and checks backpressure. */
  private flush(session: WsSession): void {
    const ws = session.ws;
    if (session.out_length === 0 || ws === null || session.closed) {
      session.out_length = 0;
      return;
    }
    const bytes = session.out.subarray(0, session.out_length);
    session.out_length = 0;
    session.last_sent_ms = Date.now();
    let result = 0;
    ws.cork(() => {
      result = ws.send(bytes, true);
    });
    if (result === 2) {
      this.slowConsumer(session, 'a message could not be queued');
      return;
    }
    this.checkBackpressure(session);
  }

  private checkBackpressure(session: WsSession): void {
    const ws = session.ws;
    if (ws === null || session.closed) return;
    const buffered = ws.getBufferedAmount();
    if (buffered > this.options.max_backpressure_bytes) this.slowConsumer(session, `${buffered} bytes unread`);
  }

  private slowConsumer(session: WsSession, detail: string): void {
    this.slow_consumer_disconnects++;
    this.log.warn({ session: session.id, account: session.account, detail }, 'disconnecting a slow consumer');
    session.closing = true;
    session.ws?.end(CLOSE_POLICY, `slow consumer: ${detail}`.slice(0, 120));
  }

  /** Heartbeats when idle, and a close for a peer silent for three intervals. */
  private heartbeats(): void {
    const now = Date.now();
    const interval = this.options.heartbeat_interval_ms;
    for (const session of this.all_sessions) {
      if (session.closing || session.ws === null) continue;
      if (now - session.last_received_ms > 3 * interval) {
        this.end(session, CLOSE_POLICY, 'heartbeat timeout');
        continue;
      }
      if (session.loggedOn && now - session.last_sent_ms >= interval) {
        this.ensureRoom(session);
        session.out_length += encodeServerHeartbeat(session.out, session.out_length, session.takeOutSeq());
        this.flush(session);
      }
    }
  }
}

/**
 * Orders carry the id of the session that placed them, and the journal keeps it: after a
 * restart, open orders of the previous run's sessions are back in the engine with their
 * old ids. Cancel-on-disconnect cancels by session id, so a new session must not reuse
 * one of those ids, or its disconnect would cancel another session's orders. Ids start
 * above the highest one any open order carries (0, the HTTP API's, is never handed out).
 */
/**
 * Sessions that had cancel-on-disconnect on when the OMS last stopped (crash or not) are
 * gone: their open DAY orders are canceled now, as their disconnect would have done.
 * Returns the (account, session tag) pairs to cancel.
 */
export function orphanedCancelOnDisconnectSessions(ctx: IoContext): { account: number; tag: number }[] {
  const found = new Map<string, { account: number; tag: number }>();
  for (let account = 0; account < ctx.accounts.count; account++) {
    for (const order_id of ctx.store.activeOrders(account)) {
      const order = ctx.store.get(order_id);
      if (order === undefined || order.time_in_force !== TimeInForce.DAY) continue;
      if ((order.session_id & CANCEL_ON_DISCONNECT_TAG) === 0) continue;
      found.set(`${account}:${order.session_id}`, { account, tag: order.session_id });
    }
  }
  return [...found.values()];
}

function firstFreeSessionId(ctx: IoContext): number {
  let highest = 0;
  for (let account = 0; account < ctx.accounts.count; account++) {
    for (const order_id of ctx.store.activeOrders(account)) {
      const session_id = ((ctx.store.get(order_id)?.session_id ?? 0) & ~CANCEL_ON_DISCONNECT_TAG) >>> 0;
      if (session_id > highest) highest = session_id;
    }
  }
  return highest + 1;
}
