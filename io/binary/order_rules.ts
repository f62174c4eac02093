/**
 * Cross-field rules of NewOrder, NewTrailingOrder, ListOrder, NewOrderList and Replace: which prices an order type carries, and
 * when an expire time is allowed. They run on the decoded message after every field has
 * passed its own check. Faults are preallocated: a refusal here allocates nothing.
 */
import { OrderType, TimeInForce, TrailingOffsetType } from '../../engine/protocol/enums.js';
import { RejectCode } from '../../engine/protocol/reject_codes.js';
import type { Decimal } from '../../engine/reference/decimal.js';
import { disallowedExecInst } from '../../engine/protocol/exec_inst_rules.js';
import { isTrailing, isTriggerType, takesPrice } from '../../engine/protocol/order_type_rules.js';
import { listSizeAllowed } from '../../engine/protocol/order_list_rules.js';
import type { FieldFault } from './field_schema.js';

interface OrderTerms {
  readonly order_type: number;
  readonly time_in_force: number;
  readonly exec_inst: number;
  readonly expire_time_ms: number;
  readonly price: Decimal | undefined;
  readonly stop_price: Decimal | undefined;
}

interface TrailingOrderTerms {
  readonly order_type: number;
  readonly time_in_force: number;
  readonly exec_inst: number;
  readonly expire_time_ms: number;
  readonly trailing_offset: Decimal;
  readonly trailing_offset_type: number;
  readonly limit_offset: Decimal | undefined;
}

/** A list member: NewOrder's prices and NewTrailingOrder's trail, each present only where its type takes it. */
interface ListOrderTerms extends OrderTerms {
  readonly trailing_offset: Decimal | undefined;
  readonly trailing_offset_type: number;
  readonly limit_offset: Decimal | undefined;
}

interface OrderListTerms {
  readonly contingency: number;
  readonly member_count: number;
}

interface ReplaceTerms {
  readonly quantity: Decimal | undefined;
  readonly price: Decimal | undefined;
  readonly stop_price: Decimal | undefined;
}

function fault(code: RejectCode, reason: string): FieldFault {
  return Object.freeze({ code, reason });
}

const PRICE_REQUIRED = fault(RejectCode.PRICE_REQUIRED, 'limit, stop-limit and limit-if-touched orders need a price');
const PRICE_NOT_ALLOWED = fault(RejectCode.INVALID_PRICE, 'market, stop and market-if-touched orders must not carry a price (send it absent)');
const STOP_REQUIRED = fault(RejectCode.STOP_PRICE_REQUIRED, 'stop and stop-limit orders need a stop_price');
const TRIGGER_REQUIRED = fault(RejectCode.TRIGGER_PRICE_REQUIRED, 'market-if-touched and limit-if-touched orders need a stop_price (their trigger)');
const STOP_NOT_ALLOWED = fault(RejectCode.INVALID_PRICE, 'only stop, stop-limit and if-touched orders carry a stop_price (send it absent)');
const EXPIRE_REQUIRED = fault(RejectCode.INVALID_EXPIRE_TIME, 'GTD orders need expire_time_ms (epoch milliseconds)');
const EXPIRE_NOT_ALLOWED = fault(RejectCode.INVALID_EXPIRE_TIME, 'only GTD orders carry expire_time_ms (send 0)');
const POST_ONLY_NOT_ALLOWED = fault(RejectCode.POST_ONLY_NOT_ALLOWED, 'post-only (exec_inst 1) is only allowed on LIMIT orders with time_in_force DAY, GTC or GTD');
const TRAILING_ON_NEW_ORDER = fault(RejectCode.INVALID_ORDER_TYPE, 'trailing orders are sent as NewTrailingOrder (template 7), which carries the trail');
const NOT_TRAILING = fault(RejectCode.INVALID_ORDER_TYPE, 'NewTrailingOrder takes order_type 7 TRAILING_STOP or 8 TRAILING_STOP_LIMIT only');
const LIMIT_OFFSET_REQUIRED = fault(RejectCode.LIMIT_OFFSET_REQUIRED, 'TRAILING_STOP_LIMIT needs limit_offset (>= 0)');
const LIMIT_OFFSET_NOT_ALLOWED = fault(RejectCode.INVALID_TRAILING_OFFSET, 'only TRAILING_STOP_LIMIT carries limit_offset (send it absent)');
const BASIS_POINTS_NOT_WHOLE = fault(RejectCode.INVALID_TRAILING_OFFSET, 'a BASIS_POINTS trailing_offset must be a whole number from 1 to 9999');
const TRAIL_NOT_ALLOWED = fault(RejectCode.INVALID_TRAILING_OFFSET, 'only trailing types carry trailing_offset, limit_offset and a trailing_offset_type (send them absent, type 0)');
const TRAIL_REQUIRED = fault(RejectCode.INVALID_TRAILING_OFFSET, 'a trailing order needs trailing_offset and a trailing_offset_type');
const TRAILING_PRICE_NOT_ALLOWED = fault(RejectCode.INVALID_PRICE, 'a trailing order carries no price: its limit follows the trigger by limit_offset (send it absent)');
const LIST_SIZE = fault(RejectCode.INVALID_ORDER_LIST, 'member_count: OCO and OUO take 2 orders, OTO a parent and 1 to 3 children, BRACKET 3 (entry, take-profit, stop-loss)');
const NOTHING_TO_AMEND = fault(RejectCode.NOTHING_TO_AMEND, 'a replace must change the quantity, the price or the stop price');

