/**
 * A decoded new order's decimals turned into what the engine carries, on the symbol's
 * grid: lots, ticks and, for a trailing order, its offsets. Shared by NewOrder,
 * NewTrailingOrder and each ListOrder of a list, so a member is refused for exactly what
 * the same order sent alone would be (UNKNOWN_SYMBOL, OFF_LOT, OFF_TICK, VALUE_OUT_OF_RANGE,
 * INVALID_TRAILING_OFFSET), with the same reason. Pure: the caller sends the Reject.
 */
import { TrailingOffsetType } from '../../engine/protocol/enums.js';
import { RejectCode } from '../../engine/protocol/reject_codes.js';
import type { OrderTerms } from '../../engine/protocol/command_writer.js';
import type { Decimal } from '../../engine/reference/decimal.js';
import type { InstrumentTable } from '../../engine/reference/instruments.js';

/** The engine carries trailing offsets as i32 (event_layout.ts). */
const OFFSET_MAX = 2 ** 31 - 1;

export type EntryTerms = Pick<OrderTerms,
  'symbol' | 'qty_lots' | 'price_ticks' | 'stop_price_ticks' | 'trailing_offset_type' | 'trailing_offset' | 'limit_offset_ticks'>;

/** Why an order's terms do not fit its symbol; a class so that `instanceof` tells it from terms. */
export class TermsFault {
  constructor(readonly code: RejectCode, readonly reason: string) {}
}

interface PlainOrder {
  readonly symbol: string;
  readonly quantity: Decimal;
  readonly price: Decimal | undefined;
  readonly stop_price: Decimal | undefined;
}

interface TrailingOrder {
  readonly symbol: string;
  readonly quantity: Decimal;
  readonly trailing_offset: Decimal;
  readonly trailing_offset_type: number;
  readonly limit_offset: Decimal | undefined;
}

type Conversion = { ok: true; units: number } | { ok: false; error: string };

/**
 * Units, or -1 with `fault` set: a conversion's error as the Reject the order gets. One for
 * the module: conversions run to completion on the io thread, so none can interleave.
 */
class Converter {
  fault: TermsFault | null = null;

  units(conversion: Conversion, off_grid: RejectCode, field: string): number {
    if (conversion.ok) return conversion.units;
    this.fault = conversion.error === 'off_grid'
      ? new TermsFault(off_grid, `${field} is off the symbol's grid`)
      : new TermsFault(RejectCode.VALUE_OUT_OF_RANGE, `${field} is too large`);
    return -1;
  }
}

const converter = new Converter();

/** The symbol's index, or -1 with `c.fault` set (no object per order: this is the io thread's hot path). */
function symbolIndex(instruments: InstrumentTable, m: { symbol: string }, c: Converter): number {
  const symbol = instruments.indexOf(m.symbol.toUpperCase());
  if (symbol < 0) c.fault = new TermsFault(RejectCode.UNKNOWN_SYMBOL, `unknown symbol ${m.symbol}`);
  return symbol;
}

/** A market, limit, stop or if-touched order: quantity, price and stop price on the grid. */
export function plainOrderTerms(instruments: InstrumentTable, m: PlainOrder): EntryTerms | TermsFault {
  const c = converter;
  const symbol = symbolIndex(instruments, m, c);
  if (symbol < 0) return c.fault!;
  const qty = c.units(instruments.qtyToLots(symbol, m.quantity), RejectCode.OFF_LOT, 'quantity');
  if (qty < 0) return c.fault!;
  const price = m.price === undefined ? 0 : c.units(instruments.priceToTicks(symbol, m.price), RejectCode.OFF_TICK, 'price');
  if (price < 0) return c.fault!;
  const stop = m.stop_price === undefined ? 0 : c.units(instruments.priceToTicks(symbol, m.stop_price), RejectCode.OFF_TICK, 'stop_price');
  if (stop < 0) return c.fault!;
  // Every field, trailing ones at 0: terms of one shape whichever template sent them.
  return { symbol, qty_lots: qty, price_ticks: price, stop_price_ticks: stop, trailing_offset_type: 0, trailing_offset: 0, limit_offset_ticks: 0 };
}

/** What a decoded order says besides its terms (NewOrder, NewTrailingOrder, ListOrder). */
interface OrderInstructions {
  readonly side: number;
  readonly order_type: number;
  readonly time_in_force: number;
  readonly client_order_id: string;
  readonly exec_inst: number;
}

/**
 * The engine command for an order, as one object literal of a fixed shape, field by field.
 * Not `{ ...terms, ... }`: the spread took V8's generic object-clone path and then added a
 * dozen properties one by one, about a quarter of the io thread's time at WebSocket
 * saturation (CPU profile in bench/README.md, fourth pass).
 */
export function orderCommand(terms: EntryTerms, m: OrderInstructions, request_id: number, account: number,
  expire_at_ms: number, session_id: number): OrderTerms {
  return {
    request_id, account, symbol: terms.symbol, side: m.side, order_type: m.order_type, time_in_force: m.time_in_force,
    qty_lots: terms.qty_lots, price_ticks: terms.price_ticks, stop_price_ticks: terms.stop_price_ticks, expire_at_ms,
    session_id, client_order_id: m.client_order_id, exec_inst: m.exec_inst,
    trailing_offset_type: terms.trailing_offset_type ?? 0, trailing_offset: terms.trailing_offset ?? 0,
    limit_offset_ticks: terms.limit_offset_ticks ?? 0,
  };
}

/**
 * A trailing stop: a PRICE offset and the limit offset in ticks on the symbol's grid, a
 * BASIS_POINTS offset as the whole number the decoder already checked. `trigger_field`
 * names the start trigger as the template calls it (NewTrailingOrder's trigger_price,
 * ListOrder's stop_price).
 */
export function trailingOrderTerms(instruments: InstrumentTable, m: TrailingOrder, trigger: Decimal | undefined,
  trigger_field: string): EntryTerms | TermsFault {
  const c = converter;
  const symbol = symbolIndex(instruments, m, c);
  if (symbol < 0) return c.fault!;
  const qty = c.units(instruments.qtyToLots(symbol, m.quantity), RejectCode.OFF_LOT, 'quantity');
  if (qty < 0) return c.fault!;
  const stop = trigger === undefined ? 0 : c.units(instruments.priceToTicks(symbol, trigger), RejectCode.OFF_TICK, trigger_field);
  if (stop < 0) return c.fault!;
  const offset = m.trailing_offset_type === TrailingOffsetType.PRICE
    ? c.units(instruments.priceToTicks(symbol, m.trailing_offset), RejectCode.OFF_TICK, 'trailing_offset')
    : Number(m.trailing_offset.mantissa / 10n ** BigInt(m.trailing_offset.scale));
  if (offset < 0) return c.fault!;
  const limit_offset = m.limit_offset === undefined || m.limit_offset.mantissa === 0n ? 0
    : c.units(instruments.priceToTicks(symbol, m.limit_offset), RejectCode.OFF_TICK, 'limit_offset');
  if (limit_offset < 0) return c.fault!;
  if (offset > OFFSET_MAX || limit_offset > OFFSET_MAX) {
    return new TermsFault(RejectCode.INVALID_TRAILING_OFFSET, 'trailing_offset or limit_offset is too large');
  }
  return {
    symbol, qty_lots: qty, price_ticks: 0, stop_price_ticks: stop,
    trailing_offset_type: m.trailing_offset_type, trailing_offset: offset, limit_offset_ticks: limit_offset,
  };
}
