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
