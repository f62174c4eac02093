/**
 * The embedded simulated venue, so the OMS runs with no outside service.
 *
 *  - A marketable order fills at the touch: buys at the ask, sells at the bid, up to the
 *    size the mark table shows at the touch for the current tick (sizes refill on every
 *    tick). What cannot fill rests.
 *  - Resting limit orders fill when the touch crosses their price: a buy when
 *    ask <= limit, at the ask; a sell when bid >= limit, at the bid.
 *  - Triggered types fire on the last price: a buy stop when last >= trigger, a sell stop
 *    when last <= trigger; if-touched orders the other way round (a buy when last <=
 *    trigger). Once fired a stop or market-if-touched works as a market order, a
 *    stop-limit or limit-if-touched as a limit (protocol/order_type_rules.ts).
 *  - IOC leaves nothing resting (the remainder expires); FOK fills completely at once or
 *    expires without any fill. Halted symbols do not execute.
 *
 * Resting orders wait in four heaps per symbol (buy limits by highest price, sell limits
 * by lowest, triggers that fire on a rise by lowest trigger, triggers that fire on a fall
 * by highest), with lazy removal: an entry is skipped when its slot's generation moved or
 * the order no longer rests there. A buy stop and a sell if-touched order share the
 * rising heap (both fire at last >= trigger), so a mark update still looks only at the
 * tops of two trigger heaps, whatever the mix of types.
 *
 * Trailing stops also wait in one of two more heaps per symbol, keyed by the last price at
 * which their trigger would move (trailing_trigger.ts): a mark update pops only the orders
 * whose trigger moves, emits TRIGGER_MOVED for each and queues them again under their new
 * trigger and threshold. An entry whose key is no longer the order's current one (its
 * trigger moved since) is stale and skipped, in every trigger heap.
 */
import { OrderType, Side, TimeInForce, ExecReason } from '../protocol/enums.js';
import { hasLimitPrice, isTrailing, isTriggerType, triggersOnRise } from '../protocol/order_type_rules.js';
import { moveThreshold, trailedTrigger } from './trailing_trigger.js';
import { EngineState } from '../state/engine_state.js';
import { MarkCache } from '../state/mark_cache.js';
import { SlotHeap } from '../state/slot_heap.js';
import { ExecutionSink, MAX_EVENTS_PER_WORK, Venue } from './venue.js';

const COMPACT_MIN = 4096;
/** Buy limits, sell limits, rising triggers, falling triggers, sell trails, buy trails. */
const HEAPS_PER_SYMBOL = 6;

export class SimulatedVenue implements Venue {
  private readonly buy_limits: SlotHeap[] = [];
  private readonly sell_limits: SlotHeap[] = [];
  /** Untriggered orders that fire when last >= trigger (buy stops, sell if-touched), lowest first. */
  private readonly rising_triggers: SlotHeap[] = [];
  /** Untriggered orders that fire when last <= trigger (sell stops, buy if-touched), highest first. */
  private readonly falling_triggers: SlotHeap[] = [];
  /** Untriggered sell trailing orders by the last price at which their trigger moves up, lowest first. */
  private readonly trails_up: SlotHeap[] = [];
  /** Untriggered buy trailing orders by the last price at which their trigger moves down, highest first. */
  private readonly trails_down: SlotHeap[] = [];
  /** Liquidity left at the touch for the current tick, per symbol. */
  private readonly ask_available: Float64Array;
  private readonly bid_available: Float64Array;
  /** Symbols with crossing work left when the ring filled up. */
  private readonly pending: Uint8Array;
  private pending_count = 0;
  private readonly compact_at: Float64Array;
  private sink!: ExecutionSink;
  private readonly isAlive = (slot: number, generation: number): boolean =>
    this.state.slab.generation[slot] === generation && this.state.slab.status[slot] !== 0;
  private readonly isTriggerAlive = (slot: number, generation: number, key: number): boolean =>
    this.isAlive(slot, generation) && this.state.slab.triggered[slot] === 0 && isTriggerType(this.state.slab.order_type[slot])
    && key === this.triggerKey(slot);
  private readonly isTrailAlive = (slot: number, generation: number, key: number): boolean =>
    this.isAlive(slot, generation) && this.state.slab.triggered[slot] === 0 && isTrailing(this.state.slab.order_type[slot])
    && key === this.trailKey(slot);

