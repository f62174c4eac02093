/**
 * Everything the engine knows, rebuilt from events alone. `apply` is the only code that
 * changes it: the live engine writes an event into the ring and then applies that very
 * slot, and recovery applies journal records the same way, so replaying a journal yields
 * the state the live engine had at that sequence, by construction.
 *
 * Derived structures that need no persistence (the simulated venue's price queues, the
 * expiry queue) are rebuilt from the open orders after recovery, not kept here.
 */
import { isLegalTransition } from '../lifecycle/order_lifecycle.js';
import { EventType, ExecInst, OrderStatus, OrderType, Side, TradingState } from '../protocol/enums.js';
import {
  EV_ACCOUNT, EV_ARG, EV_CL_ORD_ID, EV_CL_ORD_ID_LENGTH, EV_CONTENT_HASH, EV_EXPIRE_AT_MS, EV_FILLED_QTY_LOTS,
  EV_FILL_NOTIONAL, EV_FLAG, EV_LAST_FILL_PRICE_TICKS, EV_LAST_FILL_QTY_LOTS, EV_ORDER_ID, EV_ORDER_TYPE, EV_ORIG_ORDER_ID, EV_PRICE_TICKS,
  EV_QTY_LOTS, EV_REF_PRICE_TICKS, EV_SEQ, EV_SESSION_ID, EV_SIDE, EV_STATUS, EV_STOP_PRICE_TICKS, EV_SYMBOL,
  EV_TIME_IN_FORCE, EV_TRIGGERED, EV_TYPE, EV_EXEC_INST, EV_LIMIT_OFFSET_TICKS, EV_TRAILING_OFFSET, EV_TRAILING_OFFSET_TYPE,
  EVENT_FLAG_HELD,
} from '../protocol/event_layout.js';
import { LIST_ORDERS_MAX } from '../protocol/order_list_rules.js';
import { SlotViews } from '../protocol/slot_views.js';
import { AccountBook } from './account_book.js';
import { DedupeIndex, IsOrderOpen } from './dedupe_index.js';
import { OrderIdIndex } from './order_id_index.js';
import { OrderSlab } from './order_slab.js';
import { PortfolioExposure } from './portfolio_exposure.js';
import { OrderLists } from './order_lists.js';

export interface EngineCapacity {
  readonly accounts: number;
  readonly symbols: number;
  /** Open orders the engine can hold at once. */
  readonly max_open_orders: number;
  /** Client order ids remembered for idempotency (power of two, >= 2 * max_open_orders). */
  readonly dedupe_window: number;
}

export class StateCorruptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateCorruptionError';
  }
}

export class EngineState implements IsOrderOpen {
  readonly capacity: EngineCapacity;
  readonly notional_scale: Float64Array;
  readonly slab: OrderSlab;
  readonly index: OrderIdIndex;
  readonly dedupe: DedupeIndex;
  readonly book: AccountBook;
  /** Each account's gross and net notional across symbols, kept current with the book (portfolio limits). */
  readonly portfolio: PortfolioExposure;
  /** Contingent order lists: each open order's list, and each list's members. */
  readonly lists: OrderLists;
  readonly halted: Uint8Array;
  global_kill = 0;
  /** TradingState for every account at once; the stricter of it and the account's applies. */
  global_trading_state: number = TradingState.ACTIVE;
  last_seq = 0;
  next_order_id = 1;
  limits_version = 0;
  events_applied = 0;

  constructor(capacity: EngineCapacity, notional_scale: ArrayLike<number>) {
    if (capacity.dedupe_window < 2 * capacity.max_open_orders) {
      throw new Error('dedupe_window must be at least twice max_open_orders');
    }
    if (notional_scale.length !== capacity.symbols) throw new Error('one notional scale per symbol');
    this.capacity = capacity;
    this.notional_scale = Float64Array.from(notional_scale);
    this.slab = new OrderSlab(capacity.max_open_orders, capacity.accounts);
    this.index = new OrderIdIndex(nextPowerOfTwo(capacity.max_open_orders * 2));
    this.dedupe = new DedupeIndex(capacity.dedupe_window);
    this.book = new AccountBook(capacity.accounts, capacity.symbols, capacity.max_open_orders);
    this.portfolio = new PortfolioExposure(this.book, this.notional_scale);
    this.lists = new OrderLists(capacity.max_open_orders, nextPowerOfTwo(capacity.max_open_orders * 2));
    this.halted = new Uint8Array(capacity.symbols);
  }

