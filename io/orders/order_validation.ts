/**
 * Validation at the edge (STYLE.md rule 5): turns a JSON order into the exact integers
 * the engine trusts, or refuses it with a code from the catalogue and a reason that says
 * which field and why. Nothing unvalidated crosses into the engine.
 *
 * Accepted shape (seed-compatible, FIX-minded):
 *   { account?, symbol, side: "buy"|"sell", quantity, price?, order_type? | type?,
 *     time_in_force?, client_order_id?, stop_price?, trigger_price?, expire_time?, post_only?,
 *     reduce_only?, trailing_offset?, trailing_offset_type?, limit_offset? }
 * Numbers may be JSON numbers or decimal strings. order_type defaults to LIMIT when a
 * price is given and MARKET otherwise; time_in_force defaults to GTC. A market order's
 * price, if sent, is ignored (it does not cap the fill). `post_only` (a boolean, default
 * false) is allowed on LIMIT orders that may rest (exec_inst_rules.ts); `reduce_only` (a
 * boolean, default false) on any order. Any other field is refused
 * (UNKNOWN_FIELD, closed_fields.ts): a field this API does not know is never ignored.
 */
import { CLIENT_ORDER_ID_MAX_BYTES } from '../../engine/protocol/command_layout.js';
import { ExecInst, OrderType, TimeInForce, TrailingOffsetType } from '../../engine/protocol/enums.js';
import { disallowedExecInst } from '../../engine/protocol/exec_inst_rules.js';
import { isTrailing, isTriggerType, takesPrice } from '../../engine/protocol/order_type_rules.js';
import { RejectCode } from '../../engine/protocol/reject_codes.js';
import { decimalOf, toUnitsFast } from '../../engine/reference/decimal.js';
import { InstrumentTable } from '../../engine/reference/instruments.js';
import { closedFields, unknownField } from './closed_fields.js';

/** POST /orders and POST /check: every field either takes. */
export const NEW_ORDER_FIELDS = closedFields('an order', [
  'account', 'symbol', 'side', 'quantity', 'price', 'order_type', 'type', 'time_in_force', 'client_order_id', 'stop_price', 'expire_time',
  'post_only', 'reduce_only', 'trigger_price', 'trailing_offset', 'trailing_offset_type', 'limit_offset',
]);
/** PATCH /orders/:id. */
export const AMEND_FIELDS = closedFields('a replace', ['quantity', 'price', 'stop_price', 'trigger_price', 'client_order_id']);
/** DELETE /orders/:id: the order is in the path; a body, if sent, must be empty or `{}`. */
export const CANCEL_FIELDS = closedFields('a cancel', []);

export interface ValidatedOrder {
  readonly symbol: number;
  readonly side: number;
  readonly order_type: number;
  readonly time_in_force: number;
  readonly qty_lots: number;
  readonly price_ticks: number;
  readonly stop_price_ticks: number;
  /** GTD: the client's expiry; DAY: filled in by the caller from the session end; else 0. */
  readonly expire_at_ms: number;
  readonly client_order_id: string | null;
  readonly account_name: string | null;
  /** ExecInst bits (post_only, reduce_only). */
  readonly exec_inst: number;
  /** Trailing orders (0 for the others): TrailingOffsetType, distance in ticks or basis points, stop-limit's limit offset in ticks. */
  readonly trailing_offset_type: number;
  readonly trailing_offset: number;
  readonly limit_offset_ticks: number;
}

export interface Refusal {
  readonly code: RejectCode;
  readonly reason: string;
}

export type Validation<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly refusal: Refusal };

const refuse = (code: RejectCode, reason: string): { ok: false; refusal: Refusal } => ({ ok: false, refusal: { code, reason } });

const CLIENT_ORDER_ID_PATTERN = /^[\x21-\x7e]{1,40}$/;

