/**
 * The shared positions table: one seqlock record per (account, symbol), index
 * `account * symbols + symbol`, written only by the PnL worker and read by the io thread
 * (GET /positions, GET /pnl through positions_view.ts) and by metrics.
 *
 * Units are the engine's: lots, ticks, quote micros, all exact integers held in f64.
 * The average price is not stored as a rounded number: it is COST / POSITION, where COST
 * is the signed sum of lots * ticks still carried by the open position, so a reader can
 * render it to any precision without drift.
 *
 * ```
 *  record (8 f64 fields, 128 bytes with the seqlock header)
 *  0  POSITION_LOTS          signed net position
 *  1  COST_LOTS_TICKS        signed cost basis of the open position (same sign as the position)
 *  2  REALIZED_MICROS        realized PnL since the journal began
 *  3  REALIZED_TODAY_MICROS  realized PnL since the last session end
 *  4  UNREALIZED_MICROS      position * mark - cost, at MARK_TICKS (0 without a mark)
 *  5  MARK_TICKS             the mark the unrealized PnL was computed at (0 = none yet)
 *  6  UPDATED_AT_MS          wall clock of the last write
 *  7  LAST_SEQ               last journal sequence that changed this position
 * ```
 */
import { SeqlockTable } from './seqlock_table.js';

export const PositionField = {
  POSITION_LOTS: 0,
  COST_LOTS_TICKS: 1,
  REALIZED_MICROS: 2,
  REALIZED_TODAY_MICROS: 3,
  UNREALIZED_MICROS: 4,
  MARK_TICKS: 5,
  UPDATED_AT_MS: 6,
  LAST_SEQ: 7,
} as const;
export const POSITION_FIELD_COUNT = 8;

if (Object.keys(PositionField).length !== POSITION_FIELD_COUNT) throw new Error('position fields and count disagree');

export function allocatePositionsTable(accounts: number, symbols: number): SeqlockTable {
  if (!(accounts > 0 && symbols > 0)) throw new Error('the positions table needs at least one account and one symbol');
  return SeqlockTable.allocate(accounts * symbols, POSITION_FIELD_COUNT);
}

/** Record index of an (account, symbol) cell. */
export function positionIndex(account: number, symbol: number, symbols: number): number {
  return account * symbols + symbol;
}
