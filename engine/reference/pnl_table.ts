/**
 * The shared PnL table: one seqlock record per account, written by the PnL worker, read
 * by the engine (daily loss limit) and by health/metrics. Money is in quote micros.
 */
import { SeqlockTable } from './seqlock_table.js';

export const PnlField = {
  REALIZED_TODAY_MICROS: 0,
  UNREALIZED_MICROS: 1,
  /** realized today + unrealized now - unrealized at the start of the day. */
  DAILY_PNL_MICROS: 2,
  /** Largest fall of daily PnL from its peak today (>= 0). */
  DRAWDOWN_MICROS: 3,
  UPDATED_AT_MS: 4,
} as const;
export const PNL_FIELD_COUNT = 5;

export function allocatePnlTable(accounts: number): SeqlockTable {
  return SeqlockTable.allocate(accounts, PNL_FIELD_COUNT);
}
