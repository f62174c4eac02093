/**
 * One bank of precomputed risk limits, as typed arrays the engine indexes by account
 * and symbol. `buildRiskLimits` computes a bank from the instrument and account specs
 * (plus admin overrides) off the hot path.
 */
import { AccountLimitsSpec, AccountTable } from './accounts.js';
import { decimalOf, toUnits } from './decimal.js';
import { InstrumentTable, MICRO } from './instruments.js';
import { LIMITS_HEADER_F64, LimitsGeometry, limitsBankBytes, limitsOffsets } from './limits_layout.js';

export class RiskLimits {
  readonly buffer: SharedArrayBuffer;
  readonly accounts: number;
  readonly symbols: number;
  readonly max_order_qty_lots: Float64Array;
  readonly max_order_notional_micros: Float64Array;
  readonly collar_bps: Float64Array;
  readonly credit_limit_micros: Float64Array;
  readonly max_open_orders: Float64Array;
  readonly rate_per_sec: Float64Array;
  readonly burst: Float64Array;
  readonly daily_loss_limit_micros: Float64Array;
  readonly max_position_lots: Float64Array;
  readonly modify_rate_per_sec: Float64Array;
  readonly modify_burst: Float64Array;
  /** Portfolio limits across the account's symbols, valued at the mark (Infinity: none). */
  readonly max_net_notional_micros: Float64Array;
  readonly max_gross_notional_micros: Float64Array;
  private readonly header: Float64Array;
  private readonly dims: Int32Array;

  static allocate(geometry: LimitsGeometry): RiskLimits {
    const buffer = new SharedArrayBuffer(limitsBankBytes(geometry));
    const dims = new Int32Array(buffer, 8, 2);
    dims[0] = geometry.accounts;
    dims[1] = geometry.symbols;
    return new RiskLimits(buffer);
  }

  constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.dims = new Int32Array(buffer, 8, 2);
    this.accounts = this.dims[0];
    this.symbols = this.dims[1];
    const o = limitsOffsets({ accounts: this.accounts, symbols: this.symbols });
    if (buffer.byteLength !== o.total_f64 * 8) throw new Error('limits bank length does not match its geometry');
    const view = (offset: number, length: number) => new Float64Array(buffer, offset * 8, length);
    this.header = view(0, LIMITS_HEADER_F64);
    this.max_order_qty_lots = view(o.max_order_qty_lots, this.symbols);
    this.max_order_notional_micros = view(o.max_order_notional_micros, this.symbols);
    this.collar_bps = view(o.collar_bps, this.symbols);
    this.credit_limit_micros = view(o.credit_limit_micros, this.accounts);
    this.max_open_orders = view(o.max_open_orders, this.accounts);
    this.rate_per_sec = view(o.rate_per_sec, this.accounts);
    this.burst = view(o.burst, this.accounts);
    this.daily_loss_limit_micros = view(o.daily_loss_limit_micros, this.accounts);
    this.max_position_lots = view(o.max_position_lots, this.accounts * this.symbols);
    this.modify_rate_per_sec = view(o.modify_rate_per_sec, this.accounts);
    this.modify_burst = view(o.modify_burst, this.accounts);
    this.max_net_notional_micros = view(o.max_net_notional_micros, this.accounts);
    this.max_gross_notional_micros = view(o.max_gross_notional_micros, this.accounts);
  }

  get version(): number {
    return this.header[0];
  }

  set version(value: number) {
    this.header[0] = value;
  }

  copyFrom(other: RiskLimits): void {
    if (other.accounts !== this.accounts || other.symbols !== this.symbols) throw new Error('limits geometry differs');
    new Uint8Array(this.buffer).set(new Uint8Array(other.buffer));
  }
}

/** Per-symbol limit overrides and per-account overrides an operator may set at run time. */
export interface LimitOverrides {
  readonly symbols?: Readonly<Record<string, Partial<{ max_order_qty: string; max_order_notional: string; collar_bps: number }>>>;
  readonly accounts?: Readonly<Record<string, Partial<AccountLimitsSpec>>>;
}