export function validateNewOrder(body: unknown, instruments: InstrumentTable): Validation<ValidatedOrder> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return refuse(RejectCode.MALFORMED_BODY, 'the body must be a JSON object');
  }
  const o = body as Record<string, unknown>;
  const unknown = unknownField(NEW_ORDER_FIELDS, o);
  if (unknown !== null) return { ok: false, refusal: unknown };

  const account = optionalString(o, 'account');
  if (!account.ok) return account;

  if (o.symbol === undefined) return refuse(RejectCode.MISSING_FIELD, 'symbol is required');
  if (typeof o.symbol !== 'string') return refuse(RejectCode.INVALID_FIELD_TYPE, 'symbol must be a string');
  const symbol = instruments.indexOf(o.symbol.toUpperCase());
  if (symbol < 0) return refuse(RejectCode.UNKNOWN_SYMBOL, `unknown symbol ${JSON.stringify(o.symbol)}`);

  const side = parseSide(o.side);
  if (!side.ok) return side;

  const type_field = o.order_type !== undefined ? 'order_type' : 'type';
  let order_type: number;
  if (o[type_field] === undefined) {
    order_type = o.price === undefined || o.price === null ? OrderType.MARKET : OrderType.LIMIT;
  } else {
    const parsed = enumField(o[type_field], OrderType, type_field, RejectCode.INVALID_ORDER_TYPE);
    if (!parsed.ok) return parsed;
    order_type = parsed.value;
  }

  let time_in_force: number = TimeInForce.GTC;
  if (o.time_in_force !== undefined && o.time_in_force !== null) {
    const parsed = enumField(o.time_in_force, TimeInForce, 'time_in_force', RejectCode.INVALID_TIME_IN_FORCE);
    if (!parsed.ok) return parsed;
    time_in_force = parsed.value;
  }

  if (o.quantity === undefined || o.quantity === null) return refuse(RejectCode.MISSING_FIELD, 'quantity is required');
  const qty = quantityLots(o.quantity, symbol, instruments);
  if (!qty.ok) return qty;

  let price_ticks = 0;
  const wants_price = takesPrice(order_type);
  if (order_type === OrderType.TRAILING_STOP_LIMIT && o.price !== undefined && o.price !== null) {
    return refuse(RejectCode.LIMIT_OFFSET_REQUIRED, 'TRAILING_STOP_LIMIT orders take limit_offset (the limit price follows the trigger), not price');
  }
  if (wants_price) {
    if (o.price === undefined || o.price === null) {
      return refuse(RejectCode.PRICE_REQUIRED, `${nameOf(OrderType, order_type)} orders need a price`);
    }
    const price = priceTicks(o.price, 'price', symbol, instruments);
    if (!price.ok) return price;
    price_ticks = price.value;
  } else if (o.price !== undefined && o.price !== null) {
    // Validate the type even though a market order's price is ignored, so garbage is not silently accepted.
    const price = priceTicks(o.price, 'price', symbol, instruments, false);
    if (!price.ok) return price;
  }

  const trigger = triggerTicks(o, order_type, symbol, instruments);
  if (!trigger.ok) return trigger;
  const stop_price_ticks = trigger.value;

  const trail = trailingTerms(o, order_type, symbol, instruments);
  if (!trail.ok) return trail;

  let expire_at_ms = 0;
  if (time_in_force === TimeInForce.GTD) {
    const expiry = expireTime(o.expire_time);
    if (!expiry.ok) return expiry;
    expire_at_ms = expiry.value;
  } else if (o.expire_time !== undefined && o.expire_time !== null) {
    return refuse(RejectCode.INVALID_EXPIRE_TIME, 'expire_time is only allowed with time_in_force GTD');
  }

  const client_order_id = clientOrderId(o.client_order_id);
  if (!client_order_id.ok) return client_order_id;

  const post_only = optionalBoolean(o, 'post_only');
  if (!post_only.ok) return post_only;
  const reduce_only = optionalBoolean(o, 'reduce_only');
  if (!reduce_only.ok) return reduce_only;
  const exec_inst = (post_only.value ? ExecInst.POST_ONLY : 0) | (reduce_only.value ? ExecInst.REDUCE_ONLY : 0);
  if (disallowedExecInst(exec_inst, order_type, time_in_force) !== 0) {
    return refuse(RejectCode.POST_ONLY_NOT_ALLOWED,
      `post_only is only allowed on LIMIT orders with time_in_force DAY, GTC or GTD, not ${nameOf(OrderType, order_type)} ${nameOf(TimeInForce, time_in_force)}`);
  }

  return {
    ok: true,
    value: {
      symbol, side: side.value, order_type, time_in_force, qty_lots: qty.value, price_ticks, stop_price_ticks, expire_at_ms,
      client_order_id: client_order_id.value, account_name: account.value, exec_inst, ...trail.value,
    },
  };
}

