/**
 * The shared mark-price table: one seqlock record per symbol, written by the market-data
 * worker (simulated ticker or NATS `market.tick.*`), read by the engine (collars, the
 * simulated venue), the io thread (/tickers) and the PnL worker (unrealized PnL).
 * Prices are in the symbol's ticks, sizes in its lots; 0 means "no price yet".
 */
import { SeqlockTable } from './seqlock_table.js';

export const MarkField = {
  BID_TICKS: 0,
  ASK_TICKS: 1,
  LAST_TICKS: 2,
  /** Quantity available at the bid / ask for the simulated venue, per tick update. */
  BID_SIZE_LOTS: 3,
  ASK_SIZE_LOTS: 4,
  UPDATED_AT_MS: 5,
  VOLUME_24H_LOTS: 6,
  OPEN_24H_TICKS: 7,
} as const;
export const MARK_FIELD_COUNT = 8;

export function allocateMarkTable(symbols: number): SeqlockTable {
  return SeqlockTable.allocate(symbols, MARK_FIELD_COUNT);
}