/** Fills `bank` from the specs; throws with a precise message on any unusable value. */
export function buildRiskLimits(
  bank: RiskLimits,
  instruments: InstrumentTable,
  accounts: AccountTable,
  version: number,
  overrides: LimitOverrides = {},
): void {
  if (bank.accounts !== accounts.count || bank.symbols !== instruments.count) throw new Error('limits bank has the wrong geometry');
  for (const instrument of instruments.instruments) {
    const s = instrument.index;
    const override = overrides.symbols?.[instrument.spec.symbol] ?? {};
    const max_qty = override.max_order_qty ?? instrument.spec.max_order_qty;
    const max_notional = override.max_order_notional ?? instrument.spec.max_order_notional;
    bank.max_order_qty_lots[s] = unitsOf(max_qty, instrument.lot, `${instrument.spec.symbol}.max_order_qty`);
    bank.max_order_notional_micros[s] = unitsOf(max_notional, MICRO, `${instrument.spec.symbol}.max_order_notional`);
    bank.collar_bps[s] = positiveInteger(override.collar_bps ?? instrument.spec.collar_bps, `${instrument.spec.symbol}.collar_bps`);
  }
  accounts.accounts.forEach((base, a) => {
    const override = overrides.accounts?.[base.name] ?? {};
    // Position limits merge per symbol, like every other field falls back to the spec: an
    // override naming one symbol must not drop the spec's limits for the others.
    const position_limits = { ...base.position_limits, ...override.position_limits };
    const spec: AccountLimitsSpec = { ...base, ...override, position_limits };
    bank.credit_limit_micros[a] = unitsOf(spec.credit_limit, MICRO, `${base.name}.credit_limit`);
    bank.max_open_orders[a] = positiveInteger(spec.max_open_orders, `${base.name}.max_open_orders`);
    bank.rate_per_sec[a] = positiveInteger(spec.rate_per_sec, `${base.name}.rate_per_sec`);
    bank.burst[a] = positiveInteger(spec.burst, `${base.name}.burst`);
    bank.modify_rate_per_sec[a] = positiveInteger(spec.modify_rate_per_sec ?? spec.rate_per_sec, `${base.name}.modify_rate_per_sec`);
    bank.modify_burst[a] = positiveInteger(spec.modify_burst ?? spec.burst, `${base.name}.modify_burst`);
    bank.daily_loss_limit_micros[a] = unitsOf(spec.daily_loss_limit, MICRO, `${base.name}.daily_loss_limit`);
    bank.max_net_notional_micros[a] = optionalUnitsOf(spec.max_net_notional, `${base.name}.max_net_notional`);
    bank.max_gross_notional_micros[a] = optionalUnitsOf(spec.max_gross_notional, `${base.name}.max_gross_notional`);
    for (const instrument of instruments.instruments) {
      const text = spec.position_limits[instrument.spec.symbol] ?? spec.default_position_limit;
      bank.max_position_lots[a * instruments.count + instrument.index] = unitsOf(
        text, instrument.lot, `${base.name}.position_limits.${instrument.spec.symbol}`,
      );
    }
  });
  bank.version = version;
}

function unitsOf(text: string, unit: Parameters<typeof toUnits>[1], what: string): number {
  const value = decimalOf(text);
  if (value === undefined || value.mantissa < 0n) throw new Error(`${what} must be a decimal >= 0, got ${JSON.stringify(text)}`);
  const conversion = toUnits(value, unit);
  if (!conversion.ok) throw new Error(`${what} (${text}) is ${conversion.error === 'off_grid' ? 'not a whole number of units' : 'too large'}`);
  return conversion.units;
}

/** A money limit that may be absent (or null in an override, to lift it): Infinity, no limit. */
function optionalUnitsOf(text: string | null | undefined, what: string): number {
  if (text === undefined || text === null) return Infinity;
  return unitsOf(text, MICRO, what);
}

function positiveInteger(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${what} must be a positive integer, got ${value}`);
  return value;
}