  /**
   * Back to the state of a new EngineState of the same capacity, without allocating: for a
   * worker that rebuilds state again and again (the snapshot task) and must not leave a
   * few hundred MB of typed arrays behind each time.
   */
  reset(): void {
    this.slab.reset();
    this.index.reset();
    this.dedupe.reset();
    this.book.reset();
    this.portfolio.reset();
    this.lists.reset();
    this.halted.fill(0);
    this.global_kill = 0;
    this.global_trading_state = TradingState.ACTIVE;
    this.last_seq = 0;
    this.next_order_id = 1;
    this.limits_version = 0;
    this.events_applied = 0;
  }

  isOpen(order_id: number): boolean {
    return this.index.get(order_id) >= 0;
  }

  slotOf(order_id: number): number {
    return this.index.get(order_id);
  }

  /** Applies one event. Throws StateCorruptionError if the event cannot follow the current state. */
  apply(v: SlotViews, base: number): void {
    const seq = v.f64[(base + EV_SEQ) >> 3];
    if (seq !== this.last_seq + 1) throw new StateCorruptionError(`event sequence ${seq} does not follow ${this.last_seq}`);
    const type = v.u8[base + EV_TYPE];
    switch (type) {
      case EventType.ACCEPTED:
        this.openOrder(v, base, true);
        if (v.f64[(base + EV_ARG) >> 3] !== 0) this.joinList(v, base);
        break;
      case EventType.REJECTED:
        break;
      case EventType.FILL:
        this.applyFill(v, base);
        break;
      case EventType.CANCELED:
      case EventType.EXPIRED:
        this.closeOrder(this.requireSlot(v.f64[(base + EV_ORDER_ID) >> 3], type), v.u8[base + EV_STATUS]);
        break;
      case EventType.REPLACED: {
        // A list member's replacement takes its place in the list.
        const orig = this.requireSlot(v.f64[(base + EV_ORIG_ORDER_ID) >> 3], type);
        const lists = this.lists;
        const list = lists.list_of[orig];
        const member = lists.member[orig];
        const held = lists.held[orig];
        if (list >= 0) lists.detach(orig);
        this.closeOrder(orig, OrderStatus.REPLACED);
        this.openOrder(v, base, true);
        if (list >= 0) lists.attach(list, member, held, this.index.get(v.f64[(base + EV_ORDER_ID) >> 3]));
        break;
      }
      case EventType.TRIGGERED:
        this.applyTrigger(v, base);
        break;
      case EventType.TRIGGER_MOVED:
        this.applyTriggerMoved(v, base);
        break;
      case EventType.ORDER_LIST: {
        const list_id = v.f64[(base + EV_ORDER_ID) >> 3];
        if (this.lists.find(list_id) >= 0) throw new StateCorruptionError(`order list ${list_id} opened twice`);
        if (this.lists.openList(list_id, v.u8[base + EV_FLAG], v.i32[(base + EV_ACCOUNT) >> 2]) < 0) {
          throw new StateCorruptionError('no room for another order list');
        }
        break;
      }
      case EventType.LIST_UPDATED:
        this.applyListUpdated(v, base);
        break;
      case EventType.KILL_SWITCH: {
        const account = v.i32[(base + EV_ACCOUNT) >> 2];
        if (account < 0) this.global_kill = v.u8[base + EV_FLAG];
        else this.book.kill_switch[account] = v.u8[base + EV_FLAG];
        break;
      }
      case EventType.SYMBOL_HALT:
        this.halted[v.i32[(base + EV_SYMBOL) >> 2]] = v.u8[base + EV_FLAG];
        break;
      case EventType.LIMITS_SWAPPED:
        this.limits_version = v.f64[(base + EV_ARG) >> 3];
        break;
      case EventType.STATE_HASH:
        break;
      case EventType.TRADING_STATE: {
        const account = v.i32[(base + EV_ACCOUNT) >> 2];
        if (account < 0) this.global_trading_state = v.u8[base + EV_FLAG];
        else this.book.trading_state[account] = v.u8[base + EV_FLAG];
        break;
      }
      default:
        throw new StateCorruptionError(`unknown event type ${type} at sequence ${seq}`);
    }
    const order_id = v.f64[(base + EV_ORDER_ID) >> 3];
    if (order_id >= this.next_order_id) this.next_order_id = order_id + 1;
    this.last_seq = seq;
    this.events_applied++;
  }

  /**
   * Snapshot restore: puts an open order back from an ACCEPTED-shaped image of its full
   * state (no sequence check; the counters are restored separately).
   */
  restoreOpenOrder(v: SlotViews, base: number): void {
    // The idempotency window is restored on its own, in its FIFO order.
    this.openOrder(v, base, false);
  }

