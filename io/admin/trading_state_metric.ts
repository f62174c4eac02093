/**
 * `oms_trading_state{scope}` on /metrics: the global trading state (scope "global") and
 * every account's own (scope = the account name), as TradingState numbers (1 ACTIVE,
 * 2 REDUCING, 3 HALTED), read from the io thread's admin state when Prometheus scrapes.
 * It lives in io, not with the other metrics in services, because the admin state is io's.
 */
import { Gauge, Registry } from 'prom-client';
import { AccountTable } from '../../engine/reference/accounts.js';
import { AdminState } from './admin_state.js';

export const TRADING_STATE_METRIC_NAME = 'oms_trading_state';

export function registerTradingStateMetric(registry: Registry, admin: AdminState, accounts: AccountTable): void {
  new Gauge({
    name: TRADING_STATE_METRIC_NAME,
    help: 'Trading state: 1 ACTIVE, 2 REDUCING (only reduce-only orders), 3 HALTED (only cancels); scope "global" or an account',
    labelNames: ['scope'],
    registers: [registry],
    collect() {
      this.set({ scope: 'global' }, admin.global_trading_state);
      for (let a = 0; a < accounts.count; a++) this.set({ scope: accounts.nameOf(a) }, admin.accountTradingState(a));
    },
  });
}
