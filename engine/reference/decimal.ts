/**
 * Exact decimal <-> integer-unit conversion for prices and quantities.
 *
 * The edge turns every price into ticks and every quantity into lots before the engine
 * sees it, so the engine adds and multiplies integers and positions never drift. A JSON
 * number is converted through its shortest round-trip string (`String(0.1) === "0.1"`),
 * which is exactly the decimal the client wrote, not the binary double nearest to it.
 *
 * All results stay within Number.MAX_SAFE_INTEGER; anything larger is refused rather than
 * rounded.
 */

/** value = mantissa * 10^-scale, mantissa an integer. */
export interface Decimal {
  readonly mantissa: bigint;
  readonly scale: number;
}

const DECIMAL_PATTERN = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Parses "45000.12", "-3", "1e-7", ".5"; returns undefined for anything else. */
export function parseDecimal(text: string): Decimal | undefined {
  if (text.length === 0 || text.length > 64) return undefined;
  const match = DECIMAL_PATTERN.exec(text);
  if (match === null) return undefined;
  const [, sign, int_part = '', frac_part = '', exp_part] = match;
  if (int_part.length === 0 && frac_part.length === 0) return undefined;
  const exponent = exp_part === undefined ? 0 : Number(exp_part);
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 40) return undefined;
  let mantissa = BigInt((int_part + frac_part) || '0');
  if (sign === '-') mantissa = -mantissa;
  let scale = frac_part.length - exponent;
  if (scale < 0) {
    mantissa *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return normalize({ mantissa, scale });
}

/** Parses a JSON number or a decimal string. */
export function decimalOf(value: number | string): Decimal | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    return parseDecimal(String(value));
  }
  if (typeof value === 'string') return parseDecimal(value.trim());
  return undefined;
}

export type UnitConversion =
  | { readonly ok: true; readonly units: number }
  | { readonly ok: false; readonly error: 'off_grid' | 'out_of_range' };

/** How many whole `unit`s make `value`; refuses values that are not on the unit grid. */
export function toUnits(value: Decimal, unit: Decimal): UnitConversion {
  // Number() of a BigInt beyond 2^53 rounds to a value that is not a safe integer, so a
  // safe result here is the exact mantissa.
  const small = Number(value.mantissa);
  if (Number.isSafeInteger(small)) {
    const fast = smallDecimalToUnits(small, value.scale, unit);
    if (fast !== null) return fast;
  }
  return toUnitsExact(value, unit);
}

/** toUnits in BigInt arithmetic only: exact for any input (the reference for the fast paths). */
export function toUnitsExact(value: Decimal, unit: Decimal): UnitConversion {
  // value / unit = (vm * 10^us) / (um * 10^vs)
  const numerator = value.mantissa * 10n ** BigInt(unit.scale);
  const denominator = unit.mantissa * 10n ** BigInt(value.scale);
  if (numerator % denominator !== 0n) return { ok: false, error: 'off_grid' };
  const units = numerator / denominator;
  if (units > BigInt(Number.MAX_SAFE_INTEGER) || units < -BigInt(Number.MAX_SAFE_INTEGER)) {
    return { ok: false, error: 'out_of_range' };
  }
  return { ok: true, units: Number(units) };
}

/** Renders `units * unit` as a plain decimal string without exponent or trailing zeros. */
export function formatUnits(units: number, unit: Decimal): string {
  if (!Number.isSafeInteger(units)) throw new Error(`formatUnits needs a safe integer, got ${units}`);
  return formatDecimal(normalize({ mantissa: BigInt(units) * unit.mantissa, scale: unit.scale }));
}

/**
 * Renders `numerator / denominator * unit` (for average prices), truncated to `max_decimals`
 * decimals beyond the unit's own: an average of 0.01-tick prices keeps 2 + max_decimals.
 */
export function formatRatio(numerator: number, denominator: number, unit: Decimal, max_decimals = 12): string {
  if (denominator === 0) return '0';
  const scaled = (BigInt(numerator) * unit.mantissa * 10n ** BigInt(max_decimals)) / BigInt(denominator);
  return formatDecimal(normalize({ mantissa: scaled, scale: unit.scale + max_decimals }));
}

