/**
 * Layout of one bank of the risk-limit tables. Two banks exist; the io/admin side writes
 * the idle bank off the hot path and then sends LIMITS_SWAP, which the engine applies
 * between two commands, so a command always sees one whole table.
 *
 * All values are f64 holding exact integers (lots, micros, counts, basis points).
 *
 * ```
 *  0                       version                     f64
 *  8                       account_count, symbol_count i32, i32
 *  16  [S]                 max_order_qty_lots          per symbol
 *      [S]                 max_order_notional_micros   per symbol
 *      [S]                 collar_bps                  per symbol
 *      [A]                 credit_limit_micros         per account
 *      [A]                 max_open_orders             per account
 *      [A]                 rate_per_sec                per account
 *      [A]                 burst                       per account
 *      [A]                 daily_loss_limit_micros     per account
 *      [A*S]               max_position_lots           per account and symbol (index a*S+s)
 *      [A]                 modify_rate_per_sec         per account (replaces and cancels)
 *      [A]                 modify_burst                per account
 *      [A]                 max_net_notional_micros     per account (portfolio; Infinity: none)
 *      [A]                 max_gross_notional_micros   per account (portfolio; Infinity: none)
 * ```
 *
 * The portfolio limits are the one exception to "exact integers": an account with no such
 * limit holds Infinity, so the check stays one comparison.
 */

export interface LimitsGeometry {
  readonly accounts: number;
  readonly symbols: number;
}

export interface LimitsOffsets {
  /** Offsets in f64 elements. */
  readonly version: number;
  readonly max_order_qty_lots: number;
  readonly max_order_notional_micros: number;
  readonly collar_bps: number;
  readonly credit_limit_micros: number;
  readonly max_open_orders: number;
  readonly rate_per_sec: number;
  readonly burst: number;
  readonly daily_loss_limit_micros: number;
  readonly max_position_lots: number;
  readonly modify_rate_per_sec: number;
  readonly modify_burst: number;
  readonly max_net_notional_micros: number;
  readonly max_gross_notional_micros: number;
  readonly total_f64: number;
}

export const LIMITS_HEADER_F64 = 2;

export function limitsOffsets({ accounts, symbols }: LimitsGeometry): LimitsOffsets {
  if (!(accounts > 0 && symbols > 0)) throw new Error('limits need at least one account and one symbol');
  let at = LIMITS_HEADER_F64;
  const take = (count: number) => {
    const offset = at;
    at += count;
    return offset;
  };
  const offsets = {
    version: 0,
    max_order_qty_lots: take(symbols),
    max_order_notional_micros: take(symbols),
    collar_bps: take(symbols),
    credit_limit_micros: take(accounts),
    max_open_orders: take(accounts),
    rate_per_sec: take(accounts),
    burst: take(accounts),
    daily_loss_limit_micros: take(accounts),
    max_position_lots: take(accounts * symbols),
    // Appended, not put beside rate_per_sec: the offsets above stay where they were.
    modify_rate_per_sec: take(accounts),
    modify_burst: take(accounts),
    max_net_notional_micros: take(accounts),
    max_gross_notional_micros: take(accounts),
    total_f64: 0,
  };
  offsets.total_f64 = at;
  return offsets;
}

export function limitsBankBytes(geometry: LimitsGeometry): number {
  return limitsOffsets(geometry).total_f64 * 8;
}
