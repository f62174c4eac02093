/**
 * The order state machine: which status may follow which. The engine asserts every
 * transition it applies against this table, live and in replay.
 *
 * ```
 *   NEW ──► ACCEPTED ──► PARTIALLY_FILLED ──► FILLED
 *    │         │  │            │  │  │
 *    ▼         │  └──────┐     │  │  └──► CANCELED / REPLACED / EXPIRED
 *  REJECTED    └─────────┴─────┴──┴─────► CANCELED / REPLACED / EXPIRED / FILLED
 * ```
 *
 * ACCEPTED -> ACCEPTED is legal (a stop triggering changes no status); every final
 * status (FILLED, CANCELED, REPLACED, REJECTED, EXPIRED) has no successor.
 */
import { OrderStatus } from '../protocol/enums.js';

const STATUS_COUNT = 9;
const legal = new Uint8Array(STATUS_COUNT * STATUS_COUNT);

function allow(from: OrderStatus, ...to: OrderStatus[]): void {
  for (const next of to) legal[from * STATUS_COUNT + next] = 1;
}

allow(OrderStatus.NEW, OrderStatus.ACCEPTED, OrderStatus.REJECTED);
allow(OrderStatus.ACCEPTED, OrderStatus.ACCEPTED, OrderStatus.PARTIALLY_FILLED, OrderStatus.FILLED,
  OrderStatus.CANCELED, OrderStatus.REPLACED, OrderStatus.EXPIRED);
allow(OrderStatus.PARTIALLY_FILLED, OrderStatus.PARTIALLY_FILLED, OrderStatus.FILLED,
  OrderStatus.CANCELED, OrderStatus.REPLACED, OrderStatus.EXPIRED);

export function isLegalTransition(from: number, to: number): boolean {
  if (from <= 0 || from >= STATUS_COUNT || to <= 0 || to >= STATUS_COUNT) return false;
  return legal[from * STATUS_COUNT + to] === 1;
}

/** Status after a fill of an order that had `filled_after` of `qty` filled. */
export function statusAfterFill(filled_after: number, qty: number): OrderStatus {
  return filled_after >= qty ? OrderStatus.FILLED : OrderStatus.PARTIALLY_FILLED;
}
