/**
 * The order routes: place, query, cancel, cancel/replace. Every answer about an order
 * is rendered from the durable read model after the engine's reply, so the client sees
 * the order as the engine left it (a marketable order against the embedded venue
 * answers FILLED) and never sees state a crash could take back.
 */
import type { CommandWriter } from '../../../engine/protocol/command_writer.js';
import { ReplyRecord } from '../../../engine/protocol/event_record.js';
import { OrderStatus, TimeInForce, isFinalStatus } from '../../../engine/protocol/enums.js';
import { REPLY_FLAG_DUPLICATE, REPLY_FLAG_TRIMMED } from '../../../engine/protocol/reply_layout.js';
import { unitsToNumber } from '../../../engine/reference/decimal.js';
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import { sessionEndAfterMs } from '../../../services/pnl/session_clock.js';
import { IoContext } from '../../io_context.js';
import { RequestKind } from '../../request_latency.js';
import { amendRefusal } from '../../orders/amend_rules.js';
import { validateAmend, validateCancelBody, ValidatedOrder } from '../../orders/order_validation.js';
import { HttpRequest, HttpResponder } from '../http_types.js';
import { sendJson, sendRefusal } from '../json_reply.js';
import { Router } from '../router.js';
import { authenticate, parseJsonBody, parseOrderId, queryParams, readNewOrder } from './route_helpers.js';

export function addOrderRoutes(router: Router, ctx: IoContext): void {
  router.add('POST', '/orders', (req, res) => placeOrder(ctx, req, res));
  router.add('GET', '/orders', (req, res) => listOrders(ctx, req, res));
  router.add('GET', '/orders/:order_id', (req, res, [id]) => getOrder(ctx, req, res, id));
  router.add('DELETE', '/orders/:order_id', (req, res, [id]) => cancelOrder(ctx, req, res, id));
  router.add('PATCH', '/orders/:order_id', (req, res, [id]) => replaceOrder(ctx, req, res, id));
}

function placeOrder(ctx: IoContext, req: HttpRequest, res: HttpResponder): void {
  const started = performance.now();
  if (!ctx.accepting()) return sendRefusal(res, RejectCode.SHUTTING_DOWN);
  const account = authenticate(ctx, req, res);
  if (account < 0) return;
  const order = readNewOrder(ctx, account, req, res);
  if (order === undefined) return;
  const expire_at_ms = order.time_in_force === TimeInForce.DAY
    ? sessionEndAfterMs(Date.now(), ctx.config.session_end_utc_minutes)
    : order.expire_at_ms;
  const client_order_id = order.client_order_id ?? ctx.generatedClientOrderId();
  const placement = new PendingPlacement(ctx, res, order, account, expire_at_ms, client_order_id, started);
  if (ctx.link.submit(writePlacement, answerPlacement, placement) === 'busy') sendRefusal(res, RejectCode.ENGINE_BUSY);
}

/**
 * A POST /orders in flight: what its command and its answer need, in one object for the
 * link to hand back, rather than two closures per order (bench/README.md, "Sixth pass").
 */
class PendingPlacement {
  constructor(
    readonly ctx: IoContext,
    readonly res: HttpResponder,
    readonly order: ValidatedOrder,
    readonly account: number,
    readonly expire_at_ms: number,
    readonly client_order_id: string,
    readonly started: number,
  ) {}
}

function writePlacement(writer: CommandWriter, request_id: number, p: PendingPlacement): boolean {
  const order = p.order;
  return writer.newOrder({
    request_id, account: p.account, symbol: order.symbol, side: order.side, order_type: order.order_type,
    time_in_force: order.time_in_force, qty_lots: order.qty_lots, price_ticks: order.price_ticks,
    stop_price_ticks: order.stop_price_ticks, expire_at_ms: p.expire_at_ms, session_id: 0, client_order_id: p.client_order_id,
    exec_inst: order.exec_inst, trailing_offset_type: order.trailing_offset_type, trailing_offset: order.trailing_offset,
    limit_offset_ticks: order.limit_offset_ticks,
  });
}

function answerPlacement(reply: ReplyRecord, p: PendingPlacement): void {
  answerWithOrder(p.ctx, p.res, reply);
  const seconds = (performance.now() - p.started) / 1000;
  p.ctx.observeLatency('place_order', seconds);
  p.ctx.latency.observe(RequestKind.HTTP_NEW_ORDER, seconds);
}

