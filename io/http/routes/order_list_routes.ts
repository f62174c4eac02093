/**
 * Contingent order lists over HTTP: place a list (OCO, OUO, OTO, BRACKET), look at one,
 * cancel one. A list is one engine command, accepted or refused whole; every answer is
 * rendered from the durable read model after the engine's reply, as for single orders
 * (order_routes.ts). The rules are in docs/ORDER_MODEL.md, "Contingent order lists".
 */
import { ContingencyType, ListOrderStatus, nameOf, TimeInForce } from '../../../engine/protocol/enums.js';
import { ReplyRecord } from '../../../engine/protocol/event_record.js';
import { RejectCode, rejectInfo } from '../../../engine/protocol/reject_codes.js';
import { REPLY_FLAG_DUPLICATE } from '../../../engine/protocol/reply_layout.js';
import { OrderListRecord } from '../../../services/read_model/order_store.js';
import { sessionEndAfterMs } from '../../../services/pnl/session_clock.js';
import { IoContext } from '../../io_context.js';
import { listAllDone, listOrderStatus } from '../../orders/order_list_status.js';
import { validateOrderList } from '../../orders/order_list_validation.js';
import { validateCancelBody } from '../../orders/order_validation.js';
import { HttpRequest, HttpResponder } from '../http_types.js';
import { sendJson, sendRefusal } from '../json_reply.js';
import { Router } from '../router.js';
import { authenticate, parseJsonBody, parseOrderId } from './route_helpers.js';

export function addOrderListRoutes(router: Router, ctx: IoContext): void {
  router.add('POST', '/order-lists', (req, res) => placeOrderList(ctx, req, res));
  router.add('GET', '/order-lists/:list_id', (req, res, [id]) => getOrderList(ctx, req, res, id));
  router.add('DELETE', '/order-lists/:list_id', (req, res, [id]) => cancelOrderList(ctx, req, res, id));
}

function placeOrderList(ctx: IoContext, req: HttpRequest, res: HttpResponder): void {
  if (!ctx.accepting()) return sendRefusal(res, RejectCode.SHUTTING_DOWN);
  const account = authenticate(ctx, req, res);
  if (account < 0) return;
  const body = parseJsonBody(req, res);
  if (body === undefined) return;
  const validation = validateOrderList(body, ctx.instruments);
  if (!validation.ok) return sendRefusal(res, validation.refusal.code, validation.refusal.reason);
  const list = validation.value;
  const account_name = list.orders[0].account_name;
  if (account_name !== null && account_name !== ctx.accounts.nameOf(account)) {
    return sendRefusal(res, RejectCode.ACCOUNT_MISMATCH, 'the API key does not belong to that account');
  }
  const now_ms = Date.now();
  const members = list.orders.map((order) => ({
    request_id: 0, account, symbol: order.symbol, side: order.side, order_type: order.order_type,
    time_in_force: order.time_in_force, qty_lots: order.qty_lots, price_ticks: order.price_ticks,
    stop_price_ticks: order.stop_price_ticks, session_id: 0,
    expire_at_ms: order.time_in_force === TimeInForce.DAY ? sessionEndAfterMs(now_ms, ctx.config.session_end_utc_minutes) : order.expire_at_ms,
    client_order_id: order.client_order_id ?? ctx.generatedClientOrderId(), exec_inst: order.exec_inst,
    trailing_offset_type: order.trailing_offset_type, trailing_offset: order.trailing_offset, limit_offset_ticks: order.limit_offset_ticks,
  }));
  const list_client_id = list.list_client_id ?? ctx.generatedClientOrderId();
  const submitted = ctx.link.submit(
    (writer, request_id) => writer.newOrderList(request_id, account, list.contingency, list_client_id, members),
    (reply) => answerWithList(ctx, res, reply),
  );
  if (submitted === 'busy') sendRefusal(res, RejectCode.ENGINE_BUSY);
}