/** Every fault the rules can give, for the test that pins PROTOCOL.md's code table. */
export const ORDER_RULE_FAULTS: readonly FieldFault[] = [
  PRICE_REQUIRED, PRICE_NOT_ALLOWED, STOP_REQUIRED, TRIGGER_REQUIRED, STOP_NOT_ALLOWED, EXPIRE_REQUIRED, EXPIRE_NOT_ALLOWED, POST_ONLY_NOT_ALLOWED,
  NOTHING_TO_AMEND, TRAILING_ON_NEW_ORDER, NOT_TRAILING, LIMIT_OFFSET_REQUIRED, LIMIT_OFFSET_NOT_ALLOWED, BASIS_POINTS_NOT_WHOLE,
  TRAIL_NOT_ALLOWED, TRAIL_REQUIRED, TRAILING_PRICE_NOT_ALLOWED, LIST_SIZE,
];

export function newOrderRule(m: OrderTerms): FieldFault | undefined {
  const type = m.order_type;
  if (isTrailing(type)) return TRAILING_ON_NEW_ORDER;
  const needs_price = takesPrice(type);
  const needs_stop = isTriggerType(type);
  if (needs_price && m.price === undefined) return PRICE_REQUIRED;
  if (!needs_price && m.price !== undefined) return PRICE_NOT_ALLOWED;
  if (needs_stop && m.stop_price === undefined) {
    return type === OrderType.STOP || type === OrderType.STOP_LIMIT ? STOP_REQUIRED : TRIGGER_REQUIRED;
  }
  if (!needs_stop && m.stop_price !== undefined) return STOP_NOT_ALLOWED;
  const gtd = m.time_in_force === TimeInForce.GTD;
  if (gtd && m.expire_time_ms === 0) return EXPIRE_REQUIRED;
  if (!gtd && m.expire_time_ms !== 0) return EXPIRE_NOT_ALLOWED;
  if (disallowedExecInst(m.exec_inst, type, m.time_in_force) !== 0) return POST_ONLY_NOT_ALLOWED;
  return undefined;
}

export function newTrailingOrderRule(m: TrailingOrderTerms): FieldFault | undefined {
  if (!isTrailing(m.order_type)) return NOT_TRAILING;
  const stop_limit = m.order_type === OrderType.TRAILING_STOP_LIMIT;
  if (stop_limit && m.limit_offset === undefined) return LIMIT_OFFSET_REQUIRED;
  if (!stop_limit && m.limit_offset !== undefined) return LIMIT_OFFSET_NOT_ALLOWED;
  if (m.trailing_offset_type === TrailingOffsetType.BASIS_POINTS) {
    const { mantissa, scale } = m.trailing_offset;
    // Whole basis points: any scale, as long as the value is an integer from 1 to 9999.
    const whole = scale === 0 ? mantissa : mantissa % 10n ** BigInt(scale) === 0n ? mantissa / 10n ** BigInt(scale) : -1n;
    if (whole < 1n || whole > 9_999n) return BASIS_POINTS_NOT_WHOLE;
  }
  const gtd = m.time_in_force === TimeInForce.GTD;
  if (gtd && m.expire_time_ms === 0) return EXPIRE_REQUIRED;
  if (!gtd && m.expire_time_ms !== 0) return EXPIRE_NOT_ALLOWED;
  if (disallowedExecInst(m.exec_inst, m.order_type, m.time_in_force) !== 0) return POST_ONLY_NOT_ALLOWED;
  return undefined;
}

/**
 * A ListOrder is judged as the template its type would take alone: a trailing type as a
 * NewTrailingOrder (its `stop_price` the start trigger), any other as a NewOrder with no trail.
 */
export function listOrderRule(m: ListOrderTerms): FieldFault | undefined {
  if (!isTrailing(m.order_type)) {
    if (m.trailing_offset !== undefined || m.limit_offset !== undefined || m.trailing_offset_type !== 0) return TRAIL_NOT_ALLOWED;
    return newOrderRule(m);
  }
  if (m.price !== undefined) return TRAILING_PRICE_NOT_ALLOWED;
  if (m.trailing_offset === undefined || m.trailing_offset_type === 0) return TRAIL_REQUIRED;
  // Checked present just above; a cast rather than a copy, so a refusal still allocates nothing.
  return newTrailingOrderRule(m as ListOrderTerms & { readonly trailing_offset: Decimal });
}

/** The list's size for its kind (order_list_rules.ts); the members' own rules are theirs. */
export function newOrderListRule(m: OrderListTerms): FieldFault | undefined {
  return listSizeAllowed(m.contingency, m.member_count) ? undefined : LIST_SIZE;
}

export function replaceRule(m: ReplaceTerms): FieldFault | undefined {
  if (m.quantity === undefined && m.price === undefined && m.stop_price === undefined) return NOTHING_TO_AMEND;
  return undefined;
}
