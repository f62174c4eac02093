/**
 * Where working orders execute. The engine owns order state; a venue only decides when
 * and at what price orders fill, and reports that through the ExecutionSink the engine
 * gives it. The embedded SimulatedVenue fills against the mark table; an adapter for a
 * real venue (over NATS) implements the same interface by forwarding `work` as a
 * new-order message and calling the sink when execution reports come back on a ring.
 *
 * A venue must never emit more events than the sink has room for (`canEmit`), and must
 * be able to resume later (`hasPendingWork`) when it stops for lack of room.
 */
import { LIST_ORDERS_MAX } from '../protocol/order_list_rules.js';

export interface ExecutionSink {
  /** True if `events` more events fit on the event ring now. */
  canEmit(events: number): boolean;
  /** The order traded `qty_lots` at `price_ticks`. */
  fill(slot: number, qty_lots: number, price_ticks: number): void;
  /** A stop order's trigger was reached: it now works as MARKET (stop) or LIMIT (stop-limit). */
  trigger(slot: number, ref_price_ticks: number): void;
  /** A trailing order's trigger followed the market to `trigger_ticks` (the engine derives a stop-limit's limit price). */
  moveTrigger(slot: number, trigger_ticks: number): void;
  /** The order's time in force ended its life (IOC remainder, FOK not fillable). */
  expire(slot: number, reason: number): void;
}

export interface Venue {
  /** A newly working order (accepted, replaced or triggered): execute what is marketable now, rest the rest. */
  work(slot: number): void;
  /** Marks moved for some symbols (MarkCache.changed): re-check resting orders. Returns events emitted. */
  onMarks(): number;
  /** Resting work left over because the event ring was full. */
  hasPendingWork(): boolean;
  /** After recovery: rest every open order again, executing nothing. */
  rebuild(): void;
  /** A symbol was halted or resumed. */
  onHaltChanged(symbol: number): void;
}

/**
 * The most events one `work` call can emit: trigger, fill, expire, and what a fill or an
 * expiry of a list member causes in its list (a cancel or an update of each other member).
 */
export const MAX_EVENTS_PER_WORK = 3 + LIST_ORDERS_MAX - 1;
