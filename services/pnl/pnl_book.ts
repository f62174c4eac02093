/**
 * The PnL book: netted positions per account and symbol built from fills, with realized
 * and unrealized PnL, the day's PnL and its drawdown. Pure state, no I/O: the PnL worker
 * feeds it events and marks and copies it into shared memory; the Redis sink uses the
 * same book for its position hashes; tests drive it by hand.
 *
 * Exact integer arithmetic, in the engine's units:
 *  - a position is `position_lots` (signed) and `cost_lots_ticks`, the signed sum of
 *    lots * ticks the open position still carries, so the average price is the exact
 *    ratio cost / position;
 *  - increasing a position adds `lots * price` to the cost;
 *  - reducing it by k of |q| lots removes `cost * k / |q|` (truncated toward zero, computed
 *    in BigInt because cost * k can pass 2^53) and realizes `-(signed k) * price - removed`;
 *    closing the whole position removes the whole cost, so no remainder is left behind;
 *  - a fill larger than the position closes it and opens the rest on the other side;
 *  - unrealized = position * mark - cost; money = lots * ticks * notional_scale micros.
 *
 * The truncation only moves less than one lot*tick between realized and unrealized: their
 * sum equals the cash flow of every fill plus position * mark exactly (the property test
 * in test/services/pnl checks it). Every result is asserted to stay a safe integer.
 *
 * The day: realized-today and the peak reset when the clock passes OMS_SESSION_END_UTC;
 * the unrealized PnL at that instant is kept per account, so
 *   daily PnL = realized today + unrealized now - unrealized at the start of the day
 *   drawdown  = highest daily PnL seen today - daily PnL now   (>= 0)
 * The peak is taken at each `observe`, so it is as fine-grained as the caller's updates.
 *
 * Serializable for the snapshot hook: `toJSON()` returns plain arrays of integers and
 * `PnlBook.fromJSON()` restores an identical book (a snapshot taken at sequence
 * `last_seq` plus a journal replay from `last_seq + 1` rebuilds the live book).
 */
import { sessionEndAfterMs } from './session_clock.js';

export const PNL_BOOK_JSON_VERSION = 1;

export interface PnlBookGeometry {
  readonly accounts: number;
  /** Per symbol: lot_size * tick_size in quote micros (InstrumentTable.notional_scale). */
  readonly notional_scale: readonly number[];
  readonly session_end_utc_minutes: number;
}

export interface PnlBookJson {
  readonly version: number;
  readonly accounts: number;
  readonly notional_scale: number[];
  readonly session_end_utc_minutes: number;
  readonly next_roll_ms: number;
  readonly last_seq: number;
  readonly position_lots: number[];
  readonly cost_lots_ticks: number[];
  readonly realized_micros: number[];
  readonly realized_today_micros: number[];
  readonly last_change_seq: number[];
  readonly mark_ticks: number[];
  readonly sod_unrealized_micros: number[];
  readonly peak_daily_micros: number[];
}

export interface AccountPnl {
  readonly realized_today_micros: number;
  readonly unrealized_micros: number;
  readonly daily_pnl_micros: number;
  readonly drawdown_micros: number;
}

export class PnlBook {
  readonly accounts: number;
  readonly symbols: number;
  readonly notional_scale: Float64Array;
  readonly session_end_utc_minutes: number;
  /** Per cell (account * symbols + symbol). */
  readonly position_lots: Float64Array;
  readonly cost_lots_ticks: Float64Array;
  readonly realized_micros: Float64Array;
  readonly realized_today_micros: Float64Array;
  readonly last_change_seq: Float64Array;
  /** Per symbol: the mark unrealized PnL is computed at (0 = none yet). */
  readonly mark_ticks: Float64Array;
  /** Per account. */
  readonly sod_unrealized_micros: Float64Array;
  readonly peak_daily_micros: Float64Array;
  /** When the current day ends (epoch ms); 0 until the book first sees the time. */
  next_roll_ms = 0;
  /** Last event sequence applied. */
  last_seq = 0;

