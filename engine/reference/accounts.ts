/**
 * The account table: account names and API keys interned to small integers at start-up.
 * Only the edge (io thread) looks names and keys up; past the edge an account is its index.
 */
import { InstrumentTable } from './instruments.js';

export interface AccountLimitsSpec {
  /** Gross exposure cap: open order notional plus |position| at mark, in quote units. */
  readonly credit_limit: string;
  readonly max_open_orders: number;
  /** Token bucket for new orders (and dry-run checks): sustained orders per second, and the burst allowed. */
  readonly rate_per_sec: number;
  readonly burst: number;
  /**
   * A second token bucket, for modifications (replaces and cancels), so a client that has
   * used up its new-order rate can still move and pull its orders. Absent: the same
   * numbers as rate_per_sec and burst (a bucket of its own all the same). A cancel takes a
   * token when there is one but is never refused (see PreTradeRisk.countCancel).
   */
  readonly modify_rate_per_sec?: number;
  readonly modify_burst?: number;
  /** New orders are refused once the day's PnL is at or below minus this amount (quote units). */
  readonly daily_loss_limit: string;
  /**
   * Portfolio limits (quote units), across all the account's symbols valued at the mark,
   * open orders counted as exposure: the net (signed: position plus open buys, and position
   * less open sells, each summed over symbols) and the gross (|position| plus open buys and
   * sells, summed over symbols). Absent or null: no such limit. Reduce-only orders are exempt.
   */
  readonly max_net_notional?: string | null;
  readonly max_gross_notional?: string | null;
  /** Absolute position cap per symbol in base units, counting open orders as exposure. */
  readonly position_limits: Readonly<Record<string, string>>;
  /** Cap for symbols not named in position_limits. */
  readonly default_position_limit: string;
}

export interface AccountSpec extends AccountLimitsSpec {
  readonly name: string;
  readonly api_key: string;
}

export class AccountTable {
  readonly accounts: readonly AccountSpec[];
  private readonly by_name = new Map<string, number>();
  private readonly by_key = new Map<string, number>();

  constructor(specs: readonly AccountSpec[], instruments: InstrumentTable) {
    if (specs.length === 0) throw new Error('at least one account is required');
    if (specs.length > 65_535) throw new Error('at most 65535 accounts per OMS shard');
    specs.forEach((spec, index) => {
      if (!/^[A-Za-z0-9._-]{1,40}$/.test(spec.name)) throw new Error(`bad account name ${JSON.stringify(spec.name)}`);
      if (typeof spec.api_key !== 'string' || spec.api_key.length < 8) {
        throw new Error(`account ${spec.name}: api_key must be at least 8 characters`);
      }
      if (this.by_name.has(spec.name)) throw new Error(`account ${spec.name} listed twice`);
      if (this.by_key.has(spec.api_key)) throw new Error(`account ${spec.name} reuses another account's api_key`);
      for (const symbol of Object.keys(spec.position_limits)) {
        if (instruments.indexOf(symbol) < 0) throw new Error(`account ${spec.name}: position limit for unknown symbol ${symbol}`);
      }
      this.by_name.set(spec.name, index);
      this.by_key.set(spec.api_key, index);
    });
    this.accounts = specs;
  }

  get count(): number {
    return this.accounts.length;
  }

  indexOf(name: string): number {
    return this.by_name.get(name) ?? -1;
  }

  /** The account an API key belongs to, or -1. */
  indexOfKey(api_key: string): number {
    return this.by_key.get(api_key) ?? -1;
  }

  nameOf(index: number): string {
    const spec = this.accounts[index];
    if (spec === undefined) throw new Error(`no account ${index}`);
    return spec.name;
  }
}

/**
 * Demo accounts for running on loopback with no accounts file. Limits are generous so
 * the benchmark measures the OMS, not the throttle.
 */
export const DEMO_ACCOUNT_LIMITS: AccountLimitsSpec = {
  credit_limit: '1000000000',
  max_open_orders: 1_000_000,
  rate_per_sec: 5_000_000,
  burst: 5_000_000,
  daily_loss_limit: '100000000',
  position_limits: { BTCUSDT: '10000', ETHUSDT: '100000', SOLUSDT: '10000000' },
  default_position_limit: '1000000',
};

export const DEMO_ACCOUNTS: readonly AccountSpec[] = [
  { name: 'test', api_key: 'test-key', ...DEMO_ACCOUNT_LIMITS },
  { name: 'demo2', api_key: 'demo2-key', ...DEMO_ACCOUNT_LIMITS },
];
