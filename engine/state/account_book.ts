/**
 * Per-account and per-(account, symbol) aggregates the risk checks read: positions, the
 * open quantity and notional of working orders, the two token buckets (new orders, and
 * modifications: replaces and cancels), the kill switch, and
 * the best price of each side's resting orders (for self-trade prevention).
 *
 * Index of an (account, symbol) cell: account * symbols + symbol. Every array is sized
 * at start-up; nothing here allocates afterwards.
 */
import { TradingState } from '../protocol/enums.js';
import { RestingPriceHeaps } from './resting_price_heaps.js';

export class AccountBook {
  readonly accounts: number;
  readonly symbols: number;
  /** Signed net position in lots. */
  readonly position_lots: Float64Array;
  /** Sum of the leaves quantity of open buy / sell orders. */
  readonly open_buy_lots: Float64Array;
  readonly open_sell_lots: Float64Array;
  /** The part of open_buy_lots / open_sell_lots that is reduce-only (what is already promised to reduce the position). */
  readonly reduce_only_buy_lots: Float64Array;
  readonly reduce_only_sell_lots: Float64Array;
  /** Number of open buy / sell orders resting as limit (or working market) orders, for self-trade checks. */
  readonly resting_buys: Int32Array;
  readonly resting_sells: Int32Array;
  /**
   * The resting orders' self-trade prices, one heap per cell and side: heap 2 * cell holds
   * the buys keyed by minus their price (so the highest buy is at the root), heap
   * 2 * cell + 1 the sells keyed by their price.
   */
  readonly resting_prices: RestingPriceHeaps;
  readonly open_orders: Int32Array;
  /** Sum over open orders of leaves * ref price * notional scale, in micros. */
  readonly open_notional_micros: Float64Array;
  /** New-order bucket: tokens left (-1: untouched, starts full) and when they were counted. */
  readonly tokens: Float64Array;
  readonly tokens_at_ms: Float64Array;
  /** Modification bucket (replaces, cancels), the same shape. */
  readonly modify_tokens: Float64Array;
  readonly modify_tokens_at_ms: Float64Array;
  readonly kill_switch: Uint8Array;
  /** TradingState per account (ACTIVE until an operator says otherwise). */
  readonly trading_state: Uint8Array;
  /** Symbols with a non-zero position, per account (compact list for gross exposure). */
  readonly held_symbols: Int32Array;
  readonly held_count: Int32Array;
  private readonly held_index: Int32Array;

  /** @param max_open_orders the order slab's capacity (slots are the heaps' nodes). */
  constructor(accounts: number, symbols: number, max_open_orders: number) {
    const cells = accounts * symbols;
    this.accounts = accounts;
    this.symbols = symbols;
    this.position_lots = new Float64Array(cells);
    this.open_buy_lots = new Float64Array(cells);
    this.open_sell_lots = new Float64Array(cells);
    this.reduce_only_buy_lots = new Float64Array(cells);
    this.reduce_only_sell_lots = new Float64Array(cells);
    this.resting_buys = new Int32Array(cells);
    this.resting_sells = new Int32Array(cells);
    this.resting_prices = new RestingPriceHeaps(2 * cells, max_open_orders);
    this.open_orders = new Int32Array(accounts);
    this.open_notional_micros = new Float64Array(accounts);
    this.tokens = new Float64Array(accounts).fill(-1);
    this.tokens_at_ms = new Float64Array(accounts);
    this.modify_tokens = new Float64Array(accounts).fill(-1);
    this.modify_tokens_at_ms = new Float64Array(accounts);
    this.kill_switch = new Uint8Array(accounts);
    this.trading_state = new Uint8Array(accounts).fill(TradingState.ACTIVE);
    this.held_symbols = new Int32Array(cells);
    this.held_count = new Int32Array(accounts);
    this.held_index = new Int32Array(cells).fill(-1);
  }

  /** Back to the state of a new book (the constructor's values, array by array). */
  reset(): void {
    this.position_lots.fill(0);
    this.open_buy_lots.fill(0);
    this.open_sell_lots.fill(0);
    this.reduce_only_buy_lots.fill(0);
    this.reduce_only_sell_lots.fill(0);
    this.resting_buys.fill(0);
    this.resting_sells.fill(0);
    this.resting_prices.reset();
    this.open_orders.fill(0);
    this.open_notional_micros.fill(0);
    this.tokens.fill(-1);
    this.tokens_at_ms.fill(0);
    this.modify_tokens.fill(-1);
    this.modify_tokens_at_ms.fill(0);
    this.kill_switch.fill(0);
    this.trading_state.fill(TradingState.ACTIVE);
    this.held_symbols.fill(0);
    this.held_count.fill(0);
    this.held_index.fill(-1);
    this.now_ms = 0;
  }

  cell(account: number, symbol: number): number {
    return account * this.symbols + symbol;
  }

