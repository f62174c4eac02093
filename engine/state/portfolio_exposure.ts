/**
 * Each account's portfolio exposure across all its symbols, valued at the mark, kept
 * current as orders and positions move so that the portfolio limits cost a few array reads
 * per order instead of a scan over the account's symbols or orders.
 *
 * Per (account, symbol) cell, from the lots the AccountBook already keeps:
 *
 *   gross lots  = |position| + open buy lots + open sell lots
 *   long lots   = position + open buy lots    (the net if every open buy filled)
 *   short lots  = position - open sell lots   (the net if every open sell filled)
 *
 * and per account the sum over its cells of lots * value_ticks[symbol] * notional_scale,
 * in micros: gross_micros, net_long_micros, net_short_micros. The net limit bounds both
 * signed sums (|net| whichever side fills), the gross limit the first.
 *
 * How the sums stay current (EngineState and the engine call these, nothing else):
 * - a cell's lots change (accept, fill, cancel, expire, replace, trigger): `remove` the
 *   cell's share before the change and `add` it after, at the symbol's current value;
 * - a symbol's mark moves: `revalue` adds lots * (new - old) * scale for each account's
 *   cell of that symbol, O(accounts) per symbol that moved, off the order path;
 * - after recovery (journal replay or snapshot restore, which carry no marks) `rebuild`
 *   recomputes every sum at the marks, falling back to the last price an event named for
 *   symbols with no mark yet (the same fallback as the order notional checks: the order's
 *   own price).
 *
 * The sums are derived state (lots come from events, prices from the mark table), so they
 * are not part of the state hash; a replayed engine given the same marks has the same sums
 * (test/engine/state/portfolio_exposure.test.ts checks the incremental sums against a
 * recomputation). Sizes are fixed at start-up; nothing here allocates afterwards.
 */
import { AccountBook } from './account_book.js';

export class PortfolioExposure {
  readonly accounts: number;
  readonly symbols: number;
  /** Per account, in micros. */
  readonly gross_micros: Float64Array;
  readonly net_long_micros: Float64Array;
  readonly net_short_micros: Float64Array;
  /** Per symbol: the price (ticks) the sums value the symbol's lots at now (0: none yet). */
  readonly value_ticks: Float64Array;
  /** Per symbol: the last price an applied event named (order reference price, fill price), the fallback when there is no mark. */
  readonly last_ref_ticks: Float64Array;

  constructor(private readonly book: AccountBook, private readonly notional_scale: Float64Array) {
    this.accounts = book.accounts;
    this.symbols = book.symbols;
    this.gross_micros = new Float64Array(book.accounts);
    this.net_long_micros = new Float64Array(book.accounts);
    this.net_short_micros = new Float64Array(book.accounts);
    this.value_ticks = new Float64Array(book.symbols);
    this.last_ref_ticks = new Float64Array(book.symbols);
  }

  /** Back to a new exposure's values, without allocating (EngineState.reset: a snapshot worker reuses its state). */
  reset(): void {
    this.gross_micros.fill(0);
    this.net_long_micros.fill(0);
    this.net_short_micros.fill(0);
    this.value_ticks.fill(0);
    this.last_ref_ticks.fill(0);
  }

  /** Takes the cell's share out of its account's sums (call before its lots change). */
  remove(account: number, symbol: number): void {
    this.contribute(account, symbol, -1);
  }

  /** Puts the cell's share back (call after its lots changed). */
  add(account: number, symbol: number): void {
    this.contribute(account, symbol, 1);
  }

  /** Remembers a price an event named, for symbols that have no mark (see rebuild). */
  noteReference(symbol: number, ticks: number): void {
    if (ticks > 0 && ticks !== Infinity) this.last_ref_ticks[symbol] = ticks;
  }

  /** Values the symbol at `ticks` from now on, moving every account's sums by the difference. */
  revalue(symbol: number, ticks: number): void {
    const before = this.value_ticks[symbol];
    if (ticks === before) return;
    const book = this.book;
    const per_lot = (ticks - before) * this.notional_scale[symbol];
    const symbols = this.symbols;
    for (let account = 0, cell = symbol; account < this.accounts; account++, cell += symbols) {
      const position = book.position_lots[cell];
      const buys = book.open_buy_lots[cell];
      const sells = book.open_sell_lots[cell];
      if (position === 0 && buys === 0 && sells === 0) continue;
      this.gross_micros[account] += (Math.abs(position) + buys + sells) * per_lot;
      this.net_long_micros[account] += (position + buys) * per_lot;
      this.net_short_micros[account] += (position - sells) * per_lot;
    }
    this.value_ticks[symbol] = ticks;
  }

  /**
   * Follows the engine's marks: revalues each symbol whose mark moved (a mark of 0, none,
   * keeps the old value). O(symbols) compares per batch of new marks, O(accounts) per
   * symbol that moved; never per order.
   */
  followMarks(mark_ticks: Float64Array): void {
    for (let symbol = 0; symbol < this.symbols; symbol++) {
      const mark = mark_ticks[symbol];
      if (mark > 0 && mark !== this.value_ticks[symbol]) this.revalue(symbol, mark);
    }
  }

  /**
   * Recomputes every sum from the lots: each symbol at its mark, or at the last price an
   * event named when it has none. After recovery, and in tests to check the incremental sums.
   */
  rebuild(mark_ticks: Float64Array | null): void {
    for (let symbol = 0; symbol < this.symbols; symbol++) {
      const mark = mark_ticks === null ? 0 : mark_ticks[symbol];
      this.value_ticks[symbol] = mark > 0 ? mark : this.last_ref_ticks[symbol];
    }
    this.gross_micros.fill(0);
    this.net_long_micros.fill(0);
    this.net_short_micros.fill(0);
    for (let account = 0; account < this.accounts; account++) {
      for (let symbol = 0; symbol < this.symbols; symbol++) this.contribute(account, symbol, 1);
    }
  }

  private contribute(account: number, symbol: number, sign: number): void {
    const cell = account * this.symbols + symbol;
    const book = this.book;
    const position = book.position_lots[cell];
    const buys = book.open_buy_lots[cell];
    const sells = book.open_sell_lots[cell];
    const per_lot = sign * this.value_ticks[symbol] * this.notional_scale[symbol];
    this.gross_micros[account] += (Math.abs(position) + buys + sells) * per_lot;
    this.net_long_micros[account] += (position + buys) * per_lot;
    this.net_short_micros[account] += (position - sells) * per_lot;
  }
}