/** The engine's answer to a new list: the list as it stands, or the refusal naming the member that failed. */
function answerWithList(ctx: IoContext, res: HttpResponder, reply: ReplyRecord): void {
  if (reply.code === RejectCode.OK) {
    // A resent list answers with its first member's order, which names the list.
    const list_id = reply.flag === REPLY_FLAG_DUPLICATE ? ctx.store.get(reply.order_id)?.list_id ?? 0 : reply.order_id;
    const list = ctx.store.getList(list_id);
    if (list === undefined) return sendRefusal(res, RejectCode.INTERNAL_ERROR, 'the order list is missing from the read model');
    const body: Record<string, unknown> = { success: true, ...renderList(ctx, list) };
    if (reply.flag === REPLY_FLAG_DUPLICATE) body.duplicate = true;
    return sendJson(res, 200, body);
  }
  const member = reply.arg;
  const reason = `orders[${member}]: ${rejectInfo(reply.code).reason}; nothing of the list was placed`;
  const original = reply.order_id > 0 ? ctx.store.get(reply.order_id) : undefined;
  sendRefusal(res, reply.code, reason, original === undefined ? undefined : ctx.renderer.render(original));
}

function getOrderList(ctx: IoContext, req: HttpRequest, res: HttpResponder, id_text: string): void {
  const account = authenticate(ctx, req, res);
  if (account < 0) return;
  const list = ownList(ctx, account, id_text);
  if (list === undefined) return sendRefusal(res, RejectCode.UNKNOWN_ORDER_LIST);
  sendJson(res, 200, { success: true, ...renderList(ctx, list) });
}

function cancelOrderList(ctx: IoContext, req: HttpRequest, res: HttpResponder, id_text: string): void {
  const account = authenticate(ctx, req, res);
  if (account < 0) return;
  const body = validateCancelBody(req.body);
  if (!body.ok) return sendRefusal(res, body.refusal.code, body.refusal.reason);
  const list = ownList(ctx, account, id_text);
  if (list === undefined) return sendRefusal(res, RejectCode.UNKNOWN_ORDER_LIST);
  if (allDone(ctx, list)) return sendJson(res, 409, alreadyDone(ctx, list));
  const submitted = ctx.link.submit(
    (writer, request_id) => writer.cancelList(request_id, account, list.list_id),
    (reply) => {
      const now = ctx.store.getList(list.list_id) ?? list;
      // The list finished between the io thread's check and the engine's: say so.
      if (reply.code === RejectCode.UNKNOWN_ORDER_LIST && allDone(ctx, now)) return sendJson(res, 409, alreadyDone(ctx, now));
      if (reply.code !== RejectCode.OK) return sendRefusal(res, reply.code);
      sendJson(res, 200, { success: true, canceled_orders: reply.arg, ...renderList(ctx, now) });
    },
  );
  if (submitted === 'busy') sendRefusal(res, RejectCode.ENGINE_BUSY);
}

function alreadyDone(ctx: IoContext, list: OrderListRecord): Record<string, unknown> {
  const info = rejectInfo(RejectCode.ORDER_LIST_ALREADY_DONE);
  return { success: false, code: info.name, reject_code: info.code, reason: info.reason, order_list: renderList(ctx, list) };
}

/** The caller's own list, or undefined: another account's list is answered exactly like a missing one. */
function ownList(ctx: IoContext, account: number, id_text: string): OrderListRecord | undefined {
  const list_id = parseOrderId(id_text);
  if (list_id === undefined) return undefined;
  const list = ctx.store.getList(list_id);
  return list !== undefined && list.account === account ? list : undefined;
}

function allDone(ctx: IoContext, list: OrderListRecord): boolean {
  return listAllDone(ctx.store, list);
}

function renderList(ctx: IoContext, list: OrderListRecord): Record<string, unknown> {
  const orders = [];
  for (const id of list.order_ids) {
    const record = ctx.store.get(id);
    if (record !== undefined) orders.push(ctx.renderer.render(record));
  }
  return {
    list_id: String(list.list_id),
    list_client_id: list.list_client_id,
    contingency: String(nameOf(ContingencyType, list.contingency)),
    list_status: String(nameOf(ListOrderStatus, listOrderStatus(ctx.store, list))),
    account: ctx.accounts.nameOf(list.account),
    created_at: new Date(Math.floor(list.created_us / 1000)).toISOString(),
    orders,
  };
}
