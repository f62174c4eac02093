/**
 * Pre-trade risk, run by the engine on every new order and replace, and by the dry-run
 * CHECK. Reads only typed arrays: the active limits bank, the account book, the engine's
 * mark cache and the shared PnL table. Returns a RejectCode (0 = pass); a failed check
 * stops at the first rule it breaks, in this order:
 *
 *   kill switch (global, account) -> trading state (the stricter of global and account:
 *   HALTED refuses everything, REDUCING all but reduce-only orders) -> halted symbol ->
 *   message-rate throttle -> max order quantity -> reference price present -> mark fresh ->
 *   price collar -> max order notional -> max open orders -> position limit (open orders
 *   count) -> credit (gross exposure) -> portfolio net notional -> portfolio gross notional ->
 *   PnL fresh -> daily loss -> self-trade prevention
 *
 * Every order needs its symbol's mark (the collar for priced orders, the touch for market
 * ones), and every order needs its account's PnL while there is a PnL table (the daily
 * loss). A mark or PnL figure older than its allowed age (by the engine's own clock,
 * `book.now_ms`, which it already keeps) refuses the order STALE_MARK / STALE_PNL rather
 * than checking it against old numbers: two subtractions of doubles already in arrays.
 *
 * The throttle has two buckets per account: new orders (and dry runs) take from the
 * new-order bucket, replaces from the modification bucket, so an account over its
 * new-order rate can still move its orders. A cancel is never checked here and never
 * refused: it takes a modification token when there is one (countCancel), so a cancel
 * storm slows the account's replaces but can never keep it from pulling an order.
 *
 * A reduce-only order (ExecInst.REDUCE_ONLY; the engine has already checked and trimmed it
 * to what the position allows) adds no risk, so the limits that guard new risk do not
 * apply to it: max order notional, max open orders, the position limit, credit (gross
 * exposure), the portfolio net and gross notional, and the daily loss with its PnL freshness. Everything else does: the kill
 * switches, a halt, the throttle, max order quantity (a fat-finger guard), the reference
 * price and its freshness, the price collar, and self-trade prevention.
 *
 * The portfolio limits read the account's sums across all its symbols that EngineState keeps
 * current (PortfolioExposure: valued at the mark, open orders counted), so they cost a few
 * reads however many symbols or orders the account has. The order itself is valued at its
 * symbol's mark (present: the mark check above refuses an order without one).
 *
 * A dry run computes every rule's utilisation (the highest, in basis points, and a
 * warning bit for each rule at 80% or more) and takes no throttle token.
 */
import { OrderType, RiskLevel, RiskWarning, Side, TradingState } from '../protocol/enums.js';
import { RejectCode } from '../protocol/reject_codes.js';
import { hasLimitPrice } from '../protocol/order_type_rules.js';
import { PNL_FIELD_COUNT, PnlField } from '../reference/pnl_table.js';
import { RiskLimits } from '../reference/risk_limits.js';
import { SeqlockTable } from '../reference/seqlock_table.js';
import { EngineState } from '../state/engine_state.js';
import { MarkCache } from '../state/mark_cache.js';

const WARN_AT = 0.8;

/** How old an input risk may use, in ms by the engine's clock; 0 turns the check off. */
export interface InputAgeLimits {
  readonly max_mark_age_ms: number;
  readonly max_pnl_age_ms: number;
}

const NO_AGE_LIMITS: InputAgeLimits = { max_mark_age_ms: 0, max_pnl_age_ms: 0 };

export class PreTradeRisk {
  /** Results of the last dry run. */
  utilization_bps = 0;
  warnings = 0;
  private readonly pnl_scratch = new Float64Array(PNL_FIELD_COUNT);
  /** Result of grossPositionNotional, in a field so no double is returned from a call. */
  private gross_micros = 0;
  private readonly max_mark_age_ms: number;
  private readonly max_pnl_age_ms: number;

  constructor(
    private readonly state: EngineState,
    private readonly marks: MarkCache,
    public limits: RiskLimits,
    private readonly pnl: SeqlockTable | null,
    ages: InputAgeLimits = NO_AGE_LIMITS,
  ) {
    this.max_mark_age_ms = ages.max_mark_age_ms;
    this.max_pnl_age_ms = ages.max_pnl_age_ms;
  }