  /**
   * Snapshot restore: puts the open order `order_id` (restored just before) back into its
   * list, opening the list with its first member to come back.
   */
  restoreListMember(order_id: number, list_id: number, contingency: number, member: number, held: number): void {
    const slot = this.requireSlot(order_id, EventType.ACCEPTED);
    let list = this.lists.find(list_id);
    if (list < 0) list = this.lists.openList(list_id, contingency, this.slab.account[slot]);
    if (list < 0 || member >= LIST_ORDERS_MAX) throw new StateCorruptionError(`order ${order_id} cannot rejoin list ${list_id}`);
    this.lists.join(list, slot, member, held);
  }

  /** Snapshot restore: the counters as they were after the snapshot's last event. */
  restoreCounters(last_seq: number, next_order_id: number, limits_version: number, global_kill: number,
    global_trading_state: number = TradingState.ACTIVE): void {
    this.last_seq = last_seq;
    this.next_order_id = next_order_id;
    this.limits_version = limits_version;
    this.global_kill = global_kill;
    this.global_trading_state = global_trading_state;
  }

  /**
   * @param remember_id record the client order id in the idempotency window. The engine
   *   only ever accepts an id it did not find there, so an accepted order's id is always new.
   */
  private openOrder(v: SlotViews, base: number, remember_id: boolean): void {
    const slab = this.slab;
    const order_id = v.f64[(base + EV_ORDER_ID) >> 3];
    const account = v.i32[(base + EV_ACCOUNT) >> 2];
    const status = v.u8[base + EV_STATUS];
    if (status !== OrderStatus.ACCEPTED && status !== OrderStatus.PARTIALLY_FILLED) {
      throw new StateCorruptionError(`order ${order_id} opened with status ${status}`);
    }
    if (this.index.get(order_id) >= 0) throw new StateCorruptionError(`order ${order_id} opened twice`);
    const slot = slab.allocate(account);
    if (slot < 0) throw new StateCorruptionError('order slab full while applying an accepted order');
    slab.order_id[slot] = order_id;
    slab.symbol[slot] = v.i32[(base + EV_SYMBOL) >> 2];
    slab.session_id[slot] = v.u32[(base + EV_SESSION_ID) >> 2];
    slab.content_hash[slot] = v.i32[(base + EV_CONTENT_HASH) >> 2];
    slab.side[slot] = v.u8[base + EV_SIDE];
    slab.order_type[slot] = v.u8[base + EV_ORDER_TYPE];
    slab.time_in_force[slot] = v.u8[base + EV_TIME_IN_FORCE];
    slab.status[slot] = status;
    slab.triggered[slot] = v.u8[base + EV_TRIGGERED];
    slab.exec_inst[slot] = v.u8[base + EV_EXEC_INST];
    slab.trailing_offset_type[slot] = v.u8[base + EV_TRAILING_OFFSET_TYPE];
    slab.trailing_offset[slot] = v.i32[(base + EV_TRAILING_OFFSET) >> 2];
    slab.limit_offset_ticks[slot] = v.i32[(base + EV_LIMIT_OFFSET_TICKS) >> 2];
    slab.qty_lots[slot] = v.f64[(base + EV_QTY_LOTS) >> 3];
    slab.price_ticks[slot] = v.f64[(base + EV_PRICE_TICKS) >> 3];
    slab.stop_price_ticks[slot] = v.f64[(base + EV_STOP_PRICE_TICKS) >> 3];
    slab.filled_qty_lots[slot] = v.f64[(base + EV_FILLED_QTY_LOTS) >> 3];
    slab.fill_notional[slot] = v.f64[(base + EV_FILL_NOTIONAL) >> 3];
    slab.expire_at_ms[slot] = v.f64[(base + EV_EXPIRE_AT_MS) >> 3];
    slab.ref_price_ticks[slot] = v.f64[(base + EV_REF_PRICE_TICKS) >> 3];
    const length = v.u8[base + EV_CL_ORD_ID_LENGTH];
    slab.setClientOrderId(slot, v.u8, base + EV_CL_ORD_ID, length);
    this.index.set(order_id, slot);
    this.book.open_orders[account]++;
    if (remember_id) this.dedupe.insert(account, v.u8, base + EV_CL_ORD_ID, length, order_id, slab.content_hash[slot], this);
    this.addExposure(slot);
  }