  constructor(private readonly state: EngineState, private readonly marks: MarkCache) {
    const symbols = state.capacity.symbols;
    for (let s = 0; s < symbols; s++) {
      this.buy_limits.push(new SlotHeap());
      this.sell_limits.push(new SlotHeap());
      this.rising_triggers.push(new SlotHeap());
      this.falling_triggers.push(new SlotHeap());
      this.trails_up.push(new SlotHeap());
      this.trails_down.push(new SlotHeap());
    }
    this.ask_available = new Float64Array(symbols);
    this.bid_available = new Float64Array(symbols);
    this.pending = new Uint8Array(symbols);
    this.compact_at = new Float64Array(symbols * HEAPS_PER_SYMBOL).fill(COMPACT_MIN);
  }

  attach(sink: ExecutionSink): void {
    this.sink = sink;
  }

  work(slot: number): void {
    const slab = this.state.slab;
    const symbol = slab.symbol[slot];
    if (this.state.halted[symbol] !== 0) {
      this.rest(slot);
      return;
    }
    const type = slab.order_type[slot];
    if (slab.triggered[slot] === 0 && isTriggerType(type)) {
      if (!this.triggerReached(slot)) {
        this.rest(slot);
        return;
      }
      this.triggerNow(slot);
    }
    const tif = slab.time_in_force[slot];
    if (tif === TimeInForce.FOK && this.fillableNow(slot) < slab.qty_lots[slot] - slab.filled_qty_lots[slot]) {
      this.sink.expire(slot, ExecReason.FOK_NOT_FILLABLE);
      return;
    }
    this.executeAtTouch(slot);
    if (!this.isOpen(slot)) return;
    if (tif === TimeInForce.IOC || tif === TimeInForce.FOK) {
      this.sink.expire(slot, ExecReason.IOC_REMAINDER);
      return;
    }
    this.rest(slot);
  }

  onMarks(): number {
    const changed = this.marks.changed;
    let emitted = 0;
    for (let s = 0; s < changed.length; s++) {
      if (changed[s] === 0 && this.pending[s] === 0) continue;
      if (changed[s] !== 0) {
        changed[s] = 0;
        // A new tick refreshes the liquidity shown at the touch.
        this.ask_available[s] = this.marks.ask_size_lots[s];
        this.bid_available[s] = this.marks.bid_size_lots[s];
      }
      emitted += this.cross(s);
    }
    return emitted;
  }

  hasPendingWork(): boolean {
    return this.pending_count > 0;
  }

  rebuild(): void {
    for (let s = 0; s < this.buy_limits.length; s++) {
      this.buy_limits[s].clear();
      this.sell_limits[s].clear();
      this.rising_triggers[s].clear();
      this.falling_triggers[s].clear();
      this.trails_up[s].clear();
      this.trails_down[s].clear();
      this.marks.changed[s] = 1;
    }
    const slab = this.state.slab;
    for (let account = 0; account < slab.account_head.length; account++) {
      for (let slot = slab.account_head[account]; slot >= 0; slot = slab.nextInAccount(slot)) this.rest(slot);
    }
  }

  onHaltChanged(symbol: number): void {
    this.marks.changed[symbol] = 1;
  }

  /** Runs every execution the current marks allow on one symbol; stops early if the ring is full. */
  private cross(symbol: number): number {
    if (this.state.halted[symbol] !== 0) {
      this.setPending(symbol, false);
      return 0;
    }
    // Trailing triggers follow the new last first (a moved trigger sits away from the
    // market, so it cannot fire on the tick that moved it), then triggers fire: a trigger
    // can make an order marketable on this very tick.
    let emitted = this.trail(symbol, this.trails_up[symbol], true);
    emitted += this.trail(symbol, this.trails_down[symbol], false);
    emitted += this.crossTriggers(symbol, this.rising_triggers[symbol], true);
    emitted += this.crossTriggers(symbol, this.falling_triggers[symbol], false);
    emitted += this.crossSide(symbol, this.buy_limits[symbol], Side.BUY);
    emitted += this.crossSide(symbol, this.sell_limits[symbol], Side.SELL);
    this.setPending(symbol, !this.sink.canEmit(MAX_EVENTS_PER_WORK));
    return emitted;
  }