  /** Price in ticks that values the order's open quantity: limit, trigger (stop, market-if-touched), or the touch for market orders. */
  refPrice(symbol: number, side: number, order_type: number, price_ticks: number, stop_price_ticks: number): number {
    if (hasLimitPrice(order_type)) return price_ticks;
    if (order_type === OrderType.STOP || order_type === OrderType.MARKET_IF_TOUCHED || order_type === OrderType.TRAILING_STOP) {
      return stop_price_ticks;
    }
    const touch = side === Side.BUY ? this.marks.ask_ticks[symbol] : this.marks.bid_ticks[symbol];
    return touch > 0 ? touch : this.marks.last_ticks[symbol];
  }

  /**
   * @param qty_lots      order quantity (for a replace, the new total)
   * @param leaves_lots   quantity that would be open after acceptance (qty minus what is filled)
   * @param replacing_slot the order a replace supersedes, whose exposure is set aside (and the
   *   throttle token comes from the modification bucket); -1 for new orders and dry runs
   * @param reduce_only   a reduce-only order, already sized to the position: exempt from the
   *   limits on new risk (see the file comment)
   */
  check(
    account: number, symbol: number, side: number, order_type: number,
    qty_lots: number, leaves_lots: number, price_ticks: number, stop_price_ticks: number,
    replacing_slot: number, dry_run: boolean, reduce_only: boolean,
  ): number {
    const state = this.state;
    const book = state.book;
    const limits = this.limits;
    const cell = account * book.symbols + symbol;
    this.utilization_bps = 0;
    this.warnings = 0;

    if (state.global_kill !== 0) return RejectCode.KILL_SWITCH_GLOBAL;
    if (book.kill_switch[account] !== 0) return RejectCode.KILL_SWITCH_ACCOUNT;
    const account_trading = book.trading_state[account];
    const trading = state.global_trading_state > account_trading ? state.global_trading_state : account_trading;
    if (trading !== TradingState.ACTIVE) {
      if (trading === TradingState.HALTED) return RejectCode.TRADING_HALTED;
      if (!reduce_only) return RejectCode.TRADING_REDUCING;
    }
    if (state.halted[symbol] !== 0) return RejectCode.SYMBOL_HALTED;

    if (replacing_slot >= 0) {
      if (!book.takeModifyToken(account, limits.modify_rate_per_sec[account], limits.modify_burst[account])) return RejectCode.THROTTLED;
    } else {
      const rate = limits.rate_per_sec[account];
      const burst = limits.burst[account];
      if (dry_run) {
        const tokens = book.peekTokens(account, rate, burst);
        if (tokens < 1) return RejectCode.THROTTLED;
        this.note((burst - tokens + 1) / burst, RiskWarning.THROTTLE_NEAR_LIMIT);
      } else if (!book.takeToken(account, rate, burst)) {
        return RejectCode.THROTTLED;
      }
    }

    const max_qty = limits.max_order_qty_lots[symbol];
    if (qty_lots > max_qty) return RejectCode.MAX_ORDER_QTY;
    if (dry_run) this.note(qty_lots / max_qty, RiskWarning.ORDER_QTY_NEAR_LIMIT);

    const last = this.marks.last_ticks[symbol];
    if (!(last > 0)) return RejectCode.NO_REFERENCE_PRICE;
    if (this.max_mark_age_ms > 0 && book.now_ms - this.marks.updated_at_ms[symbol] > this.max_mark_age_ms) {
      return RejectCode.STALE_MARK;
    }
    const collar_ticks = (limits.collar_bps[symbol] * last) / 10_000;
    if (price_ticks > 0) {
      const distance = Math.abs(price_ticks - last);
      if (distance > collar_ticks) return RejectCode.PRICE_COLLAR;
      if (dry_run) this.note(distance / collar_ticks, RiskWarning.PRICE_FAR_FROM_MARK);
    }
    if (stop_price_ticks > 0) {
      const distance = Math.abs(stop_price_ticks - last);
      if (distance > collar_ticks) return RejectCode.PRICE_COLLAR;
      if (dry_run) this.note(distance / collar_ticks, RiskWarning.PRICE_FAR_FROM_MARK);
    }

    if (reduce_only) {
      if (this.wouldSelfTrade(account, symbol, side, order_type, price_ticks)) return RejectCode.SELF_TRADE;
      return RejectCode.OK;
    }

    const scale = state.notional_scale[symbol];
    const ref = this.refPrice(symbol, side, order_type, price_ticks, stop_price_ticks);
    const order_notional = qty_lots * ref * scale;
    const max_notional = limits.max_order_notional_micros[symbol];
    if (order_notional > max_notional) return RejectCode.MAX_ORDER_NOTIONAL;
    if (dry_run) this.note(order_notional / max_notional, RiskWarning.ORDER_NOTIONAL_NEAR_LIMIT);

    // Exposure already open, with the order being replaced (if any) set aside.
    let open_orders = book.open_orders[account];
    let open_buy = book.open_buy_lots[cell];
    let open_sell = book.open_sell_lots[cell];
    let open_notional = book.open_notional_micros[account];
    if (replacing_slot >= 0) {
      const slab = state.slab;
      const orig_leaves = slab.qty_lots[replacing_slot] - slab.filled_qty_lots[replacing_slot];
      open_orders -= 1;
      if (slab.side[replacing_slot] === Side.BUY) open_buy -= orig_leaves;
      else open_sell -= orig_leaves;
      open_notional -= orig_leaves * slab.ref_price_ticks[replacing_slot] * scale;
    }

    const max_open = limits.max_open_orders[account];
    if (open_orders >= max_open) return RejectCode.MAX_OPEN_ORDERS;
    if (dry_run) this.note((open_orders + 1) / max_open, RiskWarning.OPEN_ORDERS_NEAR_LIMIT);

    const max_position = limits.max_position_lots[cell];
    const position = book.position_lots[cell];
    const projected = side === Side.BUY ? position + open_buy + leaves_lots : -(position - open_sell - leaves_lots);
    if (projected > max_position) return RejectCode.POSITION_LIMIT;
    if (dry_run) this.note(max_position > 0 ? projected / max_position : 1, RiskWarning.POSITION_NEAR_LIMIT);

    this.computeGrossPositionNotional(account);
    const exposure = open_notional + this.gross_micros + leaves_lots * ref * scale;
    const credit = limits.credit_limit_micros[account];
    if (exposure > credit) return RejectCode.CREDIT_LIMIT;
    if (dry_run) this.note(credit > 0 ? exposure / credit : 1, RiskWarning.CREDIT_NEAR_LIMIT);

    const portfolio_code = this.checkPortfolio(account, symbol, side, leaves_lots, replacing_slot, dry_run);
    if (portfolio_code !== RejectCode.OK) return portfolio_code;

    if (this.pnl !== null) {
      this.pnl.read(account, this.pnl_scratch);
      if (this.max_pnl_age_ms > 0 && book.now_ms - this.pnl_scratch[PnlField.UPDATED_AT_MS] > this.max_pnl_age_ms) {
        return RejectCode.STALE_PNL;
      }
      const loss = -this.pnl_scratch[PnlField.DAILY_PNL_MICROS];
      const max_loss = limits.daily_loss_limit_micros[account];
      if (loss > 0 && loss >= max_loss) return RejectCode.DAILY_LOSS_LIMIT;
      if (dry_run && loss > 0) this.note(loss / max_loss, RiskWarning.DAILY_LOSS_NEAR_LIMIT);
    }

    if (this.wouldSelfTrade(account, symbol, side, order_type, price_ticks)) return RejectCode.SELF_TRADE;
    return RejectCode.OK;
  }

