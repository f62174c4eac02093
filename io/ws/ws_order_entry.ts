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
import { Cancel, NewOrder, NewTrailingOrder, Replace } from '../binary/index.js';
import { sessionEndAfterMs } from '../../services/pnl/session_clock.js';
import type { EngineLink, ReplyHandler, SubmitResult } from '../engine_link/engine_link.js';
import { IoContext } from '../io_context.js';
import { RequestKind } from '../request_latency.js';
import { amendRefusal } from '../orders/amend_rules.js';
import { OrderRecord } from '../../services/read_model/order_store.js';
import { ExecutionReportBuilder } from './execution_report_builder.js';
import { WsOutbound } from './ws_outbound.js';
import { WsSession } from './ws_session.js';
import { EntryTerms, orderCommand, plainOrderTerms, TermsFault, trailingOrderTerms } from './ws_order_terms.js';

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
    const account = session.account;
    const submitted = this.submit(session,
      (w, request_id) => w.newOrder(orderCommand(terms, m, request_id, account, expire_at_ms, session.orderTag)),
      (reply) => {
        this.answerNewOrder(session, m, reply);
        this.ctx.latency.observe(RequestKind.WS_NEW_ORDER, (performance.now() - started) / 1000);
      },
    );
    if (submitted === 'busy') this.outbound.reject(session, m.seq, RejectCode.ENGINE_BUSY, 'the engine is busy; retry later', m.template_id);
  }

  cancel(session: WsSession, m: Cancel): void {
    const started = performance.now();
    const account = session.account;
    const submitted = this.submit(session,
      (w, request_id) => w.cancel(request_id, account, m.order_id, session.orderTag),
      (reply) => {
        this.answerOrderChange(session, m.seq, m.template_id, m.order_id, reply);
        this.ctx.latency.observe(RequestKind.WS_CANCEL, (performance.now() - started) / 1000);
      },
    );
    if (submitted === 'busy') this.outbound.reject(session, m.seq, RejectCode.ENGINE_BUSY, 'the engine is busy; retry later', m.template_id);
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
    const account = session.account;
    const submitted = this.submit(session,
      (w, request_id) => w.replace({
        request_id, account, order_id: m.orig_order_id, qty_lots: qty, price_ticks: price, stop_price_ticks: stop,
        session_id: session.orderTag, client_order_id: m.client_order_id,
      }),
      (reply) => {
        this.answerOrderChange(session, m.seq, m.template_id, m.orig_order_id, reply);
        this.ctx.latency.observe(RequestKind.WS_REPLACE, (performance.now() - started) / 1000);
      },
    );
    if (submitted === 'busy') this.outbound.reject(session, m.seq, RejectCode.ENGINE_BUSY, 'the engine is busy; retry later', m.template_id);
  }

  /**
   * Submits a command for the session and counts it in flight until its reply is handled;
   * a close waiting for the last reply (a Logout, a protocol error) follows its answer.
   * Also the order lists' (ws_order_lists.ts).
   */
  submit(session: WsSession, write: Parameters<EngineLink['submit']>[0], handler: ReplyHandler): SubmitResult {
    const submitted = this.ctx.link.submit(write, (reply) => {
      session.in_flight--;
      handler(reply);
      this.outbound.answered(session);
    });
    if (submitted === 'ok') session.in_flight++;
    return submitted;
  }

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
