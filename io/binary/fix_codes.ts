/**
 * FIX ExecType (tag 150) and OrdStatus (tag 39) as they go on the wire: one ASCII
 * character each, closed `as const` sets. The engine speaks EventType and OrderStatus;
 * the two functions below are the one mapping from those to FIX, for the io layer.
 */
import { EventType, OrderStatus } from '../../engine/protocol/enums.js';

export const ExecType = {
  NEW: '0',
  CANCELED: '4',
  REPLACED: '5',
  REJECTED: '8',
  EXPIRED: 'C',
  TRADE: 'F',
  /** A stop or stop-limit order's trigger price was reached (FIX: "Triggered or Activated by System"). */
  TRIGGERED: 'L',
  /** The order's current state, answering an idempotent resend of its NewOrder (FIX: "Order Status"). */
  ORDER_STATUS: 'I',
} as const;
export type ExecType = (typeof ExecType)[keyof typeof ExecType];

export const OrdStatus = {
  NEW: '0',
  PARTIALLY_FILLED: '1',
  FILLED: '2',
  CANCELED: '4',
  REPLACED: '5',
  REJECTED: '8',
  EXPIRED: 'C',
} as const;
export type OrdStatus = (typeof OrdStatus)[keyof typeof OrdStatus];

/** The ExecType of an order event; undefined for events that are not about one order (admin events). */
export function execTypeOf(event_type: number): ExecType | undefined {
  switch (event_type) {
    case EventType.ACCEPTED: return ExecType.NEW;
    case EventType.REJECTED: return ExecType.REJECTED;
    case EventType.FILL: return ExecType.TRADE;
    case EventType.CANCELED: return ExecType.CANCELED;
    case EventType.REPLACED: return ExecType.REPLACED;
    case EventType.EXPIRED: return ExecType.EXPIRED;
    case EventType.TRIGGERED: return ExecType.TRIGGERED;
    default: return undefined;
  }
}

/** The OrdStatus of an engine OrderStatus; an order not yet accepted reports New. */
export function ordStatusOf(status: number): OrdStatus | undefined {
  switch (status) {
    case OrderStatus.NEW: return OrdStatus.NEW;
    case OrderStatus.ACCEPTED: return OrdStatus.NEW;
    case OrderStatus.PARTIALLY_FILLED: return OrdStatus.PARTIALLY_FILLED;
    case OrderStatus.FILLED: return OrdStatus.FILLED;
    case OrderStatus.CANCELED: return OrdStatus.CANCELED;
    case OrderStatus.REPLACED: return OrdStatus.REPLACED;
    case OrderStatus.REJECTED: return OrdStatus.REJECTED;
    case OrderStatus.EXPIRED: return OrdStatus.EXPIRED;
    default: return undefined;
  }
}