  /**
   * The portfolio limits: the account's net notional (each direction: every open buy
   * filled, every open sell filled) and gross notional across all symbols, with this
   * order's open quantity added at its symbol's mark and the replaced order's, if any,
   * taken out. Split from check() to keep that function's size in reach of the JIT; it
   * takes integers only (a double argument to a call that is not inlined is boxed).
   */
  private checkPortfolio(
    account: number, symbol: number, side: number, leaves_lots: number, replacing_slot: number, dry_run: boolean,
  ): number {
    const portfolio = this.state.portfolio;
    const micros_per_lot = this.marks.last_ticks[symbol] * this.state.notional_scale[symbol];
    let gross = portfolio.gross_micros[account];
    let net_long = portfolio.net_long_micros[account];
    let net_short = portfolio.net_short_micros[account];
    if (replacing_slot >= 0) {
      const slab = this.state.slab;
      const orig = (slab.qty_lots[replacing_slot] - slab.filled_qty_lots[replacing_slot])
        * portfolio.value_ticks[symbol] * this.state.notional_scale[symbol];
      gross -= orig;
      if (slab.side[replacing_slot] === Side.BUY) net_long -= orig;
      else net_short += orig;
    }
    const added = leaves_lots * micros_per_lot;
    const net = side === Side.BUY ? net_long + added : -(net_short - added);
    const max_net = this.limits.max_net_notional_micros[account];
    if (net > max_net) return RejectCode.PORTFOLIO_NET_LIMIT;
    if (dry_run) this.note(net / max_net, RiskWarning.PORTFOLIO_NET_NEAR_LIMIT);
    const max_gross = this.limits.max_gross_notional_micros[account];
    const gross_after = gross + added;
    if (gross_after > max_gross) return RejectCode.PORTFOLIO_GROSS_LIMIT;
    if (dry_run) this.note(gross_after / max_gross, RiskWarning.PORTFOLIO_GROSS_NEAR_LIMIT);
    return RejectCode.OK;
  }