  /** Puts a resting order (by slot) on its cell's buy or sell heap at the price it would cross at. */
  addResting(cell: number, slot: number, is_buy: boolean, price_ticks: number): void {
    if (is_buy) {
      this.resting_buys[cell]++;
      this.resting_prices.insert(2 * cell, slot, -price_ticks);
    } else {
      this.resting_sells[cell]++;
      this.resting_prices.insert(2 * cell + 1, slot, price_ticks);
    }
  }

  removeResting(cell: number, slot: number, is_buy: boolean): void {
    if (is_buy) this.resting_buys[cell]--;
    else this.resting_sells[cell]--;
    if (!this.resting_prices.remove(slot)) throw new Error(`slot ${slot} was not resting`);
  }

  /** Highest price of the cell's resting buys (Infinity for a working market buy); 0 if none. */
  bestRestingBuy(cell: number): number {
    const key = this.resting_prices.minKey(2 * cell);
    return key === Infinity ? 0 : -key;
  }

  /** Lowest price of the cell's resting sells (0 for a working market sell); Infinity if none. */
  bestRestingSell(cell: number): number {
    return this.resting_prices.minKey(2 * cell + 1);
  }

  /**
   * Lots a new reduce-only order on `is_buy`'s side may still take off the position: a buy
   * reduces a short, a sell a long, less the open reduce-only orders already on that side.
   * Zero or less: there is nothing left to reduce.
   */
  reducibleLots(cell: number, is_buy: boolean): number {
    const position = this.position_lots[cell];
    return is_buy ? -position - this.reduce_only_buy_lots[cell] : position - this.reduce_only_sell_lots[cell];
  }

  /** Adds `delta_lots` (signed) to a position and keeps the held-symbols list current. */
  addPosition(account: number, symbol: number, delta_lots: number): void {
    const cell = account * this.symbols + symbol;
    const before = this.position_lots[cell];
    const after = before + delta_lots;
    this.position_lots[cell] = after;
    if (before === 0 && after !== 0) {
      const k = this.held_count[account]++;
      this.held_symbols[account * this.symbols + k] = symbol;
      this.held_index[cell] = k;
    } else if (before !== 0 && after === 0) {
      const k = this.held_index[cell];
      const last = --this.held_count[account];
      const moved = this.held_symbols[account * this.symbols + last];
      this.held_symbols[account * this.symbols + k] = moved;
      this.held_index[account * this.symbols + moved] = k;
      this.held_index[cell] = -1;
    }
  }

  /**
   * The engine's clock for the current batch. A field, not an argument: an epoch-ms double
   * passed to a call that is not inlined would be boxed, allocating on every order.
   */
  now_ms = 0;

  /**
   * New-order token bucket: refills at `rate_per_sec` up to `burst`, then takes one token
   * if there is one. Returns false when the account is over its rate.
   */
  takeToken(account: number, rate_per_sec: number, burst: number): boolean {
    return this.take(this.tokens, this.tokens_at_ms, account, rate_per_sec, burst);
  }

  /** New-order tokens the account would have now, without taking one. */
  peekTokens(account: number, rate_per_sec: number, burst: number): number {
    return this.peek(this.tokens, this.tokens_at_ms, account, rate_per_sec, burst);
  }

  /** The modification bucket's takeToken (replaces; cancels take one but ignore the answer). */
  takeModifyToken(account: number, rate_per_sec: number, burst: number): boolean {
    return this.take(this.modify_tokens, this.modify_tokens_at_ms, account, rate_per_sec, burst);
  }

  peekModifyTokens(account: number, rate_per_sec: number, burst: number): number {
    return this.peek(this.modify_tokens, this.modify_tokens_at_ms, account, rate_per_sec, burst);
  }

  /**
   * One bucket, by its two arrays (passing a typed array allocates nothing). An empty
   * bucket is left at what it holds, never below zero, so a refused message (or a cancel,
   * which is never refused) does not push the account's next token further away.
   */
  private take(tokens_of: Float64Array, at_of: Float64Array, account: number, rate_per_sec: number, burst: number): boolean {
    const now_ms = this.now_ms;
    let tokens = tokens_of[account];
    if (tokens < 0) tokens = burst; // first message: start full
    else tokens = Math.min(burst, tokens + ((now_ms - at_of[account]) * rate_per_sec) / 1000);
    at_of[account] = now_ms;
    if (tokens < 1) {
      tokens_of[account] = tokens;
      return false;
    }
    tokens_of[account] = tokens - 1;
    return true;
  }

  private peek(tokens_of: Float64Array, at_of: Float64Array, account: number, rate_per_sec: number, burst: number): number {
    const tokens = tokens_of[account];
    if (tokens < 0) return burst;
    return Math.min(burst, tokens + ((this.now_ms - at_of[account]) * rate_per_sec) / 1000);
  }
}
