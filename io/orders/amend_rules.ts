/**
 * What a cancel/replace may change, by the kind of order it amends: a price only where
 * the order has a limit price (LIMIT, STOP_LIMIT), a stop price only on a stop that has
 * not triggered yet. Refused at the edge so an amendment is never silently half-applied.
 */
import { OrderType } from '../../engine/protocol/enums.js';
import { RejectCode } from '../../engine/protocol/reject_codes.js';
import { Refusal } from './order_validation.js';

export function amendRefusal(order_type: number, triggered: boolean, has_price: boolean, has_stop: boolean): Refusal | null {
  if (has_price && order_type !== OrderType.LIMIT && order_type !== OrderType.STOP_LIMIT) {
    return { code: RejectCode.INVALID_PRICE, reason: 'only LIMIT and STOP_LIMIT orders have a price to amend' };
  }
  const is_stop = order_type === OrderType.STOP || order_type === OrderType.STOP_LIMIT;
  if (has_stop && (!is_stop || triggered)) {
    return { code: RejectCode.INVALID_PRICE, reason: 'only a stop order that has not triggered has a stop_price to amend' };
  }
  return null;
}
