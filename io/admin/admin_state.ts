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

/** ACTIVE, REDUCING or HALTED, as the JSON API and /admin/state name them. */
export function tradingStateName(trading_state: number): string {
  return String(nameOf(TradingState, trading_state) ?? trading_state);
}
