/**
 * What a cancel/replace may change, by the kind of order it amends: a price only where
 * the order has a limit price (LIMIT, STOP_LIMIT, LIMIT_IF_TOUCHED), a trigger (stop)
 * price only on a triggered type that has not triggered yet (on a trailing order it resets
 * where the trigger trails from). Refused at the edge so an amendment is never silently half-applied.
 */
import { isTriggerType, takesPrice } from '../../engine/protocol/order_type_rules.js';
import { RejectCode } from '../../engine/protocol/reject_codes.js';
import { Refusal } from './order_validation.js';

export function amendRefusal(order_type: number, triggered: boolean, has_price: boolean, has_stop: boolean): Refusal | null {
  if (has_price && !takesPrice(order_type)) {
    return { code: RejectCode.INVALID_PRICE, reason: 'only LIMIT, STOP_LIMIT and LIMIT_IF_TOUCHED orders have a price to amend (a trailing stop-limit\'s follows its trigger)' };
  }
  if (has_stop && (!isTriggerType(order_type) || triggered)) {
    return { code: RejectCode.INVALID_PRICE, reason: 'only a stop or if-touched order that has not triggered has a trigger_price (stop_price) to amend' };
  }
  return null;
}
