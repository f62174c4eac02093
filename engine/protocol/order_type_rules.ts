/**
 * What each OrderType means to the engine, in one place, so the venue, risk, the state and
 * both front ends agree. Integer compares only: these run in the hot loop.
 *
 * A triggered type waits for the last price to reach its trigger (`stop_price_ticks`), then
 * works as MARKET or LIMIT. Which way the market must move depends on the type and the side:
 *
 * | type                           | buy fires when   | sell fires when  |
 * |--------------------------------|------------------|------------------|
 * | STOP, STOP_LIMIT               | last >= trigger  | last <= trigger  |
 * | MARKET_IF_TOUCHED, LIMIT_IF_TOUCHED | last <= trigger | last >= trigger |
 * | TRAILING_STOP, TRAILING_STOP_LIMIT | last >= trigger | last <= trigger |
 *
 * A stop guards against an adverse move (buy above the market); an if-touched order takes a
 * favourable one (buy below the market), the mirror image. A trailing stop is a stop whose
 * trigger follows the market favourably (venue/trailing_trigger.ts); a trailing stop-limit's
 * limit price is its trigger less (sell) or plus (buy) its limit offset, so it has a limit
 * price the engine keeps but the client does not send.
 */
import { OrderType, Side } from './enums.js';

/** Waits for a trigger before it works (until `triggered` is set). */
export function isTriggerType(order_type: number): boolean {
  return order_type >= OrderType.STOP && order_type <= OrderType.TRAILING_STOP_LIMIT;
}

/** The trigger follows the market until it fires. */
export function isTrailing(order_type: number): boolean {
  return order_type === OrderType.TRAILING_STOP || order_type === OrderType.TRAILING_STOP_LIMIT;
}

/** Carries a limit price (`price_ticks`), before and after any trigger. */
export function hasLimitPrice(order_type: number): boolean {
  return order_type === OrderType.LIMIT || order_type === OrderType.STOP_LIMIT || order_type === OrderType.LIMIT_IF_TOUCHED
    || order_type === OrderType.TRAILING_STOP_LIMIT;
}

/** The client sends a `price` (a trailing stop-limit's is derived from its trigger instead). */
export function takesPrice(order_type: number): boolean {
  return hasLimitPrice(order_type) && order_type !== OrderType.TRAILING_STOP_LIMIT;
}

/** The limit price of a trailing stop-limit with this trigger: below it for a sell, above for a buy. */
export function trailingLimitPrice(side: number, trigger_ticks: number, limit_offset_ticks: number): number {
  return side === Side.BUY ? trigger_ticks + limit_offset_ticks : trigger_ticks - limit_offset_ticks;
}

/** True: fires when last >= trigger; false: when last <= trigger (the table above). */
export function triggersOnRise(order_type: number, side: number): boolean {
  const touched = order_type === OrderType.MARKET_IF_TOUCHED || order_type === OrderType.LIMIT_IF_TOUCHED;
  return (side === Side.BUY) !== touched;
}

/** What a triggered order works as: LIMIT if it has a limit price, else MARKET. */
export function triggeredType(order_type: number): number {
  return hasLimitPrice(order_type) ? OrderType.LIMIT : OrderType.MARKET;
}
