/**
 * The instrument table: symbols interned to small integers at start-up, with the tick
 * and lot sizes that turn prices and quantities into exact integers.
 *
 * Units, used everywhere past the edge:
 *  - price in ticks:    price = ticks * tick_size
 *  - quantity in lots:  quantity = lots * lot_size
 *  - money in micros:   1e-6 of the quote currency. A fill's notional in micros is
 *    lots * ticks * notional_scale, where notional_scale = lot_size * tick_size * 1e6
 *    must be a whole number (asserted here), so notionals are exact integers too.
 *
 * All instruments share one quote currency (asserted): account-level money (credit,
 * PnL, loss limits) adds notionals across symbols without FX.
 */
import { Decimal, decimalOf, formatUnits, toUnits } from './decimal.js';

export interface InstrumentSpec {
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  readonly tick_size: string;
  readonly lot_size: string;
  /** Largest quantity one order may have, in base units. */
  readonly max_order_qty: string;
  /** Largest notional one order may have, in quote units. */
  readonly max_order_notional: string;
  /** Largest distance of a limit or stop price from the mark, in basis points (fat-finger collar). */
  readonly collar_bps: number;
  /** Starting mark for the simulated ticker. */
  readonly reference_price: string;
}

export interface Instrument {
  readonly index: number;
  readonly spec: InstrumentSpec;
  readonly tick: Decimal;
  readonly lot: Decimal;
  readonly notional_scale: number;
}

export const MICROS_PER_UNIT = 1_000_000;
export const MICRO: Decimal = { mantissa: 1n, scale: 6 };

export class InstrumentTable {
  readonly instruments: readonly Instrument[];
  readonly quote_currency: string;
  private readonly by_symbol = new Map<string, Instrument>();

  constructor(specs: readonly InstrumentSpec[]) {
    if (specs.length === 0) throw new Error('at least one instrument is required');
    const instruments: Instrument[] = [];
    for (const spec of specs) {
      if (!/^[A-Z0-9._-]{1,24}$/.test(spec.symbol)) throw new Error(`bad symbol name ${JSON.stringify(spec.symbol)}`);
      if (this.by_symbol.has(spec.symbol)) throw new Error(`symbol ${spec.symbol} listed twice`);
      const tick = positiveDecimal(spec.tick_size, `${spec.symbol}.tick_size`);
      const lot = positiveDecimal(spec.lot_size, `${spec.symbol}.lot_size`);
      const scale_micro = toUnits(
        { mantissa: tick.mantissa * lot.mantissa, scale: tick.scale + lot.scale },
        MICRO,
      );
      if (!scale_micro.ok || scale_micro.units < 1) {
        throw new Error(`${spec.symbol}: lot_size * tick_size must be a whole number of 1e-6 ${spec.quote}`);
      }
      if (!(spec.collar_bps > 0)) throw new Error(`${spec.symbol}.collar_bps must be > 0`);
      const instrument: Instrument = { index: instruments.length, spec, tick, lot, notional_scale: scale_micro.units };
      instruments.push(instrument);
      this.by_symbol.set(spec.symbol, instrument);
    }
    const quotes = new Set(specs.map((s) => s.quote));
    if (quotes.size !== 1) throw new Error(`all instruments must share one quote currency, got ${[...quotes].join(', ')}`);
    this.quote_currency = specs[0].quote;
    this.instruments = instruments;
  }

  get count(): number {
    return this.instruments.length;
  }

  /** Interned index of a symbol, or -1. */
  indexOf(symbol: string): number {
    return this.by_symbol.get(symbol)?.index ?? -1;
  }

  bySymbol(symbol: string): Instrument | undefined {
    return this.by_symbol.get(symbol);
  }

  at(index: number): Instrument {
    const found = this.instruments[index];
    if (found === undefined) throw new Error(`no instrument ${index}`);
    return found;
  }

  /** Price text or number -> ticks, refusing off-grid prices. */
  priceToTicks(index: number, price: Decimal) {
    return toUnits(price, this.at(index).tick);
  }

  qtyToLots(index: number, qty: Decimal) {
    return toUnits(qty, this.at(index).lot);
  }

  ticksToText(index: number, ticks: number): string {
    return formatUnits(ticks, this.at(index).tick);
  }

  lotsToText(index: number, lots: number): string {
    return formatUnits(lots, this.at(index).lot);
  }

  /** A decimal amount of the quote currency, in micros. */
  static moneyToMicros(amount: string, what: string): number {
    const conversion = toUnits(positiveOrZeroDecimal(amount, what), MICRO);
    if (!conversion.ok) throw new Error(`${what} must have at most 6 decimals and be a safe integer in micros`);
    return conversion.units;
  }
}

function positiveDecimal(text: string, what: string): Decimal {
  const value = decimalOf(text);
  if (value === undefined || value.mantissa <= 0n) throw new Error(`${what} must be a positive decimal, got ${text}`);
  return value;
}

function positiveOrZeroDecimal(text: string, what: string): Decimal {
  const value = decimalOf(text);
  if (value === undefined || value.mantissa < 0n) throw new Error(`${what} must be a decimal >= 0, got ${text}`);
  return value;
}

/** The demo market: the three symbols of the seed system, quoted in USDT. */
export const DEMO_INSTRUMENTS: readonly InstrumentSpec[] = [
  {
    symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT', tick_size: '0.01', lot_size: '0.0001',
    max_order_qty: '100', max_order_notional: '5000000', collar_bps: 1000, reference_price: '45000',
  },
  {
    symbol: 'ETHUSDT', base: 'ETH', quote: 'USDT', tick_size: '0.01', lot_size: '0.0001',
    max_order_qty: '2000', max_order_notional: '5000000', collar_bps: 1000, reference_price: '2500',
  },
  {
    symbol: 'SOLUSDT', base: 'SOL', quote: 'USDT', tick_size: '0.01', lot_size: '0.01',
    max_order_qty: '50000', max_order_notional: '5000000', collar_bps: 1000, reference_price: '100',
  },
];
