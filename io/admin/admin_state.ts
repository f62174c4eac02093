/**
 * Kill switches, trading states, halts and the limits version as the durable events left
 * them, for GET /admin/state and GET /account. (The engine holds the authoritative copy; this is the io thread's
 * read model of it.)
 */
import { EventType, nameOf, TradingState } from '../../engine/protocol/enums.js';
import { EV_ACCOUNT, EV_ARG, EV_FLAG, EV_SYMBOL, EV_TYPE } from '../../engine/protocol/event_layout.js';
import { SlotViews } from '../../engine/protocol/slot_views.js';

export class AdminState {
  global_kill = false;
  readonly killed_accounts = new Set<number>();
  readonly halted_symbols = new Set<number>();
  limits_version = 0;
  global_trading_state: number = TradingState.ACTIVE;
  /** Accounts whose own trading state is not ACTIVE, with it. */
  readonly account_trading_states = new Map<number, number>();

  /** From a snapshot's engine flags (trading states: absent in snapshots written before them). */
  restore(global_kill: boolean, kill_switch: ArrayLike<number>, halted: ArrayLike<number>, limits_version: number,
    global_trading_state: number = TradingState.ACTIVE, trading_state: ArrayLike<number> = []): void {
    this.global_kill = global_kill;
    for (let a = 0; a < kill_switch.length; a++) if (kill_switch[a] !== 0) this.killed_accounts.add(a);
    for (let s = 0; s < halted.length; s++) if (halted[s] !== 0) this.halted_symbols.add(s);
    this.limits_version = limits_version;
    this.global_trading_state = global_trading_state;
    for (let a = 0; a < trading_state.length; a++) if (trading_state[a] !== TradingState.ACTIVE) this.account_trading_states.set(a, trading_state[a]);
  }

  /** The account's own trading state (ACTIVE unless set). */
  accountTradingState(account: number): number {
    return this.account_trading_states.get(account) ?? TradingState.ACTIVE;
  }

  /**
   * Is the account's kill switch on? The kill switch is HALTED plus cancel-all (POST
   * /admin/kill-switch), so an account HALTED by itself counts, and so does the flag that
   * journals written before that still carry (KILL_SWITCH events).
   */
  accountKilled(account: number): boolean {
    return this.killed_accounts.has(account) || this.accountTradingState(account) === TradingState.HALTED;
  }

  /** The global kill switch: the legacy flag, or the global trading state HALTED. */
  globalKilled(): boolean {
    return this.global_kill || this.global_trading_state === TradingState.HALTED;
  }

  /** What applies to the account: the stricter of its own and the global state. */
  effectiveTradingState(account: number): number {
    return Math.max(this.accountTradingState(account), this.global_trading_state);
  }

  apply(v: SlotViews, base: number): void {
    const type = v.u8[base + EV_TYPE];
    if (type === EventType.KILL_SWITCH) {
      const account = v.i32[(base + EV_ACCOUNT) >> 2];
      const engaged = v.u8[base + EV_FLAG] !== 0;
      if (account < 0) this.global_kill = engaged;
      else if (engaged) this.killed_accounts.add(account);
      else this.killed_accounts.delete(account);
    } else if (type === EventType.SYMBOL_HALT) {
      const symbol = v.i32[(base + EV_SYMBOL) >> 2];
      if (v.u8[base + EV_FLAG] !== 0) this.halted_symbols.add(symbol);
      else this.halted_symbols.delete(symbol);
    } else if (type === EventType.LIMITS_SWAPPED) {
      this.limits_version = v.f64[(base + EV_ARG) >> 3];
    } else if (type === EventType.TRADING_STATE) {
      const account = v.i32[(base + EV_ACCOUNT) >> 2];
      const trading_state = v.u8[base + EV_FLAG];
      if (account < 0) this.global_trading_state = trading_state;
      else if (trading_state === TradingState.ACTIVE) this.account_trading_states.delete(account);
      else this.account_trading_states.set(account, trading_state);
    }
  }
}

/**
 * The trading states for /health/workers: the global one (HALTED means the whole OMS takes
 * no orders though every worker is healthy, which an operator looking at health must see)
 * and how many accounts are held back on their own.
 */
export function tradingHealth(admin: AdminState): { global_trading_state: string; accounts_reducing: number; accounts_halted: number } {
  let reducing = 0;
  let halted = 0;
  for (const trading_state of admin.account_trading_states.values()) {
    if (trading_state === TradingState.REDUCING) reducing++;
    else if (trading_state === TradingState.HALTED) halted++;
  }
  return { global_trading_state: tradingStateName(admin.global_trading_state), accounts_reducing: reducing, accounts_halted: halted };
}

/** ACTIVE, REDUCING or HALTED, as the JSON API and /admin/state name them. */
export function tradingStateName(trading_state: number): string {
  return String(nameOf(TradingState, trading_state) ?? trading_state);
}