/**
 * The trigger price of a triggered type, in ticks (0 for the others). `trigger_price` is
 * the name for every triggered type (FIX StopPx, tag 99); `stop_price`, the older name, is
 * still taken on STOP and STOP_LIMIT. Sending both, or either on a type without a
 * trigger, is refused: which one was meant cannot be guessed. Optional on trailing orders.
 */
function triggerTicks(o: Record<string, unknown>, order_type: number, symbol: number, instruments: InstrumentTable): Validation<number> {
  const has_stop = sent(o, 'stop_price');
  const has_trigger = sent(o, 'trigger_price');
  if (!isTriggerType(order_type)) {
    if (has_stop || has_trigger) {
      return refuse(RejectCode.INVALID_PRICE,
        `${has_stop ? 'stop_price' : 'trigger_price'} is only allowed on STOP, STOP_LIMIT, MARKET_IF_TOUCHED and LIMIT_IF_TOUCHED orders, not ${typeName(order_type)}`);
    }
    return { ok: true, value: 0 };
  }
  const is_stop = order_type === OrderType.STOP || order_type === OrderType.STOP_LIMIT;
  if (has_stop && has_trigger) return refuse(RejectCode.INVALID_PRICE, 'send trigger_price or stop_price, not both');
  if (has_stop && !is_stop) return refuse(RejectCode.INVALID_PRICE, `${typeName(order_type)} orders take trigger_price, not stop_price`);
  if (!has_stop && !has_trigger) {
    // A trailing order without one starts trailing from the last price (the engine's).
    if (isTrailing(order_type)) return { ok: true, value: 0 };
    return is_stop
      ? refuse(RejectCode.STOP_PRICE_REQUIRED, `${typeName(order_type)} orders need a stop_price (or trigger_price)`)
      : refuse(RejectCode.TRIGGER_PRICE_REQUIRED, `${typeName(order_type)} orders need a trigger_price`);
  }
  return has_stop ? priceTicks(o.stop_price, 'stop_price', symbol, instruments) : priceTicks(o.trigger_price, 'trigger_price', symbol, instruments);
}

interface TrailingTerms {
  readonly trailing_offset_type: number;
  readonly trailing_offset: number;
  readonly limit_offset_ticks: number;
}

const NO_TRAIL: TrailingTerms = Object.freeze({ trailing_offset_type: 0, trailing_offset: 0, limit_offset_ticks: 0 });
/** The fields only trailing orders take. */
const TRAILING_FIELDS = ['trailing_offset', 'trailing_offset_type', 'limit_offset'] as const;
/** The engine carries offsets in i32 (event_layout.ts). */
const OFFSET_MAX = 2 ** 31 - 1;
const BASIS_POINTS_MAX = 9_999;

/**
 * A trailing order's distance (FIX PegOffsetValue 211, given here as a positive distance:
 * the trigger sits that far below the market for a sell, above it for a buy) and how it is
 * measured (PegOffsetType 836: `PRICE`, the default, in the symbol's price units and on its
 * tick grid, or whole `BASIS_POINTS` of the last price, 1 to 9999); a trailing stop-limit
 * also needs `limit_offset` (>= 0, on the tick grid): its limit price's distance beyond the
 * trigger. None of the three is taken on another type.
 */