  /**
   * A cancel's share of the modification budget: takes a token if one is there and never
   * refuses (the answer is dropped on purpose). Pulling an order removes risk; a throttle
   * that could keep an account from doing so would add it.
   */
  countCancel(account: number): void {
    this.state.book.takeModifyToken(account, this.limits.modify_rate_per_sec[account], this.limits.modify_burst[account]);
  }

  /**
   * A contingent list's share of the new-order budget: one token per member, all or none
   * (each member was checked as a dry run first, which takes nothing). False: THROTTLED.
   */
  takeListTokens(account: number, members: number): boolean {
    const book = this.state.book;
    const rate = this.limits.rate_per_sec[account];
    const burst = this.limits.burst[account];
    if (book.peekTokens(account, rate, burst) < members) return false;
    for (let k = 0; k < members; k++) book.takeToken(account, rate, burst);
    return true;
  }

  /**
   * Whether `members` more open orders fit the account's max_open_orders (a dry run checks
   * one order at a time; a list adds all its members at once).
   */
  openOrdersFit(account: number, members: number): boolean {
    return this.state.book.open_orders[account] + members <= this.limits.max_open_orders[account];
  }

  /**
   * Would a limit order at this price take liquidity on arrival, that is cross the touch
   * on the other side (the simulated venue fills such an order at once)? With no touch
   * there is nothing to take. For post-only orders (ExecInst.POST_ONLY).
   */
  wouldTake(symbol: number, side: number, price_ticks: number): boolean {
    if (side === Side.BUY) {
      const ask = this.marks.ask_ticks[symbol];
      return ask > 0 && price_ticks >= ask;
    }
    const bid = this.marks.bid_ticks[symbol];
    return bid > 0 && price_ticks <= bid;
  }

  /** Risk level for a dry run's outcome. */
  riskLevel(code: number): RiskLevel {
    if (code !== RejectCode.OK) return RiskLevel.CRITICAL;
    if (this.utilization_bps >= 8000) return RiskLevel.HIGH;
    if (this.utilization_bps >= 5000) return RiskLevel.MEDIUM;
    return RiskLevel.LOW;
  }

  /** Sum over held symbols of |position| at the last price, in micros (for callers off the hot path). */
  grossPositionNotional(account: number): number {
    this.computeGrossPositionNotional(account);
    return this.gross_micros;
  }

  /** Writes the sum into `gross_micros` rather than returning it (see the field). */
  private computeGrossPositionNotional(account: number): void {
    const book = this.state.book;
    const scale = this.state.notional_scale;
    const last = this.marks.last_ticks;
    let total = 0;
    const base = account * book.symbols;
    for (let k = 0; k < book.held_count[account]; k++) {
      const symbol = book.held_symbols[base + k];
      total += Math.abs(book.position_lots[base + symbol]) * last[symbol] * scale[symbol];
    }
    this.gross_micros = total;
  }

  /** Would the order cross a resting order of the same account on the other side? */
  private wouldSelfTrade(account: number, symbol: number, side: number, order_type: number, price_ticks: number): boolean {
    const book = this.state.book;
    const cell = account * book.symbols + symbol;
    const crosses_any = !hasLimitPrice(order_type);
    // The best own prices are kept current as orders come and go (AccountBook.resting_prices),
    // so this is two array reads whatever the number of open orders.
    if (side === Side.BUY) {
      if (book.resting_sells[cell] === 0) return false;
      return crosses_any || price_ticks >= book.bestRestingSell(cell);
    }
    if (book.resting_buys[cell] === 0) return false;
    return crosses_any || price_ticks <= book.bestRestingBuy(cell);
  }

  private note(ratio: number, warning: number): void {
    const bps = Math.round(ratio * 10_000);
    if (bps > this.utilization_bps) this.utilization_bps = bps;
    if (ratio >= WARN_AT) this.warnings |= warning;
  }
}