  /** Moves every trailing trigger the last price has reached; each move is one event. */
  private trail(symbol: number, heap: SlotHeap, up: boolean): number {
    const last = this.marks.last_ticks[symbol];
    if (last <= 0) return 0;
    const slab = this.state.slab;
    let emitted = 0;
    while (heap.length > 0) {
      const slot = heap.topSlot();
      const key = heap.topKey();
      if (!this.isTrailAlive(slot, heap.topGeneration(), key)) { heap.pop(); continue; }
      if (up ? last < key : last > -key) break;
      if (!this.sink.canEmit(MAX_EVENTS_PER_WORK)) break;
      heap.pop();
      const trigger = trailedTrigger(slab.side[slot], slab.trailing_offset_type[slot], slab.trailing_offset[slot], last);
      this.sink.moveTrigger(slot, trigger);
      emitted++;
      this.rest(slot);
    }
    return emitted;
  }

  private crossTriggers(symbol: number, heap: SlotHeap, on_rise: boolean): number {
    const last = this.marks.last_ticks[symbol];
    let emitted = 0;
    while (heap.length > 0) {
      const slot = heap.topSlot();
      if (!this.isTriggerAlive(slot, heap.topGeneration(), heap.topKey())) { heap.pop(); continue; }
      const trigger = on_rise ? heap.topKey() : -heap.topKey();
      if (last <= 0 || (on_rise ? last < trigger : last > trigger)) break;
      if (!this.sink.canEmit(MAX_EVENTS_PER_WORK)) break;
      heap.pop();
      this.work(slot);
      emitted++;
    }
    return emitted;
  }

  private crossSide(symbol: number, heap: SlotHeap, side: Side): number {
    const slab = this.state.slab;
    let emitted = 0;
    while (heap.length > 0) {
      const slot = heap.topSlot();
      if (!this.validLimit(heap, slot)) { heap.pop(); continue; }
      const touch = side === Side.BUY ? this.marks.ask_ticks[symbol] : this.marks.bid_ticks[symbol];
      const available = side === Side.BUY ? this.ask_available[symbol] : this.bid_available[symbol];
      if (touch <= 0 || available <= 0) break;
      if (slab.order_type[slot] === OrderType.LIMIT) {
        const limit = slab.price_ticks[slot];
        if (side === Side.BUY ? touch > limit : touch < limit) break;
      }
      if (!this.sink.canEmit(MAX_EVENTS_PER_WORK)) break;
      this.executeAtTouch(slot);
      emitted++;
      if (this.isOpen(slot)) break; // touch liquidity ran out before this order filled
      heap.pop();
    }
    return emitted;
  }

  /** Quantity the order could fill right now at the touch. */
  private fillableNow(slot: number): number {
    const slab = this.state.slab;
    const symbol = slab.symbol[slot];
    const buy = slab.side[slot] === Side.BUY;
    const touch = buy ? this.marks.ask_ticks[symbol] : this.marks.bid_ticks[symbol];
    if (touch <= 0) return 0;
    if (slab.order_type[slot] === OrderType.LIMIT) {
      const limit = slab.price_ticks[slot];
      if (buy ? touch > limit : touch < limit) return 0;
    }
    return buy ? this.ask_available[symbol] : this.bid_available[symbol];
  }

  private executeAtTouch(slot: number): void {
    const slab = this.state.slab;
    const fillable = this.fillableNow(slot);
    if (fillable <= 0) return;
    const symbol = slab.symbol[slot];
    const buy = slab.side[slot] === Side.BUY;
    const leaves = slab.qty_lots[slot] - slab.filled_qty_lots[slot];
    const qty = leaves < fillable ? leaves : fillable;
    if (buy) this.ask_available[symbol] -= qty;
    else this.bid_available[symbol] -= qty;
    this.sink.fill(slot, qty, buy ? this.marks.ask_ticks[symbol] : this.marks.bid_ticks[symbol]);
  }

