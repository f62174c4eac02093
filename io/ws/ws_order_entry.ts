/**
 * A logged-on session's NewOrder, Cancel and Replace, turned into commands on the engine
 * ring like the HTTP routes' (decimals to lots and ticks on the symbol's grid), and the
 * answers to their replies. An accepted command is reported by its own durable event,
 * which reaches every session of the account (see WsGateway); a reply adds a message
 * only where no event says it: a refusal (Reject), an idempotent resend (the current
 * state, exec_type I), a duplicate client order id with other terms (exec_type 8), a
 * timeout. A full ring is answered ENGINE_BUSY at once, never queued.
 */
import { TimeInForce, isFinalStatus } from '../../engine/protocol/enums.js';
import { ReplyRecord } from '../../engine/protocol/event_record.js';
import { REPLY_FLAG_DUPLICATE } from '../../engine/protocol/reply_layout.js';
import { RejectCode, rejectInfo } from '../../engine/protocol/reject_codes.js';
import { Cancel, NewOrder, NewTrailingOrder, Replace, TemplateId } from '../binary/index.js';
import { sessionEndAfterMs } from '../../services/pnl/session_clock.js';
import type { CommandWriter } from '../../engine/protocol/command_writer.js';
import type { CommandWrite, SubmitResult } from '../engine_link/engine_link.js';
import { IoContext } from '../io_context.js';
import { RequestKind } from '../request_latency.js';
import { amendRefusal } from '../orders/amend_rules.js';
import { OrderRecord } from '../../services/read_model/order_store.js';
import { ExecutionReportBuilder } from './execution_report_builder.js';
import { WsOutbound } from './ws_outbound.js';
import { WsSession } from './ws_session.js';
import { EntryTerms, orderCommand, plainOrderTerms, TermsFault, trailingOrderTerms } from './ws_order_terms.js';

/**
 * A session's command in flight: what its reply needs, in one object. The link's handler
 * and the command's writer are bound once per kind of request, not made per request: two
 * closures per order were about a tenth of the io thread's garbage (bench/README.md,
 * "Sixth pass").
 */
export interface SessionRequest {
  readonly session: WsSession;
  /** Answers the reply, given the request itself (the session's in-flight count is already settled). */
  answer(reply: ReplyRecord, request: this): void;
}

/** A NewOrder or NewTrailingOrder in flight. */
class PendingNewOrder implements SessionRequest {
  constructor(
    readonly session: WsSession,
    readonly message: NewOrder | NewTrailingOrder,
    readonly terms: EntryTerms,
    readonly expire_at_ms: number,
    readonly started: number,
    readonly answer: (reply: ReplyRecord, request: PendingNewOrder) => void,
  ) {}
}

/** A Cancel or Replace in flight; a Replace's new terms in lots and ticks (0: unchanged). */
class PendingOrderChange implements SessionRequest {
  constructor(
    readonly session: WsSession,
    readonly message: Cancel | Replace,
    readonly order_id: number,
    readonly qty_lots: number,
    readonly price_ticks: number,
    readonly stop_price_ticks: number,
    readonly started: number,
    readonly answer: (reply: ReplyRecord, request: PendingOrderChange) => void,
  ) {}
}

export class WsOrderEntry {
  constructor(
    private readonly ctx: IoContext,
    private readonly outbound: WsOutbound,
    private readonly reports: ExecutionReportBuilder,
  ) {}

  newOrder(session: WsSession, m: NewOrder): void {
    const started = performance.now();
    if (!this.accepting(session, m.seq, m.template_id)) return;
    const terms = plainOrderTerms(this.ctx.instruments, m);
    if (terms instanceof TermsFault) return this.outbound.reject(session, m.seq, terms.code, terms.reason, m.template_id);
    this.submitNewOrder(session, m, started, terms);
  }