export function formatDecimal(value: Decimal): string {
  const negative = value.mantissa < 0n;
  let digits = (negative ? -value.mantissa : value.mantissa).toString();
  if (value.scale > 0) {
    digits = digits.padStart(value.scale + 1, '0');
    const cut = digits.length - value.scale;
    digits = `${digits.slice(0, cut)}.${digits.slice(cut)}`;
  }
  return negative ? `-${digits}` : digits;
}

/** Removes trailing zeros from the fraction. */
export function normalize(value: Decimal): Decimal {
  let { mantissa, scale } = value;
  while (scale > 0 && mantissa % 10n === 0n) {
    mantissa /= 10n;
    scale--;
  }
  return { mantissa, scale };
}

export function decimalToNumber(value: Decimal): number {
  return Number(formatDecimal(value));
}

// ---- Fast paths (no BigInt) for the edge's hot path ------------------------------------
// The io thread converts every price and quantity of every order. The BigInt arithmetic
// above is exact for anything; these give the same answers without it for the common
// case (at most 15 significant digits, small unit mantissas), and say so by returning
// null when they cannot decide, so the caller falls back to the exact path.

const POW10: readonly number[] = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * `text` (a decimal literal, e.g. String(json_number)) in whole units of `unit`; null
 * when the fast path cannot decide (the caller then uses decimalOf + toUnits).
 */
export function toUnitsFast(text: string, unit: Decimal): UnitConversion | null {
  let i = 0;
  const n = text.length;
  let negative = false;
  if (i < n && (text.charCodeAt(i) === 45 || text.charCodeAt(i) === 43)) { negative = text.charCodeAt(i) === 45; i++; }
  let mantissa = 0;
  let digits = 0;
  let scale = 0;
  let seen_digit = false;
  let in_fraction = false;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      seen_digit = true;
      if (mantissa === 0 && c === 48) { if (in_fraction) scale++; continue; }
      if (++digits > 15) return null;
      mantissa = mantissa * 10 + (c - 48);
      if (in_fraction) scale++;
    } else if (c === 46 && !in_fraction) {
      in_fraction = true;
    } else if (c === 101 || c === 69) {
      break;
    } else {
      return null;
    }
  }
  if (!seen_digit) return null;
  if (i < n) {
    // Exponent part.
    let j = i + 1;
    let exp_negative = false;
    if (j < n && (text.charCodeAt(j) === 45 || text.charCodeAt(j) === 43)) { exp_negative = text.charCodeAt(j) === 45; j++; }
    if (j >= n) return null;
    let exponent = 0;
    for (; j < n; j++) {
      const c = text.charCodeAt(j);
      if (c < 48 || c > 57 || exponent > 40) return null;
      exponent = exponent * 10 + (c - 48);
    }
    scale += exp_negative ? exponent : -exponent;
  }
  return smallDecimalToUnits(negative ? -mantissa : mantissa, scale, unit);
}

/**
 * `mantissa * 10^-scale` (mantissa a safe integer) in whole units of `unit`, in double
 * arithmetic; null when an intermediate would leave the safe integers.
 */
function smallDecimalToUnits(mantissa: number, scale: number, unit: Decimal): UnitConversion | null {
  const unit_mantissa = Number(unit.mantissa);
  if (unit_mantissa > 1_000_000 || unit.scale > 18) return null;
  // units = value / unit = mantissa * 10^-scale / (unit_mantissa * 10^-unit.scale)
  const shift = unit.scale - scale;
  let numerator: number;
  let denominator: number;
  if (shift >= 0) {
    if (shift > 22) return null;
    numerator = mantissa * POW10[shift];
    denominator = unit_mantissa;
  } else {
    if (-shift > 22) return null;
    numerator = mantissa;
    denominator = unit_mantissa * POW10[-shift];
  }
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator)) return null;
  if (numerator % denominator !== 0) return { ok: false, error: 'off_grid' };
  // `+ 0` turns a -0 (from "-0") into 0, as the BigInt path gives.
  return { ok: true, units: numerator / denominator + 0 };
}

/**
 * `units * unit` as a JS number, for JSON: the division is correctly rounded, so it is the
 * same double that parsing the exact decimal would give (what formatUnits + Number does).
 */
export function unitsToNumber(units: number, unit: Decimal): number {
  const unit_mantissa = Number(unit.mantissa);
  const product = units * unit_mantissa;
  if (unit.scale <= 22 && Number.isSafeInteger(product)) return product / POW10[unit.scale];
  return Number(formatUnits(units, unit));
}