  /** A member's ACCEPTED event names its list, opened by the ORDER_LIST event just before: it joins as the next member. */
  private joinList(v: SlotViews, base: number): void {
    const order_id = v.f64[(base + EV_ORDER_ID) >> 3];
    const list_id = v.f64[(base + EV_ARG) >> 3];
    const list = this.lists.find(list_id);
    if (list < 0) throw new StateCorruptionError(`order ${order_id} names list ${list_id}, which is not open`);
    const member = this.lists.joined[list];
    if (member >= LIST_ORDERS_MAX || this.lists.account[list] !== v.i32[(base + EV_ACCOUNT) >> 2]) {
      throw new StateCorruptionError(`order ${order_id} cannot join list ${list_id}`);
    }
    this.lists.join(list, this.index.get(order_id), member, (v.u8[base + EV_FLAG] & EVENT_FLAG_HELD) !== 0 ? 1 : 0);
  }

  /** Its list released a held member (sized to what the parent filled) or reduced an OUO member. */
  private applyListUpdated(v: SlotViews, base: number): void {
    const slab = this.slab;
    const slot = this.requireSlot(v.f64[(base + EV_ORDER_ID) >> 3], EventType.LIST_UPDATED);
    const qty = v.f64[(base + EV_QTY_LOTS) >> 3];
    if (this.lists.list_of[slot] < 0 || !(qty > slab.filled_qty_lots[slot]) || qty > slab.qty_lots[slot]) {
      throw new StateCorruptionError(`order ${slab.order_id[slot]}: list update to quantity ${qty} does not fit`);
    }
    this.removeExposure(slot);
    slab.qty_lots[slot] = qty;
    this.lists.held[slot] = (v.u8[base + EV_FLAG] & EVENT_FLAG_HELD) !== 0 ? 1 : 0;
    this.addExposure(slot);
  }

  private applyFill(v: SlotViews, base: number): void {
    const slab = this.slab;
    const slot = this.requireSlot(v.f64[(base + EV_ORDER_ID) >> 3], EventType.FILL);
    const status = v.u8[base + EV_STATUS];
    this.assertTransition(slot, status);
    const fill_lots = v.f64[(base + EV_LAST_FILL_QTY_LOTS) >> 3];
    const account = slab.account[slot];
    const symbol = slab.symbol[slot];
    const book = this.book;
    const cell = account * book.symbols + symbol;
    const reduce_only = (slab.exec_inst[slot] & ExecInst.REDUCE_ONLY) !== 0;
    const portfolio = this.portfolio;
    portfolio.remove(account, symbol);
    if (slab.side[slot] === Side.BUY) {
      book.open_buy_lots[cell] -= fill_lots;
      if (reduce_only) book.reduce_only_buy_lots[cell] -= fill_lots;
      book.addPosition(account, symbol, fill_lots);
    } else {
      book.open_sell_lots[cell] -= fill_lots;
      if (reduce_only) book.reduce_only_sell_lots[cell] -= fill_lots;
      book.addPosition(account, symbol, -fill_lots);
    }
    portfolio.add(account, symbol);
    portfolio.noteReference(symbol, v.f64[(base + EV_LAST_FILL_PRICE_TICKS) >> 3]);
    book.open_notional_micros[account] -= fill_lots * slab.ref_price_ticks[slot] * this.notional_scale[symbol];
    slab.filled_qty_lots[slot] = v.f64[(base + EV_FILLED_QTY_LOTS) >> 3];
    slab.fill_notional[slot] = v.f64[(base + EV_FILL_NOTIONAL) >> 3];
    slab.status[slot] = status;
    if (status === OrderStatus.FILLED) {
      // Leaves are zero now, so this only takes the order out of the self-trade counts.
      this.removeExposure(slot);
      this.release(slot);
    }
  }

  private applyTrigger(v: SlotViews, base: number): void {
    const slab = this.slab;
    const slot = this.requireSlot(v.f64[(base + EV_ORDER_ID) >> 3], EventType.TRIGGERED);
    this.assertTransition(slot, v.u8[base + EV_STATUS]);
    this.removeExposure(slot);
    slab.order_type[slot] = v.u8[base + EV_ORDER_TYPE];
    slab.triggered[slot] = 1;
    slab.ref_price_ticks[slot] = v.f64[(base + EV_REF_PRICE_TICKS) >> 3];
    this.addExposure(slot);
  }