  constructor(geometry: PnlBookGeometry) {
    const { accounts, notional_scale, session_end_utc_minutes } = geometry;
    if (!Number.isInteger(accounts) || accounts < 1) throw new Error('the PnL book needs at least one account');
    if (notional_scale.length < 1) throw new Error('the PnL book needs at least one symbol');
    for (const scale of notional_scale) {
      if (!Number.isSafeInteger(scale) || scale < 1) throw new Error(`notional scale must be a positive integer, got ${scale}`);
    }
    sessionEndAfterMs(0, session_end_utc_minutes); // validates
    this.accounts = accounts;
    this.symbols = notional_scale.length;
    this.notional_scale = Float64Array.from(notional_scale);
    this.session_end_utc_minutes = session_end_utc_minutes;
    const cells = accounts * this.symbols;
    this.position_lots = new Float64Array(cells);
    this.cost_lots_ticks = new Float64Array(cells);
    this.realized_micros = new Float64Array(cells);
    this.realized_today_micros = new Float64Array(cells);
    this.last_change_seq = new Float64Array(cells);
    this.mark_ticks = new Float64Array(this.symbols);
    this.sod_unrealized_micros = new Float64Array(accounts);
    this.peak_daily_micros = new Float64Array(accounts);
  }

  cell(account: number, symbol: number): number {
    if (!(account >= 0 && account < this.accounts && symbol >= 0 && symbol < this.symbols)) {
      throw new RangeError(`no PnL cell for account ${account}, symbol ${symbol}`);
    }
    return account * this.symbols + symbol;
  }

  /**
   * Applies one fill: `side_sign` +1 for a buy, -1 for a sell. Returns the cell it changed.
   */
  applyFill(account: number, symbol: number, side_sign: 1 | -1, qty_lots: number, price_ticks: number, seq = 0): number {
    if (!Number.isSafeInteger(qty_lots) || qty_lots <= 0) throw new RangeError(`fill quantity must be a positive integer of lots, got ${qty_lots}`);
    if (!Number.isSafeInteger(price_ticks) || price_ticks <= 0) throw new RangeError(`fill price must be a positive integer of ticks, got ${price_ticks}`);
    const c = this.cell(account, symbol);
    const scale = this.notional_scale[symbol];
    const d = side_sign * qty_lots;
    let q = this.position_lots[c];
    let cost = this.cost_lots_ticks[c];
    if (q === 0 || Math.sign(q) === Math.sign(d)) {
      q += d;
      cost += d * price_ticks;
    } else {
      const closing = Math.min(qty_lots, Math.abs(q));
      const dc = side_sign * closing;
      const removed = closing === Math.abs(q)
        ? cost
        : Number((BigInt(cost) * BigInt(closing)) / BigInt(Math.abs(q)));
      const realized = safe((-dc * price_ticks - removed) * scale, 'realized PnL');
      this.realized_micros[c] = safe(this.realized_micros[c] + realized, 'realized PnL');
      this.realized_today_micros[c] = safe(this.realized_today_micros[c] + realized, 'realized PnL today');
      cost -= removed;
      q += dc;
      const rest = d - dc;
      if (rest !== 0) {
        q += rest;
        cost += rest * price_ticks;
      }
    }
    this.position_lots[c] = safe(q, 'position');
    this.cost_lots_ticks[c] = safe(q === 0 ? 0 : cost, 'position cost');
    if (q === 0 && cost !== 0) throw new Error(`a flat position kept cost ${cost}`);
    this.last_change_seq[c] = seq;
    if (seq > this.last_seq) this.last_seq = seq;
    return c;
  }

  /** Sets a symbol's mark (ticks > 0). */
  setMark(symbol: number, ticks: number): void {
    if (!(symbol >= 0 && symbol < this.symbols)) throw new RangeError(`no symbol ${symbol}`);
    if (!Number.isSafeInteger(ticks) || ticks <= 0) throw new RangeError(`mark must be a positive integer of ticks, got ${ticks}`);
    this.mark_ticks[symbol] = ticks;
  }

  /**
   * Moves the book's clock to `now_ms`; rolls the day if a session end has passed.
   * Returns true if it rolled. The first call only starts the day.
   */
  advanceTo(now_ms: number): boolean {
    if (this.next_roll_ms === 0) {
      this.next_roll_ms = sessionEndAfterMs(now_ms, this.session_end_utc_minutes);
      return false;
    }
    if (now_ms < this.next_roll_ms) return false;
    for (let a = 0; a < this.accounts; a++) {
      this.sod_unrealized_micros[a] = this.accountUnrealizedMicros(a);
      this.peak_daily_micros[a] = 0;
    }
    this.realized_today_micros.fill(0);
    this.next_roll_ms = sessionEndAfterMs(now_ms, this.session_end_utc_minutes);
    return true;
  }