function listOrders(ctx: IoContext, req: HttpRequest, res: HttpResponder): void {
  const account = authenticate(ctx, req, res);
  if (account < 0) return;
  const query = queryParams(req.query);
  const requested = query.get('account');
  if (requested !== null && requested !== ctx.accounts.nameOf(account)) {
    return sendRefusal(res, RejectCode.ACCOUNT_MISMATCH, 'the API key does not belong to that account');
  }
  const active_only = query.get('active_only') === 'true';
  const page = readPage(query, res);
  if (page === undefined) return;
  const ids = ctx.store.newestOrders(account, page.after_order_id, page.limit + 1, !active_only);
  const more = ids.length > page.limit;
  const orders = [];
  for (let k = 0; k < ids.length && k < page.limit; k++) {
    const record = ctx.store.get(ids[k]);
    if (record === undefined || record.account !== account) continue;
    if (active_only && isFinalStatus(record.status)) continue;
    orders.push(ctx.renderer.render(record));
  }
  const body: Record<string, unknown> = { success: true, count: orders.length, orders };
  // The next page starts below the last id of this one, whether or not that order was listed.
  if (more) body.next_after_order_id = String(ids[page.limit - 1]);
  sendJson(res, 200, body);
}

/** How many orders one page of GET /orders holds when the client names no limit. */
const LIST_LIMIT_DEFAULT = 1000;
/** The largest page: it is rendered on the io thread, which every other request waits for meanwhile. */
const LIST_LIMIT_MAX = 10_000;

/**
 * The page GET /orders is asked for: `limit` (1 to LIST_LIMIT_MAX, default
 * LIST_LIMIT_DEFAULT) and `after_order_id`, the cursor. The list is newest first (order id
 * descending), so a page after an order id holds the orders with smaller ids; a client
 * passes the previous page's `next_after_order_id`. Refuses a bad value and answers
 * undefined.
 */
function readPage(query: URLSearchParams, res: HttpResponder): { limit: number; after_order_id: number } | undefined {
  let limit = LIST_LIMIT_DEFAULT;
  const limit_text = query.get('limit');
  if (limit_text !== null) {
    if (!/^\d{1,9}$/.test(limit_text)) {
      sendRefusal(res, RejectCode.INVALID_FIELD_TYPE, 'limit must be a whole number');
      return undefined;
    }
    limit = Number(limit_text);
    if (limit < 1 || limit > LIST_LIMIT_MAX) {
      sendRefusal(res, RejectCode.VALUE_OUT_OF_RANGE, `limit must be between 1 and ${LIST_LIMIT_MAX}`);
      return undefined;
    }
  }
  let after_order_id = Infinity;
  const after_text = query.get('after_order_id');
  if (after_text !== null) {
    const parsed = parseOrderId(after_text);
    if (parsed === undefined) {
      sendRefusal(res, RejectCode.INVALID_FIELD_TYPE, 'after_order_id must be an order id');
      return undefined;
    }
    after_order_id = parsed;
  }
  return { limit, after_order_id };
}

function getOrder(ctx: IoContext, req: HttpRequest, res: HttpResponder, id_text: string): void {
  const account = authenticate(ctx, req, res);
  if (account < 0) return;
  const record = ownRecord(ctx, account, id_text);
  if (record === undefined) return sendRefusal(res, RejectCode.UNKNOWN_ORDER);
  sendJson(res, 200, ctx.renderer.answer(record));
}

function cancelOrder(ctx: IoContext, req: HttpRequest, res: HttpResponder, id_text: string): void {
  const started = performance.now();
  const account = authenticate(ctx, req, res);
  if (account < 0) return;
  const body = validateCancelBody(req.body);
  if (!body.ok) return sendRefusal(res, body.refusal.code, body.refusal.reason);
  const record = ownRecord(ctx, account, id_text);
  if (record === undefined) return sendRefusal(res, RejectCode.UNKNOWN_ORDER);
  if (isFinalStatus(record.status)) {
    return sendRefusal(res, RejectCode.ORDER_ALREADY_FINAL, `the order is already ${statusName(record.status)}`, ctx.renderer.render(record));
  }
  const submitted = ctx.link.submit(
    (writer, request_id) => writer.cancel(request_id, account, record.order_id),
    (reply) => {
      answerWithOrder(ctx, res, reply);
      ctx.latency.observe(RequestKind.HTTP_CANCEL, (performance.now() - started) / 1000);
    },
  );
  if (submitted === 'busy') sendRefusal(res, RejectCode.ENGINE_BUSY);
}

