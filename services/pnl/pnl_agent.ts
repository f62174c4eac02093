/**
 * The PnL worker's agent. `doWork` reads durable events from the event ring (as consumer
 * EventConsumer.PNL, bounded by the journal's position), applies fills to the book, and
 * republishes the rows they changed: the account's PnL record, which the engine's
 * daily-loss check reads, and the (account, symbol) position record, which the io thread
 * serves. The slow tick (every `tick_interval_ms`) revalues open positions when the mark
 * table moved, rolls the day at the session end and beats the heartbeat; every
 * `confirm_interval_ms` it re-publishes every account's PnL record, changed or not, so its
 * UPDATED_AT_MS says the worker is alive and the figure current: the engine refuses orders
 * STALE_PNL when that stamp is older than OMS_MAX_PNL_AGE_MS, which must therefore be
 * well above the confirm interval.
 *
 * Events at or below `replayed_through_seq` were already applied from the journal at
 * start-up; the ring may still hold some of them (a restarted worker finds its old
 * position), so they are released without being applied twice.
 */
import { Agent } from '../../engine/agent/agent.js';
import { EV_LAST_FILL_PRICE_TICKS, EV_SEQ } from '../../engine/protocol/event_layout.js';
import { MARK_FIELD_COUNT, MarkField } from '../../engine/reference/mark_table.js';
import { PNL_FIELD_COUNT, PnlField } from '../../engine/reference/pnl_table.js';
import { SeqlockTable } from '../../engine/reference/seqlock_table.js';
import { RingConsumer } from '../../engine/ring/ring.js';
import { WorkerHealthReporter } from '../../engine/telemetry/worker_health.js';
import { WorkerState } from '../../engine/telemetry/worker_health_layout.js';
import { PnlBook } from './pnl_book.js';
import { applyEventToBook } from './pnl_events.js';
import { POSITION_FIELD_COUNT, PositionField } from '../../engine/reference/positions_table.js';

export interface PnlAgentParts {
  readonly book: PnlBook;
  readonly events: RingConsumer;
  readonly marks: SeqlockTable | null;
  readonly pnl_table: SeqlockTable;
  readonly positions_table: SeqlockTable;
  readonly health: WorkerHealthReporter | null;
  readonly replayed_through_seq: number;
  readonly now_ms?: () => number;
  readonly tick_interval_ms?: number;
  /** Events handled per doWork at most. */
  readonly max_batch?: number;
  /** How often every account's PnL record is re-stamped, changed or not (default PNL_CONFIRM_INTERVAL_MS). */
  readonly confirm_interval_ms?: number;
}

/** Every account's PnL record is re-stamped at least this often (see the header). */
export const PNL_CONFIRM_INTERVAL_MS = 1000;

export class PnlAgent implements Agent {
  readonly roleName = 'pnl';
  readonly book: PnlBook;
  private readonly events: RingConsumer;
  private readonly marks: SeqlockTable | null;
  private readonly pnl_table: SeqlockTable;
  private readonly positions_table: SeqlockTable;
  private readonly health: WorkerHealthReporter | null;
  private readonly replayed_through_seq: number;
  private readonly now_ms: () => number;
  private readonly tick_interval_ms: number;
  private readonly max_batch: number;
  private readonly confirm_interval_ms: number;
  private next_confirm_ms = 0;
  private readonly dirty_cell: Uint8Array;
  private readonly dirty_cells: Int32Array;
  private dirty_cell_count = 0;
  private readonly dirty_account: Uint8Array;
  private readonly dirty_accounts: Int32Array;
  private dirty_account_count = 0;
  private readonly mark_versions: Int32Array;
  private marks_global = -1;
  private readonly mark_scratch = new Float64Array(MARK_FIELD_COUNT);
  private readonly pnl_row = new Float64Array(PNL_FIELD_COUNT);
  private readonly position_row = new Float64Array(POSITION_FIELD_COUNT);
  private next_tick_ms = 0;
  /** Events taken off the ring since start (including replayed ones skipped). */
  processed = 0;
  skipped = 0;

