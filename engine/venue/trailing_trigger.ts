/**
 * The arithmetic of a trailing trigger, in integer ticks, for the venue's hot path.
 *
 * A sell trailing stop (it protects a long) keeps its trigger `offset` below the highest
 * last price seen since it was placed; a buy trailing stop keeps it `offset` above the
 * lowest. The trigger only ever moves towards the market, never back: this is the FIX
 * trailing-stop peg (OrdType P, ExecInst `a`) with PegOffsetValue (211) = -offset for a
 * sell and +offset for a buy, PegOffsetType (836) price or basis points.
 *
 * With a basis-point offset the trailed price is rounded away from the market (down for a
 * sell, up for a buy) onto the tick grid, so the order never fires earlier than its offset
 * says. Products stay below 2^53 (a price in ticks below 2^39 times 10^4), so every step
 * is exact in doubles.
 *
 * `moveThreshold` lets the venue keep trailing orders in a heap: it is the last price at
 * which the trigger would move at all (a sell's at or above it, a buy's at or below), so a
 * mark update looks only at the orders whose trigger actually moves, never at all of them.
 */
import { Side, TrailingOffsetType } from '../protocol/enums.js';

const BPS = 10_000;

/** Where the trigger would be for this last price (before the never-back rule). */
export function trailedTrigger(side: number, offset_type: number, offset: number, last_ticks: number): number {
  if (offset_type === TrailingOffsetType.PRICE) return side === Side.BUY ? last_ticks + offset : last_ticks - offset;
  return side === Side.BUY ? Math.ceil((last_ticks * (BPS + offset)) / BPS) : Math.floor((last_ticks * (BPS - offset)) / BPS);
}

/**
 * The last price at which the trigger first moves: for a sell the smallest L with
 * trailedTrigger(L) > trigger, for a buy the largest L with trailedTrigger(L) < trigger.
 */
export function moveThreshold(side: number, offset_type: number, offset: number, trigger_ticks: number): number {
  if (offset_type === TrailingOffsetType.PRICE) return side === Side.BUY ? trigger_ticks - offset - 1 : trigger_ticks + offset + 1;
  if (side === Side.BUY) {
    let l = Math.floor(((trigger_ticks - 1) * BPS) / (BPS + offset));
    // The division is rounded; settle on the exact integer either way (one step at most).
    while (trailedTrigger(side, offset_type, offset, l + 1) < trigger_ticks) l++;
    while (l > 0 && trailedTrigger(side, offset_type, offset, l) >= trigger_ticks) l--;
    return l;
  }
  let l = Math.ceil(((trigger_ticks + 1) * BPS) / (BPS - offset));
  while (trailedTrigger(side, offset_type, offset, l - 1) > trigger_ticks) l--;
  while (trailedTrigger(side, offset_type, offset, l) <= trigger_ticks) l++;
  return l;
}