function replaceOrder(ctx: IoContext, req: HttpRequest, res: HttpResponder, id_text: string): void {
  const started = performance.now();
  if (!ctx.accepting()) return sendRefusal(res, RejectCode.SHUTTING_DOWN);
  const account = authenticate(ctx, req, res);
  if (account < 0) return;
  const record = ownRecord(ctx, account, id_text);
  if (record === undefined) return sendRefusal(res, RejectCode.UNKNOWN_ORDER);
  const body = parseJsonBody(req, res);
  if (body === undefined) return;
  const validation = validateAmend(body, record.symbol, ctx.instruments);
  if (!validation.ok) return sendRefusal(res, validation.refusal.code, validation.refusal.reason);
  const amend = validation.value;
  const refusal = amendRefusal(record.order_type, record.triggered !== 0, amend.price_ticks > 0, amend.stop_price_ticks > 0);
  if (refusal !== null) return sendRefusal(res, refusal.code, refusal.reason);
  // A resent replace (same client_order_id, after a lost answer) finds its order already
  // REPLACED: only the engine's dedupe can answer it with the replacement, so it goes
  // through; the engine refuses it as final if it is not a resend.
  if (isFinalStatus(record.status) && amend.client_order_id === null) {
    return sendRefusal(res, RejectCode.ORDER_ALREADY_FINAL, `the order is already ${statusName(record.status)}`, ctx.renderer.render(record));
  }
  const client_order_id = amend.client_order_id ?? ctx.generatedClientOrderId();
  const submitted = ctx.link.submit(
    (writer, request_id) => writer.replace({
      request_id, account, order_id: record.order_id, qty_lots: amend.qty_lots, price_ticks: amend.price_ticks,
      stop_price_ticks: amend.stop_price_ticks, session_id: 0, client_order_id,
    }),
    (reply) => {
      answerWithOrder(ctx, res, reply);
      ctx.latency.observe(RequestKind.HTTP_REPLACE, (performance.now() - started) / 1000);
    },
  );
  if (submitted === 'busy') sendRefusal(res, RejectCode.ENGINE_BUSY);
}

/** Turns an engine reply about an order into the HTTP answer. */
export function answerWithOrder(ctx: IoContext, res: HttpResponder, reply: ReplyRecord): void {
  const record = reply.order_id > 0 ? ctx.store.get(reply.order_id) : undefined;
  if (reply.code === RejectCode.OK) {
    if (record === undefined) return sendRefusal(res, RejectCode.INTERNAL_ERROR, 'the order is missing from the read model');
    const body = ctx.renderer.answer(record);
    if (reply.flag === REPLY_FLAG_DUPLICATE) body.duplicate = true;
    if (reply.flag === REPLY_FLAG_TRIMMED) {
      // A reduce-only order asked for more than the position (the order says
      // reduce_only_trimmed): the answer alone also says what was asked.
      body.requested_quantity = unitsToNumber(reply.arg, ctx.instruments.at(record.symbol).lot);
    }
    return sendJson(res, 200, body);
  }
  const order = record === undefined ? undefined : ctx.renderer.render(record);
  if (reply.code === RejectCode.UNKNOWN_ORDER && record !== undefined && isFinalStatus(record.status)) {
    // The order finished between the io thread's check and the engine's: say so.
    return sendRefusal(res, RejectCode.ORDER_ALREADY_FINAL, `the order is already ${statusName(record.status)}`, order);
  }
  if (reply.code === RejectCode.UNKNOWN_ORDER) return sendRefusal(res, RejectCode.UNKNOWN_ORDER);
  // A duplicate client order id points at the original order, which is the caller's own.
  sendRefusal(res, reply.code, undefined, order);
}

/** The caller's own order, or undefined: another account's order is answered exactly like a missing one. */
function ownRecord(ctx: IoContext, account: number, id_text: string) {
  const order_id = parseOrderId(id_text);
  if (order_id === undefined) return undefined;
  const record = ctx.store.get(order_id);
  return record !== undefined && record.account === account ? record : undefined;
}

function statusName(status: number): string {
  return Object.keys(OrderStatus).find((k) => OrderStatus[k as keyof typeof OrderStatus] === status) ?? String(status);
}