function trailingTerms(o: Record<string, unknown>, order_type: number, symbol: number, instruments: InstrumentTable): Validation<TrailingTerms> {
  if (!isTrailing(order_type)) {
    for (const field of TRAILING_FIELDS) {
      if (sent(o, field)) return refuse(RejectCode.INVALID_TRAILING_OFFSET, `${field} is only allowed on trailing orders, not ${typeName(order_type)}`);
    }
    return { ok: true, value: NO_TRAIL };
  }
  let offset_type: number = TrailingOffsetType.PRICE;
  if (sent(o, 'trailing_offset_type')) {
    const parsed = enumField(o.trailing_offset_type, TrailingOffsetType, 'trailing_offset_type', RejectCode.INVALID_TRAILING_OFFSET);
    if (!parsed.ok) return parsed;
    offset_type = parsed.value;
  }
  if (!sent(o, 'trailing_offset')) return refuse(RejectCode.TRAILING_OFFSET_REQUIRED, `${typeName(order_type)} orders need a trailing_offset`);
  let offset: number;
  if (offset_type === TrailingOffsetType.PRICE) {
    const ticks = priceTicks(o.trailing_offset, 'trailing_offset', symbol, instruments);
    if (!ticks.ok) return ticks.refusal.code === RejectCode.INVALID_PRICE ? refuse(RejectCode.INVALID_TRAILING_OFFSET, ticks.refusal.reason) : ticks;
    if (ticks.value > OFFSET_MAX) return refuse(RejectCode.INVALID_TRAILING_OFFSET, 'trailing_offset is too large');
    offset = ticks.value;
  } else {
    const bps = typeof o.trailing_offset === 'string' && /^\s*\d+\s*$/.test(o.trailing_offset) ? Number(o.trailing_offset) : o.trailing_offset;
    if (typeof bps !== 'number' || !Number.isInteger(bps) || bps < 1 || bps > BASIS_POINTS_MAX) {
      return refuse(RejectCode.INVALID_TRAILING_OFFSET, `trailing_offset in BASIS_POINTS must be a whole number from 1 to ${BASIS_POINTS_MAX}, got ${JSON.stringify(o.trailing_offset)}`);
    }
    offset = bps;
  }
  let limit_offset_ticks = 0;
  if (order_type === OrderType.TRAILING_STOP_LIMIT) {
    if (!sent(o, 'limit_offset')) return refuse(RejectCode.LIMIT_OFFSET_REQUIRED, 'TRAILING_STOP_LIMIT orders need a limit_offset');
    // Zero is allowed: the limit price is the trigger itself.
    if (!(o.limit_offset === 0 || o.limit_offset === '0')) {
      const ticks = priceTicks(o.limit_offset, 'limit_offset', symbol, instruments);
      if (!ticks.ok) return ticks.refusal.code === RejectCode.INVALID_PRICE ? refuse(RejectCode.INVALID_TRAILING_OFFSET, ticks.refusal.reason) : ticks;
      if (ticks.value > OFFSET_MAX) return refuse(RejectCode.INVALID_TRAILING_OFFSET, 'limit_offset is too large');
      limit_offset_ticks = ticks.value;
    }
  } else if (sent(o, 'limit_offset')) {
    return refuse(RejectCode.INVALID_TRAILING_OFFSET, 'limit_offset is only allowed on TRAILING_STOP_LIMIT orders');
  }
  return { ok: true, value: { trailing_offset_type: offset_type, trailing_offset: offset, limit_offset_ticks } };
}

export interface ValidatedAmend {
  readonly qty_lots: number;
  readonly price_ticks: number;
  readonly stop_price_ticks: number;
  readonly client_order_id: string | null;
}

/** PATCH /orders/:id body: what to change (absent = keep) and the replace's new client order id. */
export function validateAmend(body: unknown, symbol: number, instruments: InstrumentTable): Validation<ValidatedAmend> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return refuse(RejectCode.MALFORMED_BODY, 'the body must be a JSON object');
  }
  const o = body as Record<string, unknown>;
  const unknown = unknownField(AMEND_FIELDS, o);
  if (unknown !== null) return { ok: false, refusal: unknown };
  let qty_lots = 0;
  if (o.quantity !== undefined && o.quantity !== null) {
    const qty = quantityLots(o.quantity, symbol, instruments);
    if (!qty.ok) return qty;
    qty_lots = qty.value;
  }
  let price_ticks = 0;
  if (o.price !== undefined && o.price !== null) {
    const price = priceTicks(o.price, 'price', symbol, instruments);
    if (!price.ok) return price;
    price_ticks = price.value;
  }
  let stop_price_ticks = 0;
  const has_stop = o.stop_price !== undefined && o.stop_price !== null;
  const has_trigger = o.trigger_price !== undefined && o.trigger_price !== null;
  if (has_stop && has_trigger) return refuse(RejectCode.INVALID_PRICE, 'send trigger_price or stop_price, not both');
  if (has_stop || has_trigger) {
    const field = has_stop ? 'stop_price' : 'trigger_price';
    const stop = priceTicks(o[field], field, symbol, instruments);
    if (!stop.ok) return stop;
    stop_price_ticks = stop.value;
  }
  if (qty_lots === 0 && price_ticks === 0 && stop_price_ticks === 0) {
    return refuse(RejectCode.NOTHING_TO_AMEND, 'send quantity, price or trigger_price (stop_price) to amend');
  }
  const client_order_id = clientOrderId(o.client_order_id);
  if (!client_order_id.ok) return client_order_id;
  return { ok: true, value: { qty_lots, price_ticks, stop_price_ticks, client_order_id: client_order_id.value } };
}

