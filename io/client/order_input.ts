/**
 * What a caller passes to newOrder and replace, and its translation into the wire
 * messages (PROTOCOL.md §6.2, §6.4). Prices and quantities are decimal text ("0.01") or
 * numbers (read through their shortest round-trip text, so 0.1 is exactly 0.1): never
 * converted through binary floating point. A value the server's decoder would refuse
 * (a quantity of 0, a symbol with a space, 19 decimals) throws a RangeError here, at the
 * call, rather than coming back later as a Reject; the rules across fields (a limit order
 * needs a price) and everything that needs reference data are left to the server.
 */
import { randomBytes } from 'node:crypto';
import { OrderType, Side, TimeInForce } from '../../engine/protocol/enums.js';
import { Decimal, decimalOf } from '../../engine/reference/decimal.js';
import { CLIENT_ORDER_ID_MAX_BYTES, NEW_ORDER, REPLACE, TemplateId } from '../binary/index.js';
import type { NewOrderInput, ReplaceInput } from '../binary/index.js';

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
  /**
   * The trigger: STOP, STOP_LIMIT, MARKET_IF_TOUCHED and LIMIT_IF_TOUCHED only. (Trailing
   * orders travel as NewTrailingOrder, template 7, which this client does not send yet.)
   */
  readonly stop_price?: DecimalValue;
  /** GTD only: epoch milliseconds. */
  readonly expire_time_ms?: number;
  /** Unique per account; generated (random prefix, counter) when omitted. */
  readonly client_order_id?: string;
  /** Order instructions, ExecInst bits (POST_ONLY 1, REDUCE_ONLY 2; PROTOCOL.md §8.8); 0 or omitted: none. */
  readonly exec_inst?: number;
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
export type CancelDraft = { readonly template_id: typeof TemplateId.CANCEL; readonly order_id: number };
/** A request as it is (re)sent: numbered with a seq when it goes out on a connection. */
export type RequestDraft = NewOrderDraft | ReplaceDraft | CancelDraft;

/** Encoding checks every field as the decoder will; the scratch buffer is only for that check. */
const scratch = new Uint8Array(NEW_ORDER.byte_size);

export function newOrderDraft(request: NewOrderRequest, client_order_id: string): NewOrderDraft {
  const draft: NewOrderDraft = {
    template_id: TemplateId.NEW_ORDER,
    side: request.side,
    order_type: request.order_type,
    time_in_force: request.time_in_force,
    expire_time_ms: request.expire_time_ms ?? 0,
    exec_inst: request.exec_inst ?? 0,
    quantity: decimal(request.quantity, 'quantity'),
    price: optionalDecimal(request.price, 'price'),
    stop_price: optionalDecimal(request.stop_price, 'stop_price'),
    symbol: request.symbol,
    client_order_id,
  };
  NEW_ORDER.encode(scratch, 0, { ...draft, seq: 1 });
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