  constructor(parts: PnlAgentParts) {
    this.book = parts.book;
    this.events = parts.events;
    this.marks = parts.marks;
    this.pnl_table = parts.pnl_table;
    this.positions_table = parts.positions_table;
    this.health = parts.health;
    this.replayed_through_seq = parts.replayed_through_seq;
    this.now_ms = parts.now_ms ?? Date.now;
    this.tick_interval_ms = parts.tick_interval_ms ?? 50;
    this.max_batch = parts.max_batch ?? 4096;
    this.confirm_interval_ms = parts.confirm_interval_ms ?? PNL_CONFIRM_INTERVAL_MS;
    const cells = this.book.accounts * this.book.symbols;
    if (this.positions_table.record_count !== cells) throw new Error('positions table geometry differs from the book');
    if (this.pnl_table.record_count !== this.book.accounts) throw new Error('PnL table geometry differs from the book');
    this.dirty_cell = new Uint8Array(cells);
    this.dirty_cells = new Int32Array(cells);
    this.dirty_account = new Uint8Array(this.book.accounts);
    this.dirty_accounts = new Int32Array(this.book.accounts);
    this.mark_versions = new Int32Array(this.book.symbols).fill(-1);
  }

  onStart(): void {
    const now = this.now_ms();
    this.refreshMarks();
    this.book.advanceTo(now);
    this.markAllDirty();
    this.publish(now);
    this.next_confirm_ms = now + this.confirm_interval_ms;
    // Progress first: a reader that sees RUNNING must also see where the replay got to.
    this.tick(now);
    this.health?.setState(WorkerState.RUNNING);
  }

  doWork(): number {
    const events = this.events;
    const available = events.available();
    const n = available < this.max_batch ? available : this.max_batch;
    if (n > 0) {
      const ring = events.ring;
      for (let i = 0; i < n; i++) {
        const base = events.slotAt(i);
        if (ring.f64[(base + EV_SEQ) >> 3] <= this.replayed_through_seq) {
          this.skipped++;
          continue;
        }
        const cell = applyEventToBook(this.book, ring, base, false);
        if (cell >= 0) {
          this.markCellDirty(cell);
          const symbol = cell % this.book.symbols;
          // Until the mark table has a price for the symbol, its last fill is the mark.
          if (this.mark_versions[symbol] < 0 || this.book.mark_ticks[symbol] === 0) this.markFromFill(symbol, ring.f64[(base + EV_LAST_FILL_PRICE_TICKS) >> 3]);
        }
      }
      this.processed += n;
    }
    const now = this.now_ms();
    if (now >= this.next_tick_ms) this.tick(now);
    if (this.dirty_cell_count > 0 || this.dirty_account_count > 0) this.publish(now);
    // Release after publishing, so a reader that saw the ring move also sees the PnL it caused.
    if (n > 0) events.release(n);
    return n;
  }

  /** Only ring events count: new marks wait for the slow tick (the park ends by then). */
  hasWork(): boolean {
    return this.events.available() > 0;
  }

  msUntilDeadline(): number {
    return Math.max(1, this.next_tick_ms - this.now_ms());
  }

  onClose(): void {
    this.health?.setState(WorkerState.STOPPED);
  }

  private tick(now: number): void {
    this.next_tick_ms = now + this.tick_interval_ms;
    this.refreshMarks();
    if (this.book.advanceTo(now)) this.markAllDirty();
    if (now >= this.next_confirm_ms) {
      this.next_confirm_ms = now + this.confirm_interval_ms;
      for (let a = 0; a < this.book.accounts; a++) this.markAccountDirty(a);
    }
    this.health?.heartbeat(now);
    this.health?.progress(this.processed, this.events.available(), this.book.last_seq);
  }