  private triggerReached(slot: number): boolean {
    const slab = this.state.slab;
    const last = this.marks.last_ticks[slab.symbol[slot]];
    if (last <= 0) return false;
    const trigger = slab.stop_price_ticks[slot];
    return triggersOnRise(slab.order_type[slot], slab.side[slot]) ? last >= trigger : last <= trigger;
  }

  private triggerNow(slot: number): void {
    const slab = this.state.slab;
    const symbol = slab.symbol[slot];
    let ref = slab.price_ticks[slot];
    if (!hasLimitPrice(slab.order_type[slot])) {
      ref = slab.side[slot] === Side.BUY ? this.marks.ask_ticks[symbol] : this.marks.bid_ticks[symbol];
      if (ref <= 0) ref = this.marks.last_ticks[symbol];
    }
    this.sink.trigger(slot, ref);
  }

  private rest(slot: number): void {
    // A held list member (an OTO child, a bracket's exit) does not work until its list
    // releases it (the engine then calls work); after recovery it stays out of the book.
    if (this.state.lists.held[slot] !== 0) return;
    const slab = this.state.slab;
    const symbol = slab.symbol[slot];
    const generation = slab.generation[slot];
    const buy = slab.side[slot] === Side.BUY;
    const type = slab.order_type[slot];
    const base = symbol * HEAPS_PER_SYMBOL;
    if (slab.triggered[slot] === 0 && isTriggerType(type)) {
      const on_rise = triggersOnRise(type, slab.side[slot]);
      this.push(on_rise ? this.rising_triggers[symbol] : this.falling_triggers[symbol], this.triggerKey(slot), slot, generation,
        base + (on_rise ? 2 : 3), this.isTriggerAlive);
      if (isTrailing(type)) {
        this.push(buy ? this.trails_down[symbol] : this.trails_up[symbol], this.trailKey(slot), slot, generation,
          base + (buy ? 5 : 4), this.isTrailAlive);
      }
      return;
    }
    // Working market orders go to the top of their side.
    const key = type === OrderType.MARKET ? -Infinity : buy ? -slab.price_ticks[slot] : slab.price_ticks[slot];
    this.push(buy ? this.buy_limits[symbol] : this.sell_limits[symbol], key, slot, generation, base + (buy ? 0 : 1), this.isAlive);
  }

  private push(heap: SlotHeap, key: number, slot: number, generation: number, threshold_index: number,
    alive: (slot: number, generation: number, key: number) => boolean): void {
    heap.push(key, slot, generation);
    if (heap.length > this.compact_at[threshold_index]) {
      heap.compact(alive);
      this.compact_at[threshold_index] = Math.max(COMPACT_MIN, heap.length * 2);
    }
  }

  /** An untriggered order's key in its trigger heap: its trigger, negated in the falling heap (highest first). */
  private triggerKey(slot: number): number {
    const slab = this.state.slab;
    return triggersOnRise(slab.order_type[slot], slab.side[slot]) ? slab.stop_price_ticks[slot] : -slab.stop_price_ticks[slot];
  }

  /** A trailing order's key in its trail heap: the last price that moves its trigger, negated for a buy (highest first). */
  private trailKey(slot: number): number {
    const slab = this.state.slab;
    const side = slab.side[slot];
    const threshold = moveThreshold(side, slab.trailing_offset_type[slot], slab.trailing_offset[slot], slab.stop_price_ticks[slot]);
    return side === Side.BUY ? -threshold : threshold;
  }

  private validLimit(heap: SlotHeap, slot: number): boolean {
    const slab = this.state.slab;
    return slab.generation[slot] === heap.topGeneration() && slab.status[slot] !== 0 && this.state.isResting(slot);
  }

  private isOpen(slot: number): boolean {
    return this.state.slab.status[slot] !== 0;
  }

  private setPending(symbol: number, on: boolean): void {
    if (on && this.pending[symbol] === 0) { this.pending[symbol] = 1; this.pending_count++; }
    else if (!on && this.pending[symbol] !== 0) { this.pending[symbol] = 0; this.pending_count--; }
  }
}