/** A DELETE /orders/:id body: none, or a JSON object with no fields. */
export function validateCancelBody(body: Buffer | null): Validation<null> {
  if (body === null || body.length === 0) return { ok: true, value: null };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return refuse(RejectCode.MALFORMED_BODY, 'the body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return refuse(RejectCode.MALFORMED_BODY, 'the body must be a JSON object');
  }
  const unknown = unknownField(CANCEL_FIELDS, parsed as Record<string, unknown>);
  if (unknown !== null) return { ok: false, refusal: unknown };
  return { ok: true, value: null };
}

export function parseSide(value: unknown): Validation<number> {
  if (value === undefined || value === null) return refuse(RejectCode.MISSING_FIELD, 'side is required');
  if (typeof value !== 'string') return refuse(RejectCode.INVALID_FIELD_TYPE, 'side must be a string');
  const side = value.toLowerCase();
  if (side === 'buy') return { ok: true, value: 1 };
  if (side === 'sell') return { ok: true, value: 2 };
  return refuse(RejectCode.INVALID_SIDE, `side must be "buy" or "sell", got ${JSON.stringify(value)}`);
}

export function quantityLots(value: unknown, symbol: number, instruments: InstrumentTable): Validation<number> {
  const fast = fastUnits(value, instruments.at(symbol).lot);
  if (fast !== null) {
    if (!fast.ok) return refuse(RejectCode.OFF_LOT, `quantity is not a multiple of the lot size ${instruments.at(symbol).spec.lot_size}`);
    if (fast.units <= 0) return refuse(RejectCode.INVALID_QUANTITY, 'quantity must be greater than zero');
    return { ok: true, value: fast.units };
  }
  const decimal = numberField(value, 'quantity', RejectCode.INVALID_QUANTITY);
  if (!decimal.ok) return decimal;
  if (decimal.value.mantissa <= 0n) return refuse(RejectCode.INVALID_QUANTITY, 'quantity must be greater than zero');
  const lots = instruments.qtyToLots(symbol, decimal.value);
  if (!lots.ok) {
    return lots.error === 'off_grid'
      ? refuse(RejectCode.OFF_LOT, `quantity is not a multiple of the lot size ${instruments.at(symbol).spec.lot_size}`)
      : refuse(RejectCode.VALUE_OUT_OF_RANGE, 'quantity is too large');
  }
  return { ok: true, value: lots.units };
}

export function priceTicks(value: unknown, field: string, symbol: number, instruments: InstrumentTable, on_grid = true): Validation<number> {
  const fast = fastUnits(value, instruments.at(symbol).tick);
  if (fast !== null && fast.ok) {
    if (fast.units <= 0) return refuse(RejectCode.INVALID_PRICE, `${field} must be greater than zero`);
    return { ok: true, value: fast.units };
  }
  if (fast !== null && on_grid) {
    return refuse(RejectCode.OFF_TICK, `${field} is not a multiple of the tick size ${instruments.at(symbol).spec.tick_size}`);
  }
  const decimal = numberField(value, field, RejectCode.INVALID_PRICE);
  if (!decimal.ok) return decimal;
  if (decimal.value.mantissa <= 0n) return refuse(RejectCode.INVALID_PRICE, `${field} must be greater than zero`);
  const ticks = instruments.priceToTicks(symbol, decimal.value);
  if (!ticks.ok) {
    if (ticks.error === 'out_of_range') return refuse(RejectCode.VALUE_OUT_OF_RANGE, `${field} is too large`);
    if (on_grid) return refuse(RejectCode.OFF_TICK, `${field} is not a multiple of the tick size ${instruments.at(symbol).spec.tick_size}`);
    return { ok: true, value: 0 };
  }
  return { ok: true, value: ticks.units };
}