  /** Copies marks that moved into the book and flags the positions they revalue. */
  private refreshMarks(): void {
    const table = this.marks;
    if (table === null) return;
    const global = table.globalVersion();
    if (global === this.marks_global) return;
    this.marks_global = global;
    const book = this.book;
    for (let s = 0; s < book.symbols; s++) {
      const version = table.recordVersion(s);
      if (version === this.mark_versions[s]) continue;
      const read_version = table.read(s, this.mark_scratch);
      const mark = markOf(this.mark_scratch);
      if (mark <= 0) continue;
      this.mark_versions[s] = read_version;
      if (mark === book.mark_ticks[s]) continue;
      book.setMark(s, mark);
      for (let a = 0; a < book.accounts; a++) {
        const c = a * book.symbols + s;
        if (book.position_lots[c] !== 0) this.markCellDirty(c);
      }
    }
  }

  private markFromFill(symbol: number, price_ticks: number): void {
    if (price_ticks === this.book.mark_ticks[symbol]) return;
    this.book.setMark(symbol, price_ticks);
    for (let a = 0; a < this.book.accounts; a++) {
      const c = a * this.book.symbols + symbol;
      if (this.book.position_lots[c] !== 0) this.markCellDirty(c);
    }
  }

  private markCellDirty(cell: number): void {
    if (this.dirty_cell[cell] === 0) {
      this.dirty_cell[cell] = 1;
      this.dirty_cells[this.dirty_cell_count++] = cell;
    }
    this.markAccountDirty(Math.floor(cell / this.book.symbols));
  }

  private markAccountDirty(account: number): void {
    if (this.dirty_account[account] === 0) {
      this.dirty_account[account] = 1;
      this.dirty_accounts[this.dirty_account_count++] = account;
    }
  }

  private markAllDirty(): void {
    for (let c = 0; c < this.dirty_cell.length; c++) this.markCellDirty(c);
  }

  private publish(now: number): void {
    const book = this.book;
    const row = this.position_row;
    for (let i = 0; i < this.dirty_cell_count; i++) {
      const c = this.dirty_cells[i];
      this.dirty_cell[c] = 0;
      const symbol = c % book.symbols;
      row[PositionField.POSITION_LOTS] = book.position_lots[c];
      row[PositionField.COST_LOTS_TICKS] = book.cost_lots_ticks[c];
      row[PositionField.REALIZED_MICROS] = book.realized_micros[c];
      row[PositionField.REALIZED_TODAY_MICROS] = book.realized_today_micros[c];
      row[PositionField.UNREALIZED_MICROS] = book.unrealizedMicros((c - symbol) / book.symbols, symbol);
      row[PositionField.MARK_TICKS] = book.mark_ticks[symbol];
      row[PositionField.UPDATED_AT_MS] = now;
      row[PositionField.LAST_SEQ] = book.last_change_seq[c];
      this.positions_table.write(c, row);
    }
    this.dirty_cell_count = 0;
    const pnl = this.pnl_row;
    for (let i = 0; i < this.dirty_account_count; i++) {
      const a = this.dirty_accounts[i];
      this.dirty_account[a] = 0;
      const observed = book.observe(a);
      pnl[PnlField.REALIZED_TODAY_MICROS] = observed.realized_today_micros;
      pnl[PnlField.UNREALIZED_MICROS] = observed.unrealized_micros;
      pnl[PnlField.DAILY_PNL_MICROS] = observed.daily_pnl_micros;
      pnl[PnlField.DRAWDOWN_MICROS] = observed.drawdown_micros;
      pnl[PnlField.UPDATED_AT_MS] = now;
      this.pnl_table.write(a, pnl);
    }
    this.dirty_account_count = 0;
  }
}

/** The price positions are valued at: the last trade, else the mid of the touch. */
export function markOf(record: Float64Array): number {
  const last = record[MarkField.LAST_TICKS];
  if (last > 0) return last;
  const bid = record[MarkField.BID_TICKS];
  const ask = record[MarkField.ASK_TICKS];
  if (bid > 0 && ask > 0) return Math.floor((bid + ask) / 2);
  return 0;
}
