/**
 * Cross-field rules of NewOrder and Replace: which prices an order type carries, and
 * when an expire time is allowed. They run on the decoded message after every field has
 * passed its own check. Faults are preallocated: a refusal here allocates nothing.
 */
import { OrderType, TimeInForce } from '../../engine/protocol/enums.js';
import { RejectCode } from '../../engine/protocol/reject_codes.js';
import type { Decimal } from '../../engine/reference/decimal.js';
import { disallowedExecInst } from '../../engine/protocol/exec_inst_rules.js';
import { hasLimitPrice, isTriggerType } from '../../engine/protocol/order_type_rules.js';
import type { FieldFault } from './field_schema.js';

interface OrderTerms {
  readonly order_type: number;
  readonly time_in_force: number;
  readonly exec_inst: number;
  readonly expire_time_ms: number;
  readonly price: Decimal | undefined;
  readonly stop_price: Decimal | undefined;
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
const NOTHING_TO_AMEND = fault(RejectCode.NOTHING_TO_AMEND, 'a replace must change the quantity, the price or the stop price');

/** Every fault the rules can give, for the test that pins PROTOCOL.md's code table. */
export const ORDER_RULE_FAULTS: readonly FieldFault[] = [
  PRICE_REQUIRED, PRICE_NOT_ALLOWED, STOP_REQUIRED, TRIGGER_REQUIRED, STOP_NOT_ALLOWED, EXPIRE_REQUIRED, EXPIRE_NOT_ALLOWED, POST_ONLY_NOT_ALLOWED,
  NOTHING_TO_AMEND,
];

export function newOrderRule(m: OrderTerms): FieldFault | undefined {
  const type = m.order_type;
  const needs_price = hasLimitPrice(type);
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

export function replaceRule(m: ReplaceTerms): FieldFault | undefined {
  if (m.quantity === undefined && m.price === undefined && m.stop_price === undefined) return NOTHING_TO_AMEND;
  return undefined;
}