  unrealizedMicros(account: number, symbol: number): number {
    const c = this.cell(account, symbol);
    const mark = this.mark_ticks[symbol];
    if (mark === 0 || this.position_lots[c] === 0) return 0;
    return safe((this.position_lots[c] * mark - this.cost_lots_ticks[c]) * this.notional_scale[symbol], 'unrealized PnL');
  }

  accountUnrealizedMicros(account: number): number {
    let sum = 0;
    for (let s = 0; s < this.symbols; s++) sum += this.unrealizedMicros(account, s);
    return safe(sum, 'account unrealized PnL');
  }

  accountRealizedTodayMicros(account: number): number {
    let sum = 0;
    const base = this.cell(account, 0);
    for (let s = 0; s < this.symbols; s++) sum += this.realized_today_micros[base + s];
    return safe(sum, 'account realized PnL today');
  }

  accountRealizedMicros(account: number): number {
    let sum = 0;
    const base = this.cell(account, 0);
    for (let s = 0; s < this.symbols; s++) sum += this.realized_micros[base + s];
    return safe(sum, 'account realized PnL');
  }

  dailyPnlMicros(account: number): number {
    return safe(this.accountRealizedTodayMicros(account) + this.accountUnrealizedMicros(account) - this.sod_unrealized_micros[account],
      'daily PnL');
  }

  /** The account's PnL now; raises today's peak if the daily PnL passed it. */
  observe(account: number): AccountPnl {
    const realized_today_micros = this.accountRealizedTodayMicros(account);
    const unrealized_micros = this.accountUnrealizedMicros(account);
    const daily_pnl_micros = safe(realized_today_micros + unrealized_micros - this.sod_unrealized_micros[account], 'daily PnL');
    if (daily_pnl_micros > this.peak_daily_micros[account]) this.peak_daily_micros[account] = daily_pnl_micros;
    const drawdown_micros = safe(this.peak_daily_micros[account] - daily_pnl_micros, 'drawdown');
    return { realized_today_micros, unrealized_micros, daily_pnl_micros, drawdown_micros };
  }

  toJSON(): PnlBookJson {
    return {
      version: PNL_BOOK_JSON_VERSION,
      accounts: this.accounts,
      notional_scale: Array.from(this.notional_scale),
      session_end_utc_minutes: this.session_end_utc_minutes,
      next_roll_ms: this.next_roll_ms,
      last_seq: this.last_seq,
      position_lots: Array.from(this.position_lots),
      cost_lots_ticks: Array.from(this.cost_lots_ticks),
      realized_micros: Array.from(this.realized_micros),
      realized_today_micros: Array.from(this.realized_today_micros),
      last_change_seq: Array.from(this.last_change_seq),
      mark_ticks: Array.from(this.mark_ticks),
      sod_unrealized_micros: Array.from(this.sod_unrealized_micros),
      peak_daily_micros: Array.from(this.peak_daily_micros),
    };
  }

  static fromJSON(json: PnlBookJson): PnlBook {
    if (json.version !== PNL_BOOK_JSON_VERSION) throw new Error(`PnL book snapshot version ${json.version} is not supported`);
    const book = new PnlBook({
      accounts: json.accounts,
      notional_scale: json.notional_scale,
      session_end_utc_minutes: json.session_end_utc_minutes,
    });
    const fill = (target: Float64Array, source: readonly number[], what: string) => {
      if (!Array.isArray(source) || source.length !== target.length) throw new Error(`PnL book snapshot: ${what} has the wrong length`);
      for (let i = 0; i < source.length; i++) target[i] = safe(source[i], `snapshot ${what}`);
    };
    fill(book.position_lots, json.position_lots, 'position_lots');
    fill(book.cost_lots_ticks, json.cost_lots_ticks, 'cost_lots_ticks');
    fill(book.realized_micros, json.realized_micros, 'realized_micros');
    fill(book.realized_today_micros, json.realized_today_micros, 'realized_today_micros');
    fill(book.last_change_seq, json.last_change_seq, 'last_change_seq');
    fill(book.mark_ticks, json.mark_ticks, 'mark_ticks');
    fill(book.sod_unrealized_micros, json.sod_unrealized_micros, 'sod_unrealized_micros');
    fill(book.peak_daily_micros, json.peak_daily_micros, 'peak_daily_micros');
    book.next_roll_ms = safe(json.next_roll_ms, 'next_roll_ms');
    book.last_seq = safe(json.last_seq, 'last_seq');
    return book;
  }
}

function safe(value: number, what: string): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what} left the exact integer range: ${value}`);
  return value;
}