  /**
   * A trailing order's trigger followed the market: the new trigger, limit price (stop-limit)
   * and the price its open quantity is valued at come from the event; nothing else changes.
   */
  private applyTriggerMoved(v: SlotViews, base: number): void {
    const slab = this.slab;
    const slot = this.requireSlot(v.f64[(base + EV_ORDER_ID) >> 3], EventType.TRIGGER_MOVED);
    if (slab.triggered[slot] !== 0 || slab.trailing_offset_type[slot] === 0) {
      throw new StateCorruptionError(`order ${slab.order_id[slot]}: trigger moved on an order that does not trail`);
    }
    this.removeExposure(slot);
    slab.stop_price_ticks[slot] = v.f64[(base + EV_STOP_PRICE_TICKS) >> 3];
    slab.price_ticks[slot] = v.f64[(base + EV_PRICE_TICKS) >> 3];
    slab.ref_price_ticks[slot] = v.f64[(base + EV_REF_PRICE_TICKS) >> 3];
    this.addExposure(slot);
  }

  private closeOrder(slot: number, status: number): void {
    this.assertTransition(slot, status);
    this.removeExposure(slot);
    this.release(slot);
  }

  /** Frees a slot whose exposure is already zero or removed. */
  private release(slot: number): void {
    const slab = this.slab;
    const account = slab.account[slot];
    this.lists.leave(slot);
    this.book.open_orders[account]--;
    this.index.delete(slab.order_id[slot]);
    slab.release(slot);
  }

  /** True if the order sits in the book as a limit or working market order (not an untriggered stop). */
  isResting(slot: number): boolean {
    const type = this.slab.order_type[slot];
    return type === OrderType.LIMIT || type === OrderType.MARKET;
  }

  private addExposure(slot: number): void {
    const slab = this.slab;
    const book = this.book;
    const account = slab.account[slot];
    const symbol = slab.symbol[slot];
    const cell = account * book.symbols + symbol;
    const leaves = slab.qty_lots[slot] - slab.filled_qty_lots[slot];
    this.portfolio.remove(account, symbol);
    book.open_notional_micros[account] += leaves * slab.ref_price_ticks[slot] * this.notional_scale[symbol];
    if (slab.side[slot] === Side.BUY) book.open_buy_lots[cell] += leaves;
    else book.open_sell_lots[cell] += leaves;
    if ((slab.exec_inst[slot] & ExecInst.REDUCE_ONLY) !== 0) {
      if (slab.side[slot] === Side.BUY) book.reduce_only_buy_lots[cell] += leaves;
      else book.reduce_only_sell_lots[cell] += leaves;
    }
    this.portfolio.add(account, symbol);
    this.portfolio.noteReference(symbol, slab.ref_price_ticks[slot]);
    if (this.isResting(slot)) book.addResting(cell, slot, slab.side[slot] === Side.BUY, this.stpPrice(slot));
  }

  private removeExposure(slot: number): void {
    const slab = this.slab;
    const book = this.book;
    const account = slab.account[slot];
    const symbol = slab.symbol[slot];
    const cell = account * book.symbols + symbol;
    const leaves = slab.qty_lots[slot] - slab.filled_qty_lots[slot];
    this.portfolio.remove(account, symbol);
    book.open_notional_micros[account] -= leaves * slab.ref_price_ticks[slot] * this.notional_scale[symbol];
    if (slab.side[slot] === Side.BUY) book.open_buy_lots[cell] -= leaves;
    else book.open_sell_lots[cell] -= leaves;
    if ((slab.exec_inst[slot] & ExecInst.REDUCE_ONLY) !== 0) {
      if (slab.side[slot] === Side.BUY) book.reduce_only_buy_lots[cell] -= leaves;
      else book.reduce_only_sell_lots[cell] -= leaves;
    }
    this.portfolio.add(account, symbol);
    if (this.isResting(slot)) book.removeResting(cell, slot, slab.side[slot] === Side.BUY);
  }

  /** The price a resting order crosses at: its limit, or any price for a working market order. */
  stpPrice(slot: number): number {
    if (this.slab.order_type[slot] === OrderType.MARKET) return this.slab.side[slot] === Side.BUY ? Infinity : 0;
    return this.slab.price_ticks[slot];
  }

  private requireSlot(order_id: number, type: number): number {
    const slot = this.index.get(order_id);
    if (slot < 0) throw new StateCorruptionError(`event type ${type} names order ${order_id}, which is not open`);
    return slot;
  }

  private assertTransition(slot: number, to: number): void {
    const from = this.slab.status[slot];
    if (!isLegalTransition(from, to)) {
      throw new StateCorruptionError(`order ${this.slab.order_id[slot]}: illegal transition ${from} -> ${to}`);
    }
  }
}

export function nextPowerOfTwo(value: number): number {
  let power = 1;
  while (power < value) power *= 2;
  return power;
}