  /** A trailing stop (template 7): NewOrder's path with the trail converted to what the engine carries (ws_order_terms.ts). */
  newTrailingOrder(session: WsSession, m: NewTrailingOrder): void {
    const started = performance.now();
    if (!this.accepting(session, m.seq, m.template_id)) return;
    const terms = trailingOrderTerms(this.ctx.instruments, m, m.trigger_price, 'trigger_price');
    if (terms instanceof TermsFault) return this.outbound.reject(session, m.seq, terms.code, terms.reason, m.template_id);
    this.submitNewOrder(session, m, started, terms);
  }

  /** Whether the OMS takes orders; the Reject is sent when not. */
  private accepting(session: WsSession, seq: number, template_id: number): boolean {
    if (this.ctx.accepting()) return true;
    this.outbound.reject(session, seq, RejectCode.SHUTTING_DOWN, 'the OMS is shutting down', template_id);
    return false;
  }

  /** Sends a new order of either template to the engine and answers it. */
  private submitNewOrder(session: WsSession, m: NewOrder | NewTrailingOrder, started: number, terms: EntryTerms): void {
    const expire_at_ms = m.time_in_force === TimeInForce.DAY
      ? sessionEndAfterMs(Date.now(), this.ctx.config.session_end_utc_minutes)
      : m.expire_time_ms;
    const request = new PendingNewOrder(session, m, terms, expire_at_ms, started, this.newOrderAnswered);
    if (this.submitRequest(this.writeNewOrder, request) === 'busy') this.busy(session, m.seq, m.template_id);
  }

  private readonly writeNewOrder = (w: CommandWriter, request_id: number, r: PendingNewOrder): boolean =>
    w.newOrder(orderCommand(r.terms, r.message, request_id, r.session.account, r.expire_at_ms, r.session.orderTag));

  private readonly newOrderAnswered = (reply: ReplyRecord, r: PendingNewOrder): void => {
    this.answerNewOrder(r.session, r.message, reply);
    this.ctx.latency.observe(RequestKind.WS_NEW_ORDER, (performance.now() - r.started) / 1000);
  };

  cancel(session: WsSession, m: Cancel): void {
    const request = new PendingOrderChange(session, m, m.order_id, 0, 0, 0, performance.now(), this.orderChangeAnswered);
    if (this.submitRequest(this.writeCancel, request) === 'busy') this.busy(session, m.seq, m.template_id);
  }

  private readonly writeCancel = (w: CommandWriter, request_id: number, r: PendingOrderChange): boolean =>
    w.cancel(request_id, r.session.account, r.order_id, r.session.orderTag);

  private readonly writeReplace = (w: CommandWriter, request_id: number, r: PendingOrderChange): boolean => w.replace({
    request_id, account: r.session.account, order_id: r.order_id, qty_lots: r.qty_lots, price_ticks: r.price_ticks,
    stop_price_ticks: r.stop_price_ticks, session_id: r.session.orderTag, client_order_id: (r.message as Replace).client_order_id,
  });

  private readonly orderChangeAnswered = (reply: ReplyRecord, r: PendingOrderChange): void => {
    const m = r.message;
    this.answerOrderChange(r.session, m.seq, m.template_id, r.order_id, reply);
    const kind = m.template_id === TemplateId.REPLACE ? RequestKind.WS_REPLACE : RequestKind.WS_CANCEL;
    this.ctx.latency.observe(kind, (performance.now() - r.started) / 1000);
  };

  private busy(session: WsSession, seq: number, template_id: number): void {
    this.outbound.reject(session, seq, RejectCode.ENGINE_BUSY, 'the engine is busy; retry later', template_id);
  }

