/**
 * Validation at the edge of a contingent order list (POST /order-lists):
 *
 *   { contingency: "OCO" | "OUO" | "OTO" | "BRACKET", list_client_id?, orders: [order, ...] }
 *
 * Each order is the body of POST /orders and is validated by the same code; a refusal
 * names it (`orders[1]: ...`). What makes a list of each kind is order_list_rules.ts; the
 * rest checked here: distinct client_order_ids, no post_only or reduce_only on a held
 * member (it reaches the market later, when neither can be judged as it arrives), and a
 * bracket's shape (a take-profit LIMIT and a stop-loss, on the entry's symbol, the other
 * side). Any other field is refused (UNKNOWN_FIELD).
 */
import { ContingencyType, OrderType } from '../../engine/protocol/enums.js';
import { isHeldMember, LIST_ORDERS_MAX, listSizeAllowed } from '../../engine/protocol/order_list_rules.js';
import { RejectCode } from '../../engine/protocol/reject_codes.js';
import { InstrumentTable } from '../../engine/reference/instruments.js';
import { closedFields, unknownField } from './closed_fields.js';
import { clientOrderId, Validation, validateNewOrder, ValidatedOrder } from './order_validation.js';

export const ORDER_LIST_FIELDS = closedFields('an order list', ['contingency', 'list_client_id', 'orders']);

export interface ValidatedOrderList {
  readonly contingency: ContingencyType;
  readonly list_client_id: string | null;
  readonly orders: readonly ValidatedOrder[];
}

const refuse = (code: RejectCode, reason: string): { ok: false; refusal: { code: RejectCode; reason: string } } => ({
  ok: false, refusal: { code, reason },
});

const SIZES = 'OCO and OUO take 2 orders, OTO a parent and 1 to 3 children, BRACKET an entry, a take-profit and a stop-loss';

export function validateOrderList(body: unknown, instruments: InstrumentTable): Validation<ValidatedOrderList> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return refuse(RejectCode.MALFORMED_BODY, 'the body must be a JSON object');
  }
  const o = body as Record<string, unknown>;
  const unknown = unknownField(ORDER_LIST_FIELDS, o);
  if (unknown !== null) return { ok: false, refusal: unknown };
  if (o.contingency === undefined) return refuse(RejectCode.MISSING_FIELD, 'contingency is required (OCO, OUO, OTO or BRACKET)');
  const contingency = typeof o.contingency === 'string' && Object.hasOwn(ContingencyType, o.contingency)
    ? ContingencyType[o.contingency as keyof typeof ContingencyType] : 0;
  if (contingency === 0) return refuse(RejectCode.INVALID_ORDER_LIST, 'contingency must be OCO, OUO, OTO or BRACKET');
  const list_client_id = clientOrderId(o.list_client_id);
  if (!list_client_id.ok) {
    return refuse(list_client_id.refusal.code, list_client_id.refusal.reason.replace('client_order_id', 'list_client_id'));
  }
  if (o.orders === undefined) return refuse(RejectCode.MISSING_FIELD, 'orders is required');
  if (!Array.isArray(o.orders) || !listSizeAllowed(contingency, o.orders.length)) {
    return refuse(RejectCode.INVALID_ORDER_LIST, `orders must be an array of the list's orders: ${SIZES}`);
  }
  const orders: ValidatedOrder[] = [];
  const ids = new Set<string>();
  for (let k = 0; k < o.orders.length && k < LIST_ORDERS_MAX; k++) {
    const validation = validateNewOrder(o.orders[k], instruments);
    if (!validation.ok) return refuse(validation.refusal.code, `orders[${k}]: ${validation.refusal.reason}`);
    const order = validation.value;
    const refusal = listMemberRefusal(contingency, k, order, ids);
    if (refusal !== null) return refuse(RejectCode.INVALID_ORDER_LIST, refusal);
    if (k > 0 && order.account_name !== orders[0].account_name) {
      return refuse(RejectCode.INVALID_ORDER_LIST, `orders[${k}]: every order of a list is for one account`);
    }
    orders.push(order);
  }
  if (contingency === ContingencyType.BRACKET) {
    const refusal = bracketRefusal(orders);
    if (refusal !== null) return refuse(RejectCode.INVALID_ORDER_LIST, refusal);
  }
  return { ok: true, value: { contingency, list_client_id: list_client_id.value, orders } };
}

/** What the list rules look at in a member, whichever protocol it came by. */
export interface ListMemberShape {
  readonly client_order_id: string | null;
  readonly exec_inst: number;
  readonly order_type: number;
  /** The instrument's index. */
  readonly symbol: number;
  readonly side: number;
}

/**
 * The list's rules on its member `k`, once the member is valid as an order on its own
 * (INVALID_ORDER_LIST, reason naming the member; null: none broken): a client_order_id not
 * used by an earlier member (`ids` collects them), no post_only or reduce_only on a held
 * member. Shared by POST /order-lists and the binary NewOrderList, so both refuse alike.
 */
export function listMemberRefusal(contingency: number, k: number, member: ListMemberShape, ids: Set<string>): string | null {
  if (member.client_order_id !== null) {
    if (ids.has(member.client_order_id)) return `orders[${k}]: client_order_id ${member.client_order_id} is used twice in the list`;
    ids.add(member.client_order_id);
  }
  if (isHeldMember(contingency, k) && member.exec_inst !== 0) {
    return `orders[${k}] is held until its parent leaves the book: post_only and reduce_only are not allowed on it`;
  }
  return null;
}

/** A bracket: orders[1] takes profit (LIMIT), orders[2] stops the loss (a stop type), both closing the entry. */
export function bracketRefusal(orders: readonly ListMemberShape[]): string | null {
  const [entry, take_profit, stop_loss] = orders;
  if (take_profit.order_type !== OrderType.LIMIT) return 'orders[1], a bracket\'s take-profit, must be a LIMIT order';
  const stops: readonly number[] = [OrderType.STOP, OrderType.STOP_LIMIT, OrderType.TRAILING_STOP, OrderType.TRAILING_STOP_LIMIT];
  if (!stops.includes(stop_loss.order_type)) {
    return 'orders[2], a bracket\'s stop-loss, must be a STOP, STOP_LIMIT, TRAILING_STOP or TRAILING_STOP_LIMIT order';
  }
  for (const k of [1, 2]) {
    if (orders[k].symbol !== entry.symbol || orders[k].side === entry.side) {
      return `orders[${k}], a bracket's exit, must be on the entry's symbol and the other side`;
    }
  }
  return null;
}
