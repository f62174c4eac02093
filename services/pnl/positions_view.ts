/**
 * Renders the shared positions and PnL tables as JSON-ready objects for GET /positions and
 * GET /pnl. Pure functions of the tables and the reference data: the io thread calls them
 * and serializes the result; nothing here asks the PnL worker anything.
 *
 * Decimals are JSON numbers rendered from exact integers (a price of 45000.12 is the
 * number 45000.12, never 45000.119999...). The average price is cost / position rounded
 * toward zero AVERAGE_PRICE_DECIMALS digits below the tick (formatRatio), so it is the
 * only value that can be inexact.
 */
import { formatRatio, formatUnits } from '../../engine/reference/decimal.js';
import { InstrumentTable, MICRO } from '../../engine/reference/instruments.js';
import { PNL_FIELD_COUNT, PnlField } from '../../engine/reference/pnl_table.js';
import { SeqlockTable } from '../../engine/reference/seqlock_table.js';
import { POSITION_FIELD_COUNT, PositionField } from '../../engine/reference/positions_table.js';

export const AVERAGE_PRICE_DECIMALS = 8;

export interface PositionJson {
  readonly account: string;
  readonly symbol: string;
  /** Signed: negative is short. */
  readonly quantity: number;
  /** null while flat. */
  readonly average_price: number | null;
  readonly realized_pnl: number;
  readonly realized_pnl_today: number;
  readonly unrealized_pnl: number;
  /** The mark unrealized PnL was computed at; null before the first price. */
  readonly mark_price: number | null;
  readonly quote_currency: string;
  readonly last_sequence: number;
  readonly updated_at: string | null;
}

export interface AccountPnlJson {
  readonly account: string;
  readonly realized_pnl_today: number;
  readonly unrealized_pnl: number;
  /** realized today + unrealized now - unrealized at the start of the day (what the daily loss limit checks). */
  readonly daily_pnl: number;
  /** Highest daily PnL seen today minus the daily PnL now (>= 0). */
  readonly drawdown: number;
  /** Realized since the journal began, summed over the account's positions. */
  readonly realized_pnl: number;
  readonly quote_currency: string;
  readonly updated_at: string | null;
}

export interface PositionsViewSource {
  readonly positions: SeqlockTable;
  readonly pnl: SeqlockTable;
  readonly instruments: InstrumentTable;
  /** Account names by index (AccountTable.accounts.map(a => a.name)). */
  readonly account_names: readonly string[];
}

export interface PositionsQuery {
  /** Only this account (index); all accounts when undefined. */
  readonly account?: number;
  /** Only this symbol (index). */
  readonly symbol?: number;
  /** Include positions that never traded (flat with no realized PnL). Default false. */
  readonly include_untouched?: boolean;
}

/** Position rows, account by account, symbols in instrument order. */
export function renderPositions(source: PositionsViewSource, query: PositionsQuery = {}): PositionJson[] {
  const symbols = source.instruments.count;
  checkGeometry(source);
  const row = new Float64Array(POSITION_FIELD_COUNT);
  const rows: PositionJson[] = [];
  const [a_from, a_to] = query.account === undefined ? [0, source.account_names.length] : [query.account, query.account + 1];
  const [s_from, s_to] = query.symbol === undefined ? [0, symbols] : [query.symbol, query.symbol + 1];
  for (let a = a_from; a < a_to; a++) {
    for (let s = s_from; s < s_to; s++) {
      source.positions.read(a * symbols + s, row);
      const quantity_lots = row[PositionField.POSITION_LOTS];
      if (!query.include_untouched && quantity_lots === 0 && row[PositionField.REALIZED_MICROS] === 0
        && row[PositionField.LAST_SEQ] === 0) continue;
      rows.push(renderPositionRow(source, a, s, row));
    }
  }
  return rows;
}

/** One position from a record copied out of the table. */
export function renderPositionRow(source: PositionsViewSource, account: number, symbol: number, row: Float64Array): PositionJson {
  const instrument = source.instruments.at(symbol);
  const quantity_lots = row[PositionField.POSITION_LOTS];
  const mark = row[PositionField.MARK_TICKS];
  return {
    account: accountName(source, account),
    symbol: instrument.spec.symbol,
    quantity: Number(formatUnits(quantity_lots, instrument.lot)),
    average_price: quantity_lots === 0
      ? null
      : Number(formatRatio(row[PositionField.COST_LOTS_TICKS], quantity_lots, instrument.tick, AVERAGE_PRICE_DECIMALS)),
    realized_pnl: money(row[PositionField.REALIZED_MICROS]),
    realized_pnl_today: money(row[PositionField.REALIZED_TODAY_MICROS]),
    unrealized_pnl: money(row[PositionField.UNREALIZED_MICROS]),
    mark_price: mark > 0 ? Number(formatUnits(mark, instrument.tick)) : null,
    quote_currency: source.instruments.quote_currency,
    last_sequence: row[PositionField.LAST_SEQ],
    updated_at: isoOrNull(row[PositionField.UPDATED_AT_MS]),
  };
}

/** Account PnL summaries (one per account, or the one asked for). */
export function renderAccountPnl(source: PositionsViewSource, account?: number): AccountPnlJson[] {
  checkGeometry(source);
  const symbols = source.instruments.count;
  const pnl = new Float64Array(PNL_FIELD_COUNT);
  const [from, to] = account === undefined ? [0, source.account_names.length] : [account, account + 1];
  const out: AccountPnlJson[] = [];
  for (let a = from; a < to; a++) {
    source.pnl.read(a, pnl);
    let realized_total = 0;
    for (let s = 0; s < symbols; s++) realized_total += source.positions.readField(a * symbols + s, PositionField.REALIZED_MICROS);
    out.push({
      account: accountName(source, a),
      realized_pnl_today: money(pnl[PnlField.REALIZED_TODAY_MICROS]),
      unrealized_pnl: money(pnl[PnlField.UNREALIZED_MICROS]),
      daily_pnl: money(pnl[PnlField.DAILY_PNL_MICROS]),
      drawdown: money(pnl[PnlField.DRAWDOWN_MICROS]),
      realized_pnl: money(realized_total),
      quote_currency: source.instruments.quote_currency,
      updated_at: isoOrNull(pnl[PnlField.UPDATED_AT_MS]),
    });
  }
  return out;
}

function money(micros: number): number {
  return Number(formatUnits(micros, MICRO));
}

function isoOrNull(ms: number): string | null {
  return ms > 0 ? new Date(ms).toISOString() : null;
}

function accountName(source: PositionsViewSource, account: number): string {
  const name = source.account_names[account];
  if (name === undefined) throw new RangeError(`no account ${account}`);
  return name;
}

function checkGeometry(source: PositionsViewSource): void {
  if (source.positions.record_count !== source.account_names.length * source.instruments.count) {
    throw new Error('positions table geometry differs from the account and instrument tables');
  }
  if (source.pnl.record_count !== source.account_names.length) throw new Error('PnL table geometry differs from the account table');
}