  replace(session: WsSession, m: Replace): void {
    const started = performance.now();
    if (!this.ctx.accepting()) return this.outbound.reject(session, m.seq, RejectCode.SHUTTING_DOWN, 'the OMS is shutting down', m.template_id);
    const record = this.ctx.store.get(m.orig_order_id);
    if (record === undefined || record.account !== session.account) {
      return this.outbound.reject(session, m.seq, RejectCode.UNKNOWN_ORDER, 'no such order for this account', m.template_id);
    }
    const refusal = amendRefusal(record.order_type, record.triggered !== 0, m.price !== undefined, m.stop_price !== undefined);
    if (refusal !== null) return this.outbound.reject(session, m.seq, refusal.code, refusal.reason, m.template_id);
    const instruments = this.ctx.instruments;
    const qty = m.quantity === undefined ? 0 : this.units(session, m.seq, m.template_id, instruments.qtyToLots(record.symbol, m.quantity), RejectCode.OFF_LOT, 'quantity');
    if (qty < 0) return;
    const price = m.price === undefined ? 0 : this.units(session, m.seq, m.template_id, instruments.priceToTicks(record.symbol, m.price), RejectCode.OFF_TICK, 'price');
    if (price < 0) return;
    const stop = m.stop_price === undefined ? 0 : this.units(session, m.seq, m.template_id, instruments.priceToTicks(record.symbol, m.stop_price), RejectCode.OFF_TICK, 'stop_price');
    if (stop < 0) return;
    const request = new PendingOrderChange(session, m, m.orig_order_id, qty, price, stop, started, this.orderChangeAnswered);
    if (this.submitRequest(this.writeReplace, request) === 'busy') this.busy(session, m.seq, m.template_id);
  }

  /**
   * Submits a command for the request's session and counts it in flight until its reply is
   * answered; a close waiting for the last reply (a Logout, a protocol error) follows its
   * answer. Also the order lists' (ws_order_lists.ts).
   */
  submitRequest<R extends SessionRequest>(write: CommandWrite<R>, request: R): SubmitResult {
    const submitted = this.ctx.link.submit(write, this.settle, request);
    if (submitted === 'ok') request.session.in_flight++;
    return submitted;
  }

  private readonly settle = (reply: ReplyRecord, request: SessionRequest): void => {
    request.session.in_flight--;
    request.answer(reply, request);
    this.outbound.answered(request.session);
  };

  /**
   * The order's own events reach every session of the account as reports; a reply adds
   * something only where no event was emitted: an idempotent resend (the current state,
   * exec_type I), a duplicate id with other terms (exec_type 8, no order), a timeout.
   */
  private answerNewOrder(session: WsSession, m: NewOrder | NewTrailingOrder, reply: ReplyRecord): void {
    if (session.closed) return;
    if (reply.code === RejectCode.OK && reply.flag === REPLY_FLAG_DUPLICATE) {
      const record = this.ctx.store.get(reply.order_id);
      if (record !== undefined) this.sendOrderStatus(session, record, reply.last_seq);
    } else if (reply.code === RejectCode.DUPLICATE_CLIENT_ORDER_ID) {
      this.reports.fromRefusedNewOrder(m, reply.code, reply.last_seq);
      this.outbound.report(session, this.reports);
    } else if (reply.code === RejectCode.TIMEOUT) {
      this.outbound.reject(session, m.seq, reply.code, 'the engine did not answer in time', m.template_id);
    } else if (reply.code === RejectCode.NOT_READY) {
      // Fail-stop (the engine or journal died): the link answers for the engine.
      this.outbound.reject(session, m.seq, reply.code, rejectInfo(reply.code).reason, m.template_id);
    }
    this.outbound.markDirty(session);
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
    this.outbound.reject(session, seq, code, rejectInfo(code).reason, template_id);
    this.outbound.markDirty(session);
  }

  /** ExecType I: the order's current state, from the read model. */
  sendOrderStatus(session: WsSession, record: OrderRecord, exec_id: number): void {
    this.reports.fromOrder(record, exec_id);
    this.outbound.report(session, this.reports);
  }

  /** Converts a decimal to units, or sends the Reject and returns -1. */
  private units(session: WsSession, seq: number, template_id: number, conversion: { ok: true; units: number } | { ok: false; error: string },
    off_grid: RejectCode, field: string): number {
    if (conversion.ok) return conversion.units;
    if (conversion.error === 'off_grid') this.outbound.reject(session, seq, off_grid, `${field} is off the symbol's grid`, template_id);
    else this.outbound.reject(session, seq, RejectCode.VALUE_OUT_OF_RANGE, `${field} is too large`, template_id);
    return -1;
  }
}
