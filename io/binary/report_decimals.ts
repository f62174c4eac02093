/**
 * Turning the engine's integers (ticks, lots, fill notional) into wire decimals for an
 * ExecutionReport, without BigInt when the numbers allow it (they nearly always do).
 *
 * Average price: the engine keeps fill_notional = sum(fill lots * fill ticks), so the
 * average in ticks is fill_notional / filled_lots, a ratio that need not terminate. On
 * the wire it is rounded half-up to AVERAGE_PRICE_DECIMALS decimal places (or to the
 * tick's own number of decimals if that is more), then trailing zeros are dropped.
 */
import type { Decimal } from '../../engine/reference/decimal.js';
import type { DecimalInput } from './decimal_schema.js';

export const AVERAGE_PRICE_DECIMALS = 8;

/** A mutable decimal the io thread can keep per field and refill for every report. */
export interface MutableDecimal {
  mantissa: bigint | number;
  scale: number;
}

/** `units * unit` (ticks * tick size, lots * lot size) as a wire decimal, written into `into`. */
export function unitsToDecimal(units: number, unit: Decimal, into: MutableDecimal = { mantissa: 0, scale: 0 }): MutableDecimal {
  if (!Number.isSafeInteger(units)) throw new RangeError(`units must be a safe integer, got ${units}`);
  const unit_mantissa = Number(unit.mantissa);
  const product = units * unit_mantissa;
  into.mantissa = Number.isSafeInteger(product) ? product : BigInt(units) * unit.mantissa;
  into.scale = unit.scale;
  return into;
}

/**
 * The average fill price as a wire decimal: (fill_notional / filled_qty_lots) ticks,
 * rounded half-up to max(AVERAGE_PRICE_DECIMALS, tick.scale) decimals. Zero when nothing
 * has filled.
 */
export function averagePriceDecimal(
  fill_notional: number,
  filled_qty_lots: number,
  tick: Decimal,
  into: MutableDecimal = { mantissa: 0, scale: 0 },
): MutableDecimal {
  if (filled_qty_lots === 0) {
    into.mantissa = 0;
    into.scale = 0;
    return into;
  }
  if (!Number.isSafeInteger(fill_notional) || !Number.isSafeInteger(filled_qty_lots) || filled_qty_lots < 0) {
    throw new RangeError('fill_notional and filled_qty_lots must be safe integers, filled_qty_lots >= 0');
  }
  const scale = Math.max(AVERAGE_PRICE_DECIMALS, tick.scale);
  const numerator_factor = Number(tick.mantissa) * 10 ** (scale - tick.scale);
  const numerator = fill_notional * numerator_factor;
  let mantissa: number | bigint;
  if (Number.isSafeInteger(numerator_factor) && Number.isSafeInteger(numerator)) {
    const quotient = Math.floor(numerator / filled_qty_lots);
    const remainder = numerator - quotient * filled_qty_lots;
    mantissa = 2 * remainder >= filled_qty_lots ? quotient + 1 : quotient;
  } else {
    const n = BigInt(fill_notional) * tick.mantissa * 10n ** BigInt(scale - tick.scale);
    const d = BigInt(filled_qty_lots);
    const q = n / d;
    mantissa = 2n * (n - q * d) >= d ? q + 1n : q;
  }
  let s = scale;
  if (typeof mantissa === 'number') {
    while (s > 0 && mantissa % 10 === 0) { mantissa /= 10; s--; }
  } else {
    while (s > 0 && mantissa % 10n === 0n) { mantissa /= 10n; s--; }
  }
  into.mantissa = mantissa;
  into.scale = s;
  return into;
}

/** Normalizes a wire decimal to the engine's Decimal (BigInt mantissa). */
export function toDecimal(value: DecimalInput): Decimal {
  return { mantissa: BigInt(value.mantissa), scale: value.scale };
}