/**
 * The BigInt-free conversion for a finite JSON number or a plain decimal string; null when
 * it cannot decide (malformed, too many digits, huge), and the exact path below answers.
 */
function fastUnits(value: unknown, unit: Parameters<typeof toUnitsFast>[1]) {
  if (typeof value === 'number') return Number.isFinite(value) ? toUnitsFast(String(value), unit) : null;
  if (typeof value === 'string') return toUnitsFast(value.trim(), unit);
  return null;
}

function numberField(value: unknown, field: string, invalid: RejectCode) {
  if (typeof value !== 'number' && typeof value !== 'string') {
    return refuse(RejectCode.INVALID_FIELD_TYPE, `${field} must be a number or a decimal string`);
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return refuse(invalid, `${field} must be a finite number`);
  const decimal = decimalOf(value);
  if (decimal === undefined) return refuse(invalid, `${field} is not a decimal number: ${JSON.stringify(value)}`);
  return { ok: true as const, value: decimal };
}

function enumField(value: unknown, table: Record<string, number>, field: string, invalid: RejectCode): Validation<number> {
  if (typeof value !== 'string') return refuse(RejectCode.INVALID_FIELD_TYPE, `${field} must be a string`);
  const found = table[value.toUpperCase()];
  if (found === undefined) return refuse(invalid, `${field} must be one of ${Object.keys(table).join(', ')}, got ${JSON.stringify(value)}`);
  return { ok: true, value: found };
}

function optionalBoolean(o: Record<string, unknown>, field: string): Validation<boolean> {
  const value = o[field];
  if (value === undefined || value === null) return { ok: true, value: false };
  if (typeof value !== 'boolean') return refuse(RejectCode.INVALID_FIELD_TYPE, `${field} must be true or false`);
  return { ok: true, value };
}

function optionalString(o: Record<string, unknown>, field: string): Validation<string | null> {
  const value = o[field];
  if (value === undefined || value === null) return { ok: true, value: null };
  if (typeof value !== 'string') return refuse(RejectCode.INVALID_FIELD_TYPE, `${field} must be a string`);
  return { ok: true, value };
}

export function clientOrderId(value: unknown): Validation<string | null> {
  if (value === undefined || value === null) return { ok: true, value: null };
  if (typeof value !== 'string') return refuse(RejectCode.INVALID_FIELD_TYPE, 'client_order_id must be a string');
  if (!CLIENT_ORDER_ID_PATTERN.test(value) || value.length > CLIENT_ORDER_ID_MAX_BYTES) {
    return refuse(RejectCode.INVALID_CLIENT_ORDER_ID, 'client_order_id must be 1 to 40 printable ASCII characters without spaces');
  }
  return { ok: true, value };
}

function expireTime(value: unknown): Validation<number> {
  if (value === undefined || value === null) return refuse(RejectCode.INVALID_EXPIRE_TIME, 'GTD orders need expire_time');
  let ms: number;
  if (typeof value === 'number') ms = value;
  else if (typeof value === 'string') ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  else return refuse(RejectCode.INVALID_FIELD_TYPE, 'expire_time must be epoch milliseconds or an ISO-8601 string');
  if (!Number.isSafeInteger(ms) || ms <= 0) return refuse(RejectCode.INVALID_EXPIRE_TIME, 'expire_time is not a valid time');
  return { ok: true, value: ms };
}

/** Whether the body carries `field` (null counts as absent). */
function sent(o: Record<string, unknown>, field: string): boolean {
  return o[field] !== undefined && o[field] !== null;
}

/**
 * The order type's name, for a refusal's reason. Asked for only on the way to a refusal:
 * computed eagerly, with a closure, it was about 1 KB of the io thread's garbage per
 * accepted HTTP order (bench/README.md, "Tenth pass").
 */
function typeName(order_type: number): string {
  return nameOf(OrderType, order_type);
}

function nameOf(table: Record<string, number>, value: number): string {
  return Object.keys(table).find((k) => table[k] === value) ?? String(value);
}
