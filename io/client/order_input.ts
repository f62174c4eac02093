/**
 * What a caller passes to newOrder, newTrailingOrder, newOrderList, replace and the
 * cancels, and its translation into the wire messages (PROTOCOL.md §6.2 to §6.10). Prices and quantities are decimal text ("0.01") or
 * numbers (read through their shortest round-trip text, so 0.1 is exactly 0.1): never
 * converted through binary floating point. A value the server's decoder would refuse
 * (a quantity of 0, a symbol with a space, 19 decimals) throws a RangeError here, at the
 * call, rather than coming back later as a Reject; the rules across fields (a limit order
 * needs a price) and everything that needs reference data are left to the server.
 */
import { randomBytes } from 'node:crypto';
import { ContingencyType, OrderType, Side, TimeInForce, TrailingOffsetType } from '../../engine/protocol/enums.js';
import { isTrailing } from '../../engine/protocol/order_type_rules.js';
import { Decimal, decimalOf } from '../../engine/reference/decimal.js';
import {
  CANCEL_ORDER_LIST, CLIENT_ORDER_ID_MAX_BYTES, LIST_ORDER, NEW_ORDER, NEW_ORDER_LIST, NEW_TRAILING_ORDER, REPLACE, TemplateId,
} from '../binary/index.js';
import type { ListOrderInput, NewOrderInput, NewOrderListInput, NewTrailingOrderInput, ReplaceInput } from '../binary/index.js';

/** An exact decimal: "45000.12", or a number whose shortest text is the decimal meant. */
export type DecimalValue = string | number;

export interface NewOrderRequest {
  readonly symbol: string;
  readonly side: Side;
  readonly order_type: OrderType;
  readonly time_in_force: TimeInForce;
  readonly quantity: DecimalValue;
  /** LIMIT, STOP_LIMIT and LIMIT_IF_TOUCHED only. */
  readonly price?: DecimalValue;
  /** The trigger: STOP, STOP_LIMIT, MARKET_IF_TOUCHED and LIMIT_IF_TOUCHED only (trailing orders: newTrailingOrder). */
  readonly stop_price?: DecimalValue;
  /** GTD only: epoch milliseconds. */
  readonly expire_time_ms?: number;
  /** Unique per account; generated (random prefix, counter) when omitted. */
  readonly client_order_id?: string;
  /** Order instructions, ExecInst bits (POST_ONLY 1, REDUCE_ONLY 2; PROTOCOL.md §8.8); 0 or omitted: none. */
  readonly exec_inst?: number;
}

/** A trailing stop or trailing stop-limit (NewTrailingOrder, PROTOCOL.md §6.7). */
export interface NewTrailingOrderRequest {
  readonly symbol: string;
  readonly side: Side;
  /** TRAILING_STOP or TRAILING_STOP_LIMIT. */
  readonly order_type: OrderType;
  readonly time_in_force: TimeInForce;
  readonly quantity: DecimalValue;
  /** Where the trigger starts; omitted: the last price when the OMS accepts the order. */
  readonly trigger_price?: DecimalValue;
  /** The trailing distance: a price, or whole basis points (trailing_offset_type). */
  readonly trailing_offset: DecimalValue;
  /** PRICE (default) or BASIS_POINTS. */
  readonly trailing_offset_type?: TrailingOffsetType;
  /** TRAILING_STOP_LIMIT only: the limit's distance beyond the trigger. */
  readonly limit_offset?: DecimalValue;
  readonly expire_time_ms?: number;
  readonly client_order_id?: string;
  readonly exec_inst?: number;
}

/**
 * One member of a list (ListOrder, §6.9): a NewOrderRequest of any type; a trailing type
 * takes NewTrailingOrderRequest's trail, with its start trigger in `stop_price`.
 */
export interface ListMemberRequest extends NewOrderRequest {
  readonly trailing_offset?: DecimalValue;
  readonly trailing_offset_type?: TrailingOffsetType;
  readonly limit_offset?: DecimalValue;
}

/** A contingent order list (NewOrderList, §6.8): OCO, OTO, OUO or BRACKET and its members in member order. */
export interface NewOrderListRequest {
  readonly contingency: ContingencyType;
  readonly orders: readonly ListMemberRequest[];
  /** The list's own client id; generated when omitted. */
  readonly list_client_id?: string;
}

/** What to change; what is left out stays as it is. At least one of the three values. */
export interface ReplaceRequest {
  readonly quantity?: DecimalValue;
  readonly price?: DecimalValue;
  readonly stop_price?: DecimalValue;
  /** The replacing order's own client order id; generated when omitted. */
  readonly client_order_id?: string;
}

type Unsequenced<T> = Omit<T, 'seq'>;
export type NewOrderDraft = { readonly template_id: typeof TemplateId.NEW_ORDER } & Unsequenced<NewOrderInput>;
export type ReplaceDraft = { readonly template_id: typeof TemplateId.REPLACE } & Unsequenced<ReplaceInput>;
export type NewTrailingOrderDraft = { readonly template_id: typeof TemplateId.NEW_TRAILING_ORDER } & Unsequenced<NewTrailingOrderInput>;
export type NewOrderListDraft = { readonly template_id: typeof TemplateId.NEW_ORDER_LIST } & Unsequenced<NewOrderListInput>;
export type ListOrderDraft = { readonly template_id: typeof TemplateId.LIST_ORDER } & Unsequenced<ListOrderInput>;
export type CancelDraft = { readonly template_id: typeof TemplateId.CANCEL; readonly order_id: number };
export type CancelOrderListDraft = { readonly template_id: typeof TemplateId.CANCEL_ORDER_LIST; readonly list_id: number };
/** A request as it is (re)sent: numbered with a seq when it goes out on a connection. */
export type RequestDraft = NewOrderDraft | NewTrailingOrderDraft | ReplaceDraft | CancelDraft | CancelOrderListDraft;

