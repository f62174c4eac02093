/**
 * Renders an order record as the JSON the HTTP API returns (seed-compatible field names,
 * FIX-minded content). Prices and quantities become exact decimals (the JSON number is
 * the double nearest the decimal, so 0.1 prints as 0.1); the average fill price is the
 * ratio of the fill notional to the filled quantity, rounded half-up to 8 decimals.
 */
import { ExecInst, ExecReason, OrderStatus, OrderType, Side, TimeInForce, TrailingOffsetType, nameOf } from '../../engine/protocol/enums.js';
import { rejectInfo } from '../../engine/protocol/reject_codes.js';
import { AccountTable } from '../../engine/reference/accounts.js';
import { Decimal, unitsToNumber } from '../../engine/reference/decimal.js';
import { averagePriceDecimal } from '../binary/report_decimals.js';
import { InstrumentTable } from '../../engine/reference/instruments.js';
import { OrderRecord } from '../../services/read_model/order_store.js';

export interface OrderJson {
  order_id: string;
  client_order_id: string;
  account: string;
  symbol: string;
  side: 'buy' | 'sell';
  order_type: string;
  time_in_force: string;
  quantity: number;
  price: number | null;
  stop_price: number | null;
  /** The trigger price now (stop, if-touched): the same value as stop_price, by its type-neutral name. */
  trigger_price: number | null;
  /** Trailing orders: the distance (price units or basis points, by trailing_offset_type) and a stop-limit's limit offset; null otherwise. */
  trailing_offset: number | null;
  trailing_offset_type: string | null;
  limit_offset: number | null;
  status: string;
  filled_quantity: number;
  remaining_quantity: number;
  average_fill_price: number | null;
  last_fill_quantity: number | null;
  last_fill_price: number | null;
  triggered: boolean;
  post_only: boolean;
  reduce_only: boolean;
  /** A reduce-only order accepted with its quantity trimmed to the position (quantity is what it works). */
  reduce_only_trimmed: boolean;
  expire_time: string | null;
  orig_order_id: string | null;
  replaced_by: string | null;
  /** The contingent order list the order belongs to (GET /order-lists/:id), or null. */
  list_id: string | null;
  /** The RejectCode number, its name and its reason, for REJECTED orders. */
  reject_code: number | null;
  reject_name: string | null;
  reject_reason: string | null;
  exec_reason: string | null;
  created_at: string;
  updated_at: string;
  sequence: number;
}

/** An order as the answer of its own route (POST, GET, PATCH, DELETE /orders): `success: true`, then the order. */
export interface OrderAnswerJson extends OrderJson {
  success: true;
  /** A resent order or replace, answered with the order it already made. */
  duplicate?: true;
  /** A reduce-only order trimmed to the position: the quantity it asked for. */
  requested_quantity?: number;
}

export class OrderRenderer {
  constructor(private readonly instruments: InstrumentTable, private readonly accounts: AccountTable) {}

  /** The order, as lists and refusals carry it. */
  render(r: OrderRecord): OrderJson {
    return this.build(r, undefined);
  }

  /**
   * The order as an answer of its own. Built as one object literal with `success` first,
   * not as `{ success: true, ...render(r) }`: the spread copied the 35 fields one by one
   * into a growing property store, about 2.2 KB of garbage and 0.8 µs per HTTP order
   * (bench/README.md, "Sixth pass").
   */
  answer(r: OrderRecord): OrderAnswerJson {
    return this.build(r, true) as OrderAnswerJson;
  }