/** Encoding checks every field as the decoder will; the scratch buffer is only for that check. */
const scratch = new Uint8Array(LIST_ORDER.byte_size);

/** The fields every order template shares (NewOrder, NewTrailingOrder, ListOrder); `field` names them in errors. */
function orderHead(order: NewOrderRequest | NewTrailingOrderRequest, client_order_id: string, field = (name: string) => name) {
  return {
    side: order.side,
    order_type: order.order_type,
    time_in_force: order.time_in_force,
    expire_time_ms: order.expire_time_ms ?? 0,
    exec_inst: order.exec_inst ?? 0,
    quantity: decimal(order.quantity, field('quantity')),
    symbol: order.symbol,
    client_order_id,
  };
}

export function newOrderDraft(request: NewOrderRequest, client_order_id: string): NewOrderDraft {
  const draft: NewOrderDraft = {
    template_id: TemplateId.NEW_ORDER,
    ...orderHead(request, client_order_id),
    price: optionalDecimal(request.price, 'price'),
    stop_price: optionalDecimal(request.stop_price, 'stop_price'),
  };
  NEW_ORDER.encode(scratch, 0, { ...draft, seq: 1 });
  return draft;
}

export function newTrailingOrderDraft(request: NewTrailingOrderRequest, client_order_id: string): NewTrailingOrderDraft {
  const draft: NewTrailingOrderDraft = {
    template_id: TemplateId.NEW_TRAILING_ORDER,
    ...orderHead(request, client_order_id),
    trigger_price: optionalDecimal(request.trigger_price, 'trigger_price'),
    trailing_offset: decimal(request.trailing_offset, 'trailing_offset'),
    limit_offset: optionalDecimal(request.limit_offset, 'limit_offset'),
    trailing_offset_type: request.trailing_offset_type ?? TrailingOffsetType.PRICE,
  };
  NEW_TRAILING_ORDER.encode(scratch, 0, { ...draft, seq: 1 });
  return draft;
}

/** The list's head and one ListOrder per member, to be sent together in one WebSocket message. */
export function orderListDrafts(request: NewOrderListRequest, list_client_id: string, client_order_ids: readonly string[]): {
  readonly head: NewOrderListDraft; readonly members: readonly ListOrderDraft[];
} {
  const head: NewOrderListDraft = {
    template_id: TemplateId.NEW_ORDER_LIST, contingency: request.contingency, member_count: request.orders.length, list_client_id,
  };
  NEW_ORDER_LIST.encode(scratch, 0, { ...head, seq: 1 });
  const members = request.orders.map((order, k) => {
    const trailing = isTrailing(order.order_type);
    const draft: ListOrderDraft = {
      template_id: TemplateId.LIST_ORDER,
      ...orderHead(order, client_order_ids[k], (name) => `orders[${k}].${name}`),
      price: optionalDecimal(order.price, `orders[${k}].price`),
      stop_price: optionalDecimal(order.stop_price, `orders[${k}].stop_price`),
      trailing_offset: optionalDecimal(order.trailing_offset, `orders[${k}].trailing_offset`),
      limit_offset: optionalDecimal(order.limit_offset, `orders[${k}].limit_offset`),
      trailing_offset_type: order.trailing_offset_type ?? (trailing ? TrailingOffsetType.PRICE : 0),
    };
    LIST_ORDER.encode(scratch, 0, { ...draft, seq: 1 });
    return draft;
  });
  return { head, members };
}

export function cancelOrderListDraft(list_id: number): CancelOrderListDraft {
  const draft: CancelOrderListDraft = { template_id: TemplateId.CANCEL_ORDER_LIST, list_id };
  CANCEL_ORDER_LIST.encode(scratch, 0, { ...draft, seq: 1 });
  return draft;
}

export function replaceDraft(orig_order_id: number, request: ReplaceRequest, client_order_id: string): ReplaceDraft {
  const draft: ReplaceDraft = {
    template_id: TemplateId.REPLACE,
    orig_order_id,
    quantity: optionalDecimal(request.quantity, 'quantity'),
    price: optionalDecimal(request.price, 'price'),
    stop_price: optionalDecimal(request.stop_price, 'stop_price'),
    client_order_id,
  };
  REPLACE.encode(scratch, 0, { ...draft, seq: 1 });
  return draft;
}

export function cancelDraft(order_id: number): CancelDraft {
  if (!Number.isSafeInteger(order_id) || order_id < 1) throw new RangeError(`order_id must be an integer from 1 to 2^53 - 1, got ${order_id}`);
  return { template_id: TemplateId.CANCEL, order_id };
}

function decimal(value: DecimalValue, field: string): Decimal {
  const parsed = decimalOf(value);
  if (parsed === undefined) throw new RangeError(`${field} is not a decimal: ${JSON.stringify(value)}`);
  return parsed;
}

function optionalDecimal(value: DecimalValue | undefined, field: string): Decimal | undefined {
  return value === undefined ? undefined : decimal(value, field);
}

/**
 * Client order ids for callers that do not choose their own: a random prefix per client
 * and a counter, so two clients (or two runs of one program) never produce the same id,
 * which the server would take for a resend of an old order.
 */
export class ClientOrderIds {
  private readonly prefix = randomBytes(9).toString('base64url');
  private next = 1;

  take(): string {
    const id = `${this.prefix}-${(this.next++).toString(36)}`;
    if (id.length > CLIENT_ORDER_ID_MAX_BYTES) throw new RangeError('client order id counter overflow');
    return id;
  }
}