  /** `success` undefined (render) is left out by JSON.stringify, so both shapes print as documented. */
  private build(r: OrderRecord, success: true | undefined): OrderJson & { success?: true } {
    const instrument = this.instruments.at(r.symbol);
    const lots = (units: number) => unitsToNumber(units, instrument.lot);
    const ticks = (units: number) => unitsToNumber(units, instrument.tick);
    const reject = r.reject_code !== 0 ? rejectInfo(r.reject_code) : null;
    return {
      success,
      order_id: String(r.order_id),
      client_order_id: r.client_order_id,
      account: this.accounts.nameOf(r.account),
      symbol: instrument.spec.symbol,
      side: r.side === Side.BUY ? 'buy' : 'sell',
      order_type: String(nameOf(OrderType, r.order_type)),
      time_in_force: String(nameOf(TimeInForce, r.time_in_force)),
      quantity: lots(r.qty_lots),
      price: r.price_ticks > 0 ? ticks(r.price_ticks) : null,
      stop_price: r.stop_price_ticks > 0 ? ticks(r.stop_price_ticks) : null,
      trigger_price: r.stop_price_ticks > 0 ? ticks(r.stop_price_ticks) : null,
      trailing_offset: r.trailing_offset_type === 0 ? null
        : r.trailing_offset_type === TrailingOffsetType.PRICE ? ticks(r.trailing_offset) : r.trailing_offset,
      trailing_offset_type: r.trailing_offset_type === 0 ? null : String(nameOf(TrailingOffsetType, r.trailing_offset_type)),
      // A fired trailing stop-limit works as LIMIT and keeps its terms.
      limit_offset: r.order_type === OrderType.TRAILING_STOP_LIMIT || (r.trailing_offset_type !== 0 && r.order_type === OrderType.LIMIT)
        ? ticks(r.limit_offset_ticks) : null,
      status: String(nameOf(OrderStatus, r.status)),
      filled_quantity: lots(r.filled_qty_lots),
      remaining_quantity: isOpen(r.status) ? lots(r.qty_lots - r.filled_qty_lots) : 0,
      average_fill_price: r.filled_qty_lots > 0 ? averagePrice(r.fill_notional, r.filled_qty_lots, instrument.tick) : null,
      last_fill_quantity: r.last_fill_qty_lots > 0 ? lots(r.last_fill_qty_lots) : null,
      last_fill_price: r.last_fill_price_ticks > 0 ? ticks(r.last_fill_price_ticks) : null,
      triggered: r.triggered !== 0,
      post_only: (r.exec_inst & ExecInst.POST_ONLY) !== 0,
      reduce_only: (r.exec_inst & ExecInst.REDUCE_ONLY) !== 0,
      reduce_only_trimmed: r.trimmed !== 0,
      expire_time: r.expire_at_ms > 0 ? new Date(r.expire_at_ms).toISOString() : null,
      orig_order_id: r.orig_order_id > 0 ? String(r.orig_order_id) : null,
      replaced_by: r.replaced_by > 0 ? String(r.replaced_by) : null,
      list_id: r.list_id > 0 ? String(r.list_id) : null,
      reject_code: reject === null ? null : reject.code,
      reject_name: reject === null ? null : reject.name,
      reject_reason: reject === null ? null : reject.reason,
      exec_reason: r.reason !== ExecReason.NONE ? String(nameOf(ExecReason, r.reason)) : null,
      created_at: isoFromMicros(r.created_us),
      updated_at: isoFromMicros(r.updated_us),
      sequence: r.last_seq,
    };
  }
}

/**
 * fill_notional / filled (in ticks) as a price, rounded half-up to 8 decimals: the same
 * rounding, by the same code, as the binary protocol's avg_px.
 */
function averagePrice(fill_notional: number, filled_lots: number, tick: Decimal): number {
  const average = averagePriceDecimal(fill_notional, filled_lots, tick);
  return Number(average.mantissa) / 10 ** average.scale;
}

function isOpen(status: number): boolean {
  return status === OrderStatus.ACCEPTED || status === OrderStatus.PARTIALLY_FILLED || status === OrderStatus.NEW;
}

/** ISO-8601 of an epoch-µs time. Orders answered together share their millisecond, so the last one is kept. */
let last_iso_ms = -1;
let last_iso = '';
function isoFromMicros(us: number): string {
  const ms = Math.floor(us / 1000);
  if (ms !== last_iso_ms) {
    last_iso_ms = ms;
    last_iso = new Date(ms).toISOString();
  }
  return last_iso;
}
