/**
 * The risk/OMS hot loop. One `doWork` call:
 *
 *   1. polls the mark table (one atomic load) and lets the venue execute resting orders
 *      the new marks reach;
 *   2. runs a pending mass-cancel job (kill switch, cancel-on-disconnect), or else reads a
 *      batch of commands: dedupe -> risk -> state change -> venue -> reply;
 *   3. runs the slow tick when due (expiry, heartbeat, counters);
 *   4. publishes the batch's events and replies once.
 *
 * Every state change goes out as an event first and is then applied from the event
 * slot itself (EngineState.apply), so the journal replays to exactly this state.
 *
 * Steady state allocates nothing: commands and events are typed-array slots, orders live
 * in the preallocated slab, and nothing here awaits, logs or looks up a string.
 */
import { Agent } from './agent/agent.js';
import { Clock } from './agent/clock.js';
import {
  CMD_ACCOUNT, CMD_ARG, CMD_CL_ORD_ID, CMD_CL_ORD_ID_LENGTH, CMD_EXPIRE_AT_MS, CMD_FLAG, CMD_ORDER_ID,
  CMD_ORDER_TYPE, CMD_PRICE_TICKS, CMD_QTY_LOTS, CMD_REQUEST_ID, CMD_SENT_AT_US, CMD_SESSION_ID, CMD_SIDE, CMD_STOP_PRICE_TICKS,
  CMD_SYMBOL, CMD_TIME_IN_FORCE, CMD_TRACE, CMD_TRAILING_OFFSET, CMD_TRAILING_OFFSET_TYPE, CMD_TYPE,
} from './protocol/command_layout.js';
import { newOrderContentHash, replaceContentHash } from './protocol/content_hash.js';
import { hasLimitPrice, isTrailing, trailingLimitPrice, triggeredType } from './protocol/order_type_rules.js';
import { fillCancelsOthers, hasParent, isHeldMember, LIST_ORDERS_MAX, listSizeAllowed } from './protocol/order_list_rules.js';
import { trailedTrigger } from './venue/trailing_trigger.js';
import {
  CommandType, ContingencyType, EventType, EXEC_INST_MASK, ExecInst, ExecReason, OrderStatus, OrderType, Side, TimeInForce, TradingState,
} from './protocol/enums.js';
import {
  EV_ACCOUNT, EV_ARG, EV_CL_ORD_ID, EV_CL_ORD_ID_LENGTH, EV_CONTENT_HASH, EV_EXPIRE_AT_MS, EV_FILLED_QTY_LOTS,
  EV_FILL_NOTIONAL, EV_FLAG, EV_LAST_FILL_PRICE_TICKS, EV_LAST_FILL_QTY_LOTS, EV_ORDER_ID, EV_ORDER_TYPE,
  EV_ORIG_ORDER_ID, EV_PRICE_TICKS, EV_QTY_LOTS, EV_REASON, EV_REF_PRICE_TICKS, EV_REJECT_CODE, EV_SEQ,
  EV_SESSION_ID, EV_SIDE, EV_STATUS, EV_STOP_PRICE_TICKS, EV_SYMBOL, EV_TIME_IN_FORCE, EV_TRIGGERED, EV_TS_US, EV_TYPE,
  EV_EXEC_INST, EV_LIMIT_OFFSET_TICKS, EV_TRAILING_OFFSET, EV_TRAILING_OFFSET_TYPE, EVENT_FLAG_HELD, EVENT_FLAG_TRIMMED, EVENT_SLOT_BYTES,
} from './protocol/event_layout.js';
import { RejectCode } from './protocol/reject_codes.js';
import { ACCOUNT_STATUS_PORTFOLIO, TRADING_STATE_CANCEL_ALL } from './protocol/command_layout.js';
import {
  REPLY_FLAG_DUPLICATE, REPLY_FLAG_TRIMMED, RP_AMOUNT, RP_ARG, RP_CODE, RP_COMMAND_TYPE, RP_ENGINE_IN_US, RP_ENGINE_OUT_US, RP_FLAG, RP_LAST_SEQ,
  RP_ORDER_ID, RP_REQUEST_ID, RP_RISK_LEVEL, RP_WARNINGS,
} from './protocol/reply_layout.js';
import { EVENT_RING_CAPACITY_MIN } from './config/engine_config.js';
import { RiskLimits } from './reference/risk_limits.js';
import { PreTradeRisk } from './risk/pre_trade_risk.js';
import { RingConsumer, RingProducer, SharedRing } from './ring/ring.js';
import { EventConsumer } from './shared_memory.js';
import { keyHash } from './state/dedupe_index.js';
import { EngineState } from './state/engine_state.js';
import { MarkCache } from './state/mark_cache.js';
import { IndexedSlotHeap } from './state/indexed_slot_heap.js';
import { stateHash } from './state/state_hash.js';
import {
  COMMANDS_BY_TYPE_OFFSET, EVENTS_BY_TYPE_OFFSET, EngineCounter, REJECTS_BY_CODE_OFFSET, REJECT_CODE_SLOTS,
} from './telemetry/engine_counters.js';
import { WorkerHealthReporter } from './telemetry/worker_health.js';
import { WorkerState } from './telemetry/worker_health_layout.js';
import { ExecutionSink, MAX_EVENTS_PER_WORK, Venue } from './venue/venue.js';

/** An order command emits at most: accepted/replaced/rejected, then trigger, fill, expire. */
export const MAX_EVENTS_PER_COMMAND = 1 + MAX_EVENTS_PER_WORK;
/** A contingent list: its ORDER_LIST event, then per member an ACCEPTED event and what working it emits. */
export const MAX_EVENTS_PER_LIST = 1 + LIST_ORDERS_MAX * MAX_EVENTS_PER_COMMAND;
if (MAX_EVENTS_PER_LIST > EVENT_RING_CAPACITY_MIN) throw new Error('EVENT_RING_CAPACITY_MIN must hold one contingent list\'s events');
export const COMMAND_BATCH_MAX = 256;
const SLOW_TICK_INTERVAL_MS = 1;
/**
 * While spinning idle, deadlines (expiry, heartbeat) are checked once per this many + 1
 * empty polls (a millisecond or more). Every clock read makes garbage in Node 20 (about
 * 30 bytes), and at 100k orders/s the engine spins between almost every pair of orders:
 * reading every 1024 polls was 0.4 MB/s and a scavenge every ~10 s. With the default spin
 * limit the engine parks first, and parking reads the clock anyway.
 */
const IDLE_POLLS_PER_CLOCK_READ = 65535;
const HEARTBEAT_INTERVAL_MS = 50;

/** Pending mass-cancel work (kill switch, cancel-on-disconnect), run across several doWork calls. */
const JOB_NONE = 0;
const JOB_MASS_CANCEL = 1;

export interface EngineAgentParts {
  readonly state: EngineState;
  readonly marks: MarkCache;
  readonly venue: Venue & { attach(sink: ExecutionSink): void };
  readonly risk: PreTradeRisk;
  /** The two banks LIMITS_SWAP chooses between. */
  readonly limit_banks: readonly RiskLimits[];
  readonly commands: RingConsumer;
  readonly events: RingProducer;
  readonly replies: RingProducer;
  readonly counters: Float64Array;
  readonly health: WorkerHealthReporter | null;
  readonly clock: Clock;
  /** Where the idle strategy counts its parks, for the PARKS counter. */
  readonly parks?: { readonly park_count: number };
  /**
   * The io thread answers a reply only once the events before it are durable, and the
   * journal rings it when they are (durability fsync or write): replies then ring it only
   * when they are answerable already (publishReplies). False or absent: every publish of
   * replies rings it (durability none, tests).
   */
  readonly replies_wait_for_journal?: boolean;
}

export class EngineAgent implements Agent, ExecutionSink {
  readonly roleName = 'engine';
  private readonly state: EngineState;
  private readonly marks: MarkCache;
  private readonly venue: Venue;
  private readonly risk: PreTradeRisk;
  private readonly limit_banks: readonly RiskLimits[];
  private readonly commands: RingConsumer;
  private readonly events: RingProducer;
  private readonly replies: RingProducer;
  private readonly replies_wait_for_journal: boolean;
  private readonly cmd: SharedRing;
  private readonly ev: SharedRing;
  private readonly rp: SharedRing;
  private readonly counters: Float64Array;
  private readonly health: WorkerHealthReporter | null;
  private readonly clock: Clock;
  private readonly parks: { readonly park_count: number } | undefined;
  /**
   * Open orders with an expiry, by expire_at_ms, and nothing else: an order leaves it when
   * it leaves the book (closeOrder, a final fill, a replace), so it is bounded by the open
   * orders and session end expires only what is still open.
   */
  private readonly expiry: IndexedSlotHeap;
  private now_us = 0;
  /** Stage timing of a traced command: when it was taken (a typed array, so the double is not boxed). */
  private readonly trace_in_us = new Float64Array(1);
  /** Offset of the reply slot claimed last (-1: none since the traced command began). */
  private last_reply = -1;
  private now_ms = 0;
  private next_tick_ms = 0;
  private next_heartbeat_ms = 0;
  private commands_total = 0;
  private idle_polls = 0;
  /** Set after a park (or a clock jump in tests): check deadlines on the next poll. */
  private deadlines_due = true;
  /** Keeps prefetch reads observable so the compiler cannot drop them. */
  prefetch_sink = 0;
  /**
   * Per command of the batch being handled, by its index in the batch: the idempotency
   * key hash of a NEW_ORDER or REPLACE (keyHash), computed once in prefetchBatch.
   */
  private readonly batch_key_hash = new Int32Array(COMMAND_BATCH_MAX);
  /** Index in the batch of the command being handled (-1: not handling a batch, hash again). */
  private batch_index = -1;

  private job = JOB_NONE;
  private job_account = 0;
  private job_account_end = 0;
  private job_cursor = -1;
  private job_session = 0;
  private job_tif_mask = 0;
  private job_reason = 0;
  private job_request_id = 0;
  private job_command_type = 0;
  private job_canceled = 0;

  /**
   * Held list members just released (LIST_UPDATED), waiting for the venue to work them.
   * The venue is called from here, after the call that released them has returned, never
   * from inside the venue's own loops (a release happens in a fill the venue reports).
   * A ring of slots with their generations (a member that left the book since is skipped).
   */
  private readonly released_slots: Int32Array;
  private readonly released_generations: Int32Array;
  private released_head = 0;
  private released_count = 0;
  /** The NEW_ORDER_LIST being handled: index in the command batch of its first LIST_MEMBER slot. */
  private list_first_member = 0;
  /** Per member of that list, what its checks worked out (typed arrays: nothing allocated per list). */
  private readonly member_off = new Int32Array(LIST_ORDERS_MAX);
  private readonly member_qty = new Float64Array(LIST_ORDERS_MAX);
  private readonly member_price = new Float64Array(LIST_ORDERS_MAX);
  private readonly member_stop = new Float64Array(LIST_ORDERS_MAX);
  private readonly member_hash = new Int32Array(LIST_ORDERS_MAX);
  private readonly member_id = new Float64Array(LIST_ORDERS_MAX);

  constructor(parts: EngineAgentParts) {
    this.state = parts.state;
    this.marks = parts.marks;
    this.venue = parts.venue;
    this.risk = parts.risk;
    this.limit_banks = parts.limit_banks;
    this.commands = parts.commands;
    this.events = parts.events;
    this.replies = parts.replies;
    this.replies_wait_for_journal = parts.replies_wait_for_journal === true;
    this.cmd = parts.commands.ring;
    this.ev = parts.events.ring;
    this.rp = parts.replies.ring;
    this.counters = parts.counters;
    this.health = parts.health;
    this.clock = parts.clock;
    this.parks = parts.parks;
    this.expiry = new IndexedSlotHeap(parts.state.slab.capacity);
    this.released_slots = new Int32Array(parts.state.slab.capacity);
    this.released_generations = new Int32Array(parts.state.slab.capacity);
    parts.venue.attach(this);
  }

  onStart(): void {
    this.readClock();
    this.rebuildDerived();
    this.health?.setState(WorkerState.RUNNING);
    this.heartbeat();
  }

  onClose(): void {
    this.events.publish();
    this.replies.publish();
    this.health?.setState(WorkerState.STOPPED);
  }

  /**
   * After recovery: rest open orders in the venue again, re-arm their expiry, and value the
   * portfolio sums at the marks (replay and snapshots carry lots, not marks).
   */
  rebuildDerived(): void {
    const slab = this.state.slab;
    this.state.portfolio.rebuild(this.marks.last_ticks);
    this.expiry.clear();
    for (let account = 0; account < slab.account_head.length; account++) {
      for (let slot = slab.account_head[account]; slot >= 0; slot = slab.nextInAccount(slot)) this.armExpiry(slot);
    }
    this.venue.rebuild();
  }

  doWork(): number {
    let work = 0;
    if (this.job === JOB_NONE) {
      const marks_moved = this.marks.dirty || this.marks.hasNewVersion() || this.venue.hasPendingWork();
      const commands = this.commands.available();
      // Commands carry the time the edge wrote them, which is the engine's clock while it
      // handles them; the real clock is read only for ticks, deadlines and after idling.
      // (A clock read allocates a heap number in Node 20: the steady state makes no garbage.)
      if (marks_moved || commands > 0) {
        if (marks_moved) {
          this.readClock();
          this.marks.refresh();
          this.marks.dirty = false;
          // Portfolio sums follow the marks here, once per batch of new marks, never per order.
          this.state.portfolio.followMarks(this.marks.last_ticks);
          work += this.venue.onMarks();
        }
        if (commands > 0) work += this.processCommands();
      }
      if (this.released_count > 0) work += this.workReleased();
    } else {
      this.readClock();
      work += this.progressJob();
    }
    if (work > 0 || this.deadlines_due || (++this.idle_polls & IDLE_POLLS_PER_CLOCK_READ) === 0) {
      if (work === 0) this.readClock();
      this.deadlines_due = false;
      if (this.now_ms >= this.next_tick_ms) work += this.slowTick();
    }
    this.events.publish();
    this.publishReplies();
    return work;
  }

  /**
   * Publishes this turn's replies, and rings the io thread only if it can answer them now.
   * With a journal to wait for, the io thread answers a reply once the events before it are
   * durable, and the journal rings it when it releases them: a ring here as well woke it
   * for nothing, one more thread wake-up per order at low rates (bench/README.md, "Sixth
   * pass"). The journal's position is read after the replies are visible, so either it
   * released everything before that read (and the ring is sent here), or it releases later
   * and its own ring finds the replies.
   */
  private publishReplies(): void {
    if (!this.replies.publishQuietly()) return;
    if (!this.replies_wait_for_journal || this.ev.consumerPosition(EventConsumer.JOURNAL) === this.events.nextPosition()) {
      this.replies.wakeConsumers();
    }
  }

  hasWork(): boolean {
    if (this.job !== JOB_NONE || this.venue.hasPendingWork() || this.released_count > 0) return this.events.hasCapacity(MAX_EVENTS_PER_WORK);
    if (this.marks.hasNewVersion()) return true;
    return this.commands.available() > 0 && this.events.hasCapacity(MAX_EVENTS_PER_COMMAND) && this.replies.hasCapacity(1);
  }

  afterPark(): void {
    this.deadlines_due = true;
  }

  /** Entries in the expiry queue (for tests: it must equal the open orders with an expiry). */
  get expiry_queue_length(): number {
    return this.expiry.length;
  }

  msUntilDeadline(): number {
    this.readClock();
    let deadline = this.next_heartbeat_ms;
    if (this.expiry.length > 0 && this.expiry.topKey() < deadline) deadline = this.expiry.topKey();
    return Math.max(0, deadline - this.now_ms);
  }

  // ---- commands -------------------------------------------------------------------

  private processCommands(): number {
    const available = this.commands.available();
    if (available === 0) return 0;
    const batch = available < COMMAND_BATCH_MAX ? available : COMMAND_BATCH_MAX;
    this.prefetchBatch(batch);
    let handled = 0;
    while (handled < batch) {
      if (!this.events.hasCapacity(MAX_EVENTS_PER_COMMAND)) {
        this.counters[EngineCounter.OUTPUT_FULL_WAITS]++;
        this.events.countFull();
        break;
      }
      if (!this.replies.hasCapacity(1)) {
        this.counters[EngineCounter.OUTPUT_FULL_WAITS]++;
        this.replies.countFull();
        break;
      }
      const off = this.commands.slotAt(handled);
      let slots = 1;
      if (this.cmd.u8[off + CMD_TYPE] === CommandType.NEW_ORDER_LIST) {
        // A list is its header and its members, published together: handled as one command.
        const members = this.cmd.f64[(off + CMD_ARG) >> 3];
        if (members > 0 && members <= LIST_ORDERS_MAX && (members | 0) === members) slots += members;
        if (handled + slots > available) break;
        if (!this.events.hasCapacity(MAX_EVENTS_PER_LIST)) {
          this.counters[EngineCounter.OUTPUT_FULL_WAITS]++;
          this.events.countFull();
          break;
        }
        this.list_first_member = handled + 1;
      }
      this.batch_index = handled;
      this.handle(off);
      this.batch_index = -1;
      handled += slots;
      if (this.released_count > 0) this.workReleased();
      if (this.job !== JOB_NONE) break;
    }
    this.commands.release(handled);
    if (handled > 0) {
      this.commands_total += handled;
      this.counters[EngineCounter.COMMANDS] = this.commands_total;
      this.counters[EngineCounter.BATCHES]++;
      if (handled > this.counters[EngineCounter.MAX_BATCH]) this.counters[EngineCounter.MAX_BATCH] = handled;
    }
    return handled;
  }

  /**
   * Hashes the batch's client order ids once (kept in batch_key_hash for the lookups), then
   * lets the CPU fetch their idempotency-table lines in parallel (see DedupeIndex.prefetchHashed).
   */
  private prefetchBatch(batch: number): void {
    const c = this.cmd;
    const dedupe = this.state.dedupe;
    const hashes = this.batch_key_hash;
    let inserts = 0;
    for (let i = 0; i < batch; i++) {
      const off = this.commands.slotAt(i);
      const type = c.u8[off + CMD_TYPE];
      if (type !== CommandType.NEW_ORDER && type !== CommandType.REPLACE) continue;
      hashes[i] = keyHash(c.i32[(off + CMD_ACCOUNT) >> 2], c.u8, off + CMD_CL_ORD_ID, c.u8[off + CMD_CL_ORD_ID_LENGTH]);
      inserts++;
    }
    let touched = 0;
    for (let i = 0; i < batch; i++) {
      const type = c.u8[this.commands.slotAt(i) + CMD_TYPE];
      if (type === CommandType.NEW_ORDER || type === CommandType.REPLACE) touched ^= dedupe.prefetchHashed(hashes[i]);
    }
    touched ^= dedupe.prefetchEvictions(inserts);
    this.prefetch_sink = touched;
  }

  /** Idempotency lookup of the order command being handled, with the hash prefetchBatch computed. */
  private findClientOrderId(off: number, account: number, length: number): number {
    const dedupe = this.state.dedupe;
    const c = this.cmd;
    if (this.batch_index < 0) return dedupe.find(account, c.u8, off + CMD_CL_ORD_ID, length);
    return dedupe.findHashed(this.batch_key_hash[this.batch_index], account, c.u8, off + CMD_CL_ORD_ID, length);
  }

  private handle(off: number): void {
    // A traced (sampled) command gets its reply stamped with when the engine took it and
    // when it had handled it: two clock reads, which allocate, so only for the sample.
    if (this.cmd.u8[off + CMD_TRACE] !== 0) {
      this.trace_in_us[0] = this.clock.nowUs();
      this.last_reply = -1;
      this.handleCommand(off);
      if (this.last_reply >= 0) {
        this.rp.f64[(this.last_reply + RP_ENGINE_IN_US) >> 3] = this.trace_in_us[0];
        this.rp.f64[(this.last_reply + RP_ENGINE_OUT_US) >> 3] = this.clock.nowUs();
      }
      return;
    }
    this.handleCommand(off);
  }

  private handleCommand(off: number): void {
    // Inline, not a call: an epoch-µs double passed as an argument would be boxed (allocated).
    const sent_at_us = this.cmd.f64[(off + CMD_SENT_AT_US) >> 3];
    if (sent_at_us > this.now_us) {
      this.now_us = sent_at_us;
      this.now_ms = sent_at_us / 1000;
      this.state.book.now_ms = this.now_ms;
    }
    const type = this.cmd.u8[off + CMD_TYPE];
    if (type < 16) this.counters[COMMANDS_BY_TYPE_OFFSET + type]++;
    switch (type) {
      case CommandType.NEW_ORDER: this.onNewOrder(off); break;
      case CommandType.CANCEL: this.onCancel(off); break;
      case CommandType.REPLACE: this.onReplace(off); break;
      case CommandType.CHECK: this.onCheck(off); break;
      case CommandType.MASS_CANCEL: this.onMassCancel(off); break;
      case CommandType.KILL_SWITCH: this.onKillSwitch(off); break;
      case CommandType.SYMBOL_HALT: this.onSymbolHalt(off); break;
      case CommandType.LIMITS_SWAP: this.onLimitsSwap(off); break;
      case CommandType.STATE_HASH: this.onStateHash(off); break;
      case CommandType.ACCOUNT_STATUS: this.onAccountStatus(off); break;
      case CommandType.TRADING_STATE: this.onTradingState(off); break;
      case CommandType.NEW_ORDER_LIST: this.onNewOrderList(off); break;
      case CommandType.CANCEL_LIST: this.onCancelList(off); break;
      // Read with its NEW_ORDER_LIST; one on its own (a writer never sends one) has nobody to answer.
      case CommandType.LIST_MEMBER: break;
      default: this.reply(off, RejectCode.UNKNOWN_MESSAGE_TYPE, 0, 0);
    }
  }

  private onNewOrder(off: number): void {
    const c = this.cmd;
    const account = c.i32[(off + CMD_ACCOUNT) >> 2];
    const symbol = c.i32[(off + CMD_SYMBOL) >> 2];
    const side = c.u8[off + CMD_SIDE];
    const order_type = c.u8[off + CMD_ORDER_TYPE];
    const tif = c.u8[off + CMD_TIME_IN_FORCE];
    const asked_qty = c.f64[(off + CMD_QTY_LOTS) >> 3];
    const sent_price = c.f64[(off + CMD_PRICE_TICKS) >> 3];
    const sent_stop = c.f64[(off + CMD_STOP_PRICE_TICKS) >> 3];
    const expire_at = c.f64[(off + CMD_EXPIRE_AT_MS) >> 3];
    const cl_length = c.u8[off + CMD_CL_ORD_ID_LENGTH];
    const exec_inst = c.u8[off + CMD_FLAG] & EXEC_INST_MASK;
    const trail_type = c.u8[off + CMD_TRAILING_OFFSET_TYPE];
    const trail_offset = c.i32[(off + CMD_TRAILING_OFFSET) >> 2];
    const limit_offset = c.f64[(off + CMD_ARG) >> 3];
    // The terms as sent (before any trim), so a resend of the same order finds it.
    const content_hash = newOrderContentHash(symbol, side, order_type, tif, asked_qty, sent_price, sent_stop, expire_at, exec_inst,
      trail_type, trail_offset, limit_offset);

    const state = this.state;
    const entry = this.findClientOrderId(off, account, cl_length);
    if (entry >= 0) {
      this.replyDuplicate(off, entry, content_hash);
      return;
    }

    const order_id = state.next_order_id;
    // A reduce-only order larger than what is left to reduce is trimmed to it; with nothing
    // left it is refused below (after the checks that outrank it, such as the kill switch).
    const reduce_only = (exec_inst & ExecInst.REDUCE_ONLY) !== 0;
    const reducible = reduce_only ? state.book.reducibleLots(state.book.cell(account, symbol), side === Side.BUY) : 0;
    const qty = reduce_only && reducible > 0 && asked_qty > reducible ? reducible : asked_qty;
    // A trailing order without a trigger_price starts trailing from the last price now (risk
    // refuses the order NO_REFERENCE_PRICE when there is none); a trailing stop-limit's limit
    // price follows its trigger.
    const trailing = isTrailing(order_type);
    const last = this.marks.last_ticks[symbol];
    const stop = trailing && sent_stop === 0 && last > 0 ? trailedTrigger(side, trail_type, trail_offset, last) : sent_stop;
    const price = order_type === OrderType.TRAILING_STOP_LIMIT ? trailingLimitPrice(side, stop, limit_offset) : sent_price;
    let code: number = RejectCode.OK;
    if (expire_at > 0 && expire_at <= this.now_ms) code = RejectCode.EXPIRE_TIME_IN_PAST;
    else if (state.slab.live >= state.slab.capacity) code = RejectCode.ORDER_CAPACITY_EXHAUSTED;
    else code = this.risk.check(account, symbol, side, order_type, qty, qty, price, stop, -1, false, reduce_only);
    if (code === RejectCode.OK && reduce_only && !(reducible > 0)) code = RejectCode.REDUCE_ONLY_WOULD_INCREASE;
    // A trailing distance as large as the price itself puts the trigger (or a stop-limit's
    // limit) at or below zero, which the collar's distance test cannot see: it is that far off.
    if (code === RejectCode.OK && trailing && (!(stop > 0) || !(price > 0 || order_type === OrderType.TRAILING_STOP))) {
      code = RejectCode.PRICE_COLLAR;
    }
    // One bit test for orders without the instruction (the edge lets it through on LIMIT orders only).
    if (code === RejectCode.OK && (exec_inst & ExecInst.POST_ONLY) !== 0 && this.risk.wouldTake(symbol, side, price)) {
      code = RejectCode.POST_ONLY_WOULD_TAKE;
    }
    const ref_price = this.risk.refPrice(symbol, side, order_type, price, stop);

    const e = this.beginEvent(code === RejectCode.OK ? EventType.ACCEPTED : EventType.REJECTED, order_id);
    const ev = this.ev;
    ev.f64[(e + EV_QTY_LOTS) >> 3] = qty;
    ev.f64[(e + EV_PRICE_TICKS) >> 3] = price;
    ev.f64[(e + EV_STOP_PRICE_TICKS) >> 3] = stop;
    ev.f64[(e + EV_FILLED_QTY_LOTS) >> 3] = 0;
    ev.f64[(e + EV_FILL_NOTIONAL) >> 3] = 0;
    ev.f64[(e + EV_EXPIRE_AT_MS) >> 3] = expire_at;
    ev.f64[(e + EV_REF_PRICE_TICKS) >> 3] = ref_price;
    ev.i32[(e + EV_ACCOUNT) >> 2] = account;
    ev.i32[(e + EV_SYMBOL) >> 2] = symbol;
    ev.u32[(e + EV_SESSION_ID) >> 2] = c.u32[(off + CMD_SESSION_ID) >> 2];
    ev.i32[(e + EV_CONTENT_HASH) >> 2] = content_hash;
    ev.u16[(e + EV_REJECT_CODE) >> 1] = code;
    ev.u8[e + EV_SIDE] = side;
    ev.u8[e + EV_ORDER_TYPE] = order_type;
    ev.u8[e + EV_TIME_IN_FORCE] = tif;
    ev.u8[e + EV_EXEC_INST] = exec_inst;
    if (trailing) {
      ev.u8[e + EV_TRAILING_OFFSET_TYPE] = trail_type;
      ev.i32[(e + EV_TRAILING_OFFSET) >> 2] = trail_offset;
      ev.i32[(e + EV_LIMIT_OFFSET_TICKS) >> 2] = limit_offset;
    }
    ev.u8[e + EV_STATUS] = code === RejectCode.OK ? OrderStatus.ACCEPTED : OrderStatus.REJECTED;
    // Every session's report of the NEW says so (the reply tells only the sender).
    if (code === RejectCode.OK && qty !== asked_qty) ev.u8[e + EV_FLAG] = EVENT_FLAG_TRIMMED;
    this.copyCommandClientOrderId(off, e);
    this.commitEvent(e);

    if (code !== RejectCode.OK) {
      this.countReject(code);
      this.reply(off, code, order_id, 0);
      return;
    }
    const slot = state.slotOf(order_id);
    this.venue.work(slot);
    this.armExpiry(slot);
    if (qty === asked_qty) {
      this.reply(off, RejectCode.OK, order_id, 0);
      return;
    }
    const r = this.beginReply(off, RejectCode.OK, order_id, REPLY_FLAG_TRIMMED);
    this.rp.f64[(r + RP_ARG) >> 3] = asked_qty;
  }

  private onCancel(off: number): void {
    const c = this.cmd;
    const order_id = c.f64[(off + CMD_ORDER_ID) >> 3];
    const account = c.i32[(off + CMD_ACCOUNT) >> 2];
    // Counted against the modification budget, never refused by it (PreTradeRisk.countCancel).
    this.risk.countCancel(account);
    const slot = this.state.slotOf(order_id);
    if (slot < 0 || this.state.slab.account[slot] !== account) {
      this.countReject(RejectCode.UNKNOWN_ORDER);
      this.reply(off, RejectCode.UNKNOWN_ORDER, order_id, 0);
      return;
    }
    this.closeOrder(slot, EventType.CANCELED, OrderStatus.CANCELED, ExecReason.CLIENT_CANCEL);
    this.reply(off, RejectCode.OK, order_id, 0);
  }

  // ---- contingent order lists ------------------------------------------------------

  /**
   * A contingent order list: the header (off) and its members (LIST_MEMBER slots from
   * list_first_member on). Every member is checked first, as a dry run of the same checks
   * a new order passes, against the state as the list arrives (so an OCO pair, of which at
   * most one fills, is not counted twice against a limit); the first refusal refuses the
   * whole list, an answer only (nothing is journaled; arg: the member refused). Then the
   * list takes one new-order token per member and its open-order room, and is accepted
   * whole: an ORDER_LIST event and each member's ACCEPTED event, and only then are the
   * members that work (not the held ones) worked, in member order.
   */
  private onNewOrderList(off: number): void {
    const c = this.cmd;
    const state = this.state;
    const account = c.i32[(off + CMD_ACCOUNT) >> 2];
    const contingency = c.u8[off + CMD_FLAG];
    const count = c.f64[(off + CMD_ARG) >> 3];
    if ((count | 0) !== count || !listSizeAllowed(contingency, count) || !(account >= 0 && account < state.book.accounts)) {
      this.refuse(off, RejectCode.VALUE_OUT_OF_RANGE, 0);
      return;
    }
    // Idempotency first, like a single order: a list resent whole (every member's id and
    // terms the same) answers with its first member's order, which names the list; any
    // other reuse of a client order id refuses the list.
    let duplicates = 0;
    let first_entry = -1;
    let first_duplicate = -1;
    for (let k = 0; k < count; k++) {
      const m = this.commands.slotAt(this.list_first_member + k);
      this.member_off[k] = m;
      this.member_hash[k] = newOrderContentHash(c.i32[(m + CMD_SYMBOL) >> 2], c.u8[m + CMD_SIDE], c.u8[m + CMD_ORDER_TYPE],
        c.u8[m + CMD_TIME_IN_FORCE], c.f64[(m + CMD_QTY_LOTS) >> 3], c.f64[(m + CMD_PRICE_TICKS) >> 3],
        c.f64[(m + CMD_STOP_PRICE_TICKS) >> 3], c.f64[(m + CMD_EXPIRE_AT_MS) >> 3], c.u8[m + CMD_FLAG] & EXEC_INST_MASK,
        c.u8[m + CMD_TRAILING_OFFSET_TYPE], c.i32[(m + CMD_TRAILING_OFFSET) >> 2], c.f64[(m + CMD_ARG) >> 3]);
      const entry = state.dedupe.find(account, c.u8, m + CMD_CL_ORD_ID, c.u8[m + CMD_CL_ORD_ID_LENGTH]);
      if (entry < 0) continue;
      if (state.dedupe.contentHashOf(entry) !== this.member_hash[k]) {
        this.refuseMember(off, RejectCode.DUPLICATE_CLIENT_ORDER_ID, state.dedupe.orderIdOf(entry), k);
        return;
      }
      if (k === 0) first_entry = entry;
      if (first_duplicate < 0) first_duplicate = k;
      duplicates++;
    }
    if (duplicates === count && first_entry >= 0) {
      this.reply(off, RejectCode.OK, state.dedupe.orderIdOf(first_entry), REPLY_FLAG_DUPLICATE);
      return;
    }
    if (duplicates > 0) {
      this.refuseMember(off, RejectCode.DUPLICATE_CLIENT_ORDER_ID, 0, first_duplicate);
      return;
    }
    if (state.slab.live + count > state.slab.capacity) {
      this.refuseMember(off, RejectCode.ORDER_CAPACITY_EXHAUSTED, 0, 0);
      return;
    }
    let new_risk_members = 0;
    for (let k = 0; k < count; k++) {
      const code = this.checkListMember(k, account, isHeldMember(contingency, k));
      if (code !== RejectCode.OK) {
        this.refuseMember(off, code, 0, k);
        return;
      }
      if ((c.u8[this.member_off[k] + CMD_FLAG] & ExecInst.REDUCE_ONLY) === 0) new_risk_members++;
    }
    if (!this.risk.openOrdersFit(account, new_risk_members)) {
      this.refuseMember(off, RejectCode.MAX_OPEN_ORDERS, 0, 0);
      return;
    }
    if (!this.risk.takeListTokens(account, count)) {
      this.refuseMember(off, RejectCode.THROTTLED, 0, 0);
      return;
    }

    const list_id = state.next_order_id;
    const h = this.beginEvent(EventType.ORDER_LIST, list_id);
    this.ev.i32[(h + EV_ACCOUNT) >> 2] = account;
    this.ev.i32[(h + EV_SYMBOL) >> 2] = -1;
    this.ev.u8[h + EV_FLAG] = contingency;
    this.ev.f64[(h + EV_QTY_LOTS) >> 3] = count;
    this.copyCommandClientOrderId(off, h);
    this.commitEvent(h);
    for (let k = 0; k < count; k++) this.acceptListMember(k, account, list_id, isHeldMember(contingency, k));
    for (let k = 0; k < count; k++) {
      if (isHeldMember(contingency, k)) continue;
      // An earlier member's fill may have canceled this one already (OCO).
      const slot = state.slotOf(this.member_id[k]);
      if (slot >= 0) this.venue.work(slot);
    }
    for (let k = 0; k < count; k++) {
      const slot = state.slotOf(this.member_id[k]);
      if (slot >= 0) this.armExpiry(slot);
    }
    this.reply(off, RejectCode.OK, list_id, 0);
  }

  /**
   * The checks onNewOrder makes, as a dry run, for member k (its slot in member_off); keeps
   * the quantity (trimmed if reduce-only), prices and trigger it worked out for acceptListMember.
   */
  private checkListMember(k: number, account: number, held: boolean): number {
    const c = this.cmd;
    const m = this.member_off[k];
    const symbol = c.i32[(m + CMD_SYMBOL) >> 2];
    const side = c.u8[m + CMD_SIDE];
    const order_type = c.u8[m + CMD_ORDER_TYPE];
    const asked_qty = c.f64[(m + CMD_QTY_LOTS) >> 3];
    const sent_stop = c.f64[(m + CMD_STOP_PRICE_TICKS) >> 3];
    const expire_at = c.f64[(m + CMD_EXPIRE_AT_MS) >> 3];
    const exec_inst = c.u8[m + CMD_FLAG] & EXEC_INST_MASK;
    const limit_offset = c.f64[(m + CMD_ARG) >> 3];
    const book = this.state.book;
    const reduce_only = (exec_inst & ExecInst.REDUCE_ONLY) !== 0;
    const reducible = reduce_only ? book.reducibleLots(book.cell(account, symbol), side === Side.BUY) : 0;
    const qty = reduce_only && reducible > 0 && asked_qty > reducible ? reducible : asked_qty;
    const trailing = isTrailing(order_type);
    const last = this.marks.last_ticks[symbol];
    const stop = trailing && sent_stop === 0 && last > 0
      ? trailedTrigger(side, c.u8[m + CMD_TRAILING_OFFSET_TYPE], c.i32[(m + CMD_TRAILING_OFFSET) >> 2], last) : sent_stop;
    const price = order_type === OrderType.TRAILING_STOP_LIMIT
      ? trailingLimitPrice(side, stop, limit_offset) : c.f64[(m + CMD_PRICE_TICKS) >> 3];
    this.member_qty[k] = qty;
    this.member_price[k] = price;
    this.member_stop[k] = stop;
    if (expire_at > 0 && expire_at <= this.now_ms) return RejectCode.EXPIRE_TIME_IN_PAST;
    const code = this.risk.check(account, symbol, side, order_type, qty, qty, price, stop, -1, true, reduce_only);
    if (code !== RejectCode.OK) return code;
    if (reduce_only && !(reducible > 0)) return RejectCode.REDUCE_ONLY_WOULD_INCREASE;
    if (trailing && (!(stop > 0) || !(price > 0 || order_type === OrderType.TRAILING_STOP))) return RejectCode.PRICE_COLLAR;
    // A held member arrives at the venue later: whether it would take then, nobody knows now.
    if (!held && (exec_inst & ExecInst.POST_ONLY) !== 0 && this.risk.wouldTake(symbol, side, price)) return RejectCode.POST_ONLY_WOULD_TAKE;
    return RejectCode.OK;
  }

  /** Member k's ACCEPTED event, naming its list (and held, if it waits for its parent). */
  private acceptListMember(k: number, account: number, list_id: number, held: boolean): void {
    const c = this.cmd;
    const m = this.member_off[k];
    const order_id = this.state.next_order_id;
    this.member_id[k] = order_id;
    const symbol = c.i32[(m + CMD_SYMBOL) >> 2];
    const side = c.u8[m + CMD_SIDE];
    const order_type = c.u8[m + CMD_ORDER_TYPE];
    const qty = this.member_qty[k];
    const price = this.member_price[k];
    const stop = this.member_stop[k];
    const e = this.beginEvent(EventType.ACCEPTED, order_id);
    const ev = this.ev;
    ev.f64[(e + EV_QTY_LOTS) >> 3] = qty;
    ev.f64[(e + EV_PRICE_TICKS) >> 3] = price;
    ev.f64[(e + EV_STOP_PRICE_TICKS) >> 3] = stop;
    ev.f64[(e + EV_EXPIRE_AT_MS) >> 3] = c.f64[(m + CMD_EXPIRE_AT_MS) >> 3];
    ev.f64[(e + EV_REF_PRICE_TICKS) >> 3] = this.risk.refPrice(symbol, side, order_type, price, stop);
    ev.f64[(e + EV_ARG) >> 3] = list_id;
    ev.i32[(e + EV_ACCOUNT) >> 2] = account;
    ev.i32[(e + EV_SYMBOL) >> 2] = symbol;
    ev.u32[(e + EV_SESSION_ID) >> 2] = c.u32[(m + CMD_SESSION_ID) >> 2];
    ev.i32[(e + EV_CONTENT_HASH) >> 2] = this.member_hash[k];
    ev.u8[e + EV_SIDE] = side;
    ev.u8[e + EV_ORDER_TYPE] = order_type;
    ev.u8[e + EV_TIME_IN_FORCE] = c.u8[m + CMD_TIME_IN_FORCE];
    ev.u8[e + EV_EXEC_INST] = c.u8[m + CMD_FLAG] & EXEC_INST_MASK;
    if (isTrailing(order_type)) {
      ev.u8[e + EV_TRAILING_OFFSET_TYPE] = c.u8[m + CMD_TRAILING_OFFSET_TYPE];
      ev.i32[(e + EV_TRAILING_OFFSET) >> 2] = c.i32[(m + CMD_TRAILING_OFFSET) >> 2];
      ev.i32[(e + EV_LIMIT_OFFSET_TICKS) >> 2] = c.f64[(m + CMD_ARG) >> 3];
    }
    ev.u8[e + EV_STATUS] = OrderStatus.ACCEPTED;
    ev.u8[e + EV_FLAG] = (held ? EVENT_FLAG_HELD : 0) | (qty !== c.f64[(m + CMD_QTY_LOTS) >> 3] ? EVENT_FLAG_TRIMMED : 0);
    this.copyCommandClientOrderId(m, e);
    this.commitEvent(e);
  }

  /** A refused list: the code, the order a duplicate id names (else 0), and the member refused in arg. */
  private refuseMember(off: number, code: number, order_id: number, member: number): void {
    this.countReject(code);
    const r = this.beginReply(off, code, order_id, 0);
    this.rp.f64[(r + RP_ARG) >> 3] = member;
  }

  /**
   * Cancels every open member of a list (order_id: the list id), children before their
   * parent, so that the parent's cancel finds none left to release. The reply counts them.
   */
  private onCancelList(off: number): void {
    const c = this.cmd;
    const account = c.i32[(off + CMD_ACCOUNT) >> 2];
    const list_id = c.f64[(off + CMD_ORDER_ID) >> 3];
    this.risk.countCancel(account);
    const lists = this.state.lists;
    const list = lists.find(list_id);
    if (list < 0 || lists.account[list] !== account) {
      this.refuse(off, RejectCode.UNKNOWN_ORDER_LIST, list_id);
      return;
    }
    let canceled = 0;
    for (let k = LIST_ORDERS_MAX - 1; k >= 0; k--) {
      const slot = lists.memberSlot(list, k);
      if (slot < 0) continue;
      this.closeOrder(slot, EventType.CANCELED, OrderStatus.CANCELED, ExecReason.CLIENT_CANCEL);
      canceled++;
    }
    const r = this.beginReply(off, RejectCode.OK, list_id, 0);
    this.rp.f64[(r + RP_ARG) >> 3] = canceled;
  }

  /** Member `member` of `list` traded `qty` (its cumulative fill now `filled`; `done`: it is filled). */
  private afterMemberFill(list: number, member: number, qty: number, done: boolean, filled: number): void {
    const contingency = this.state.lists.contingency[list];
    if (fillCancelsOthers(contingency, member)) {
      this.cancelOtherMembers(list, member);
    } else if (contingency === ContingencyType.OUO) {
      this.reduceOtherMembers(list, member, qty);
    } else if (done && member === 0 && hasParent(contingency)) {
      this.releaseChildren(list, filled);
    }
  }

  /**
   * An OTO parent (a bracket's entry) left the book other than by its last fill: its held
   * children are released at what it filled, or canceled if it filled nothing or was pulled
   * by a kill switch or a disconnect (which must not send new orders to the market).
   */
  private afterParentLeft(list: number, filled: number, reason: number): void {
    if (filled > 0 && reason !== ExecReason.KILL_SWITCH && reason !== ExecReason.CANCEL_ON_DISCONNECT) {
      this.releaseChildren(list, filled);
      return;
    }
    const lists = this.state.lists;
    for (let k = 1; k < LIST_ORDERS_MAX; k++) {
      const slot = lists.memberSlot(list, k);
      if (slot >= 0 && lists.held[slot] !== 0) this.cancelMember(slot);
    }
  }

  private cancelOtherMembers(list: number, member: number): void {
    const lists = this.state.lists;
    for (let k = 0; k < LIST_ORDERS_MAX; k++) {
      if (k === member) continue;
      const slot = lists.memberSlot(list, k);
      if (slot >= 0) this.cancelMember(slot);
    }
  }

  /** OUO: every other open member loses `qty` lots; one with nothing left is canceled. */
  private reduceOtherMembers(list: number, member: number, qty: number): void {
    const lists = this.state.lists;
    const slab = this.state.slab;
    for (let k = 0; k < LIST_ORDERS_MAX; k++) {
      if (k === member) continue;
      const slot = lists.memberSlot(list, k);
      if (slot < 0) continue;
      const reduced = slab.qty_lots[slot] - qty;
      if (reduced <= slab.filled_qty_lots[slot]) this.cancelMember(slot);
      else this.updateMember(slot, reduced, lists.held[slot]);
    }
  }

  /** Releases the held children of `list`, each at most `filled` lots, and queues them for the venue. */
  private releaseChildren(list: number, filled: number): void {
    const lists = this.state.lists;
    const slab = this.state.slab;
    for (let k = 1; k < LIST_ORDERS_MAX; k++) {
      const slot = lists.memberSlot(list, k);
      if (slot < 0 || lists.held[slot] === 0) continue;
      this.updateMember(slot, slab.qty_lots[slot] < filled ? slab.qty_lots[slot] : filled, 0);
      const at = (this.released_head + this.released_count) % this.released_slots.length;
      this.released_slots[at] = slot;
      this.released_generations[at] = slab.generation[slot];
      this.released_count++;
    }
  }

  private updateMember(slot: number, qty: number, held: number): void {
    const e = this.beginEvent(EventType.LIST_UPDATED, this.state.slab.order_id[slot]);
    this.writeOrderFields(e, slot);
    this.ev.f64[(e + EV_QTY_LOTS) >> 3] = qty;
    this.ev.u8[e + EV_FLAG] = held !== 0 ? EVENT_FLAG_HELD : 0;
    this.commitEvent(e);
  }

  /** Cancels a list member for its list's sake; a mass-cancel job whose next order it is moves past it first. */
  private cancelMember(slot: number): void {
    if (slot === this.job_cursor) this.job_cursor = this.state.slab.nextInAccount(slot);
    this.closeOrder(slot, EventType.CANCELED, OrderStatus.CANCELED, ExecReason.LIST_CONTINGENCY);
  }

  /** Works the released members the rings have room for; one that left the book meanwhile is skipped. */
  private workReleased(): number {
    const slab = this.state.slab;
    let worked = 0;
    while (this.released_count > 0 && this.events.hasCapacity(MAX_EVENTS_PER_WORK)) {
      const at = this.released_head;
      const slot = this.released_slots[at];
      const generation = this.released_generations[at];
      this.released_head = at + 1 === this.released_slots.length ? 0 : at + 1;
      this.released_count--;
      if (slab.generation[slot] !== generation || slab.status[slot] === 0) continue;
      this.venue.work(slot);
      worked++;
    }
    return worked;
  }

  private onReplace(off: number): void {
    const c = this.cmd;
    const state = this.state;
    const slab = state.slab;
    const account = c.i32[(off + CMD_ACCOUNT) >> 2];
    const orig_id = c.f64[(off + CMD_ORDER_ID) >> 3];
    // Zero means "keep": the io thread sends only what the client amends.
    const qty_in = c.f64[(off + CMD_QTY_LOTS) >> 3];
    const price_in = c.f64[(off + CMD_PRICE_TICKS) >> 3];
    const stop_in = c.f64[(off + CMD_STOP_PRICE_TICKS) >> 3];
    // Dedupe comes first and hashes the request as sent: a resent replace finds its original
    // order already REPLACED (gone from the slab), so neither the lookup nor the hash may need it.
    const content_hash = replaceContentHash(orig_id, qty_in, price_in, stop_in);
    const cl_length = c.u8[off + CMD_CL_ORD_ID_LENGTH];
    const entry = this.findClientOrderId(off, account, cl_length);
    if (entry >= 0) {
      this.replyDuplicate(off, entry, content_hash);
      return;
    }
    const slot = state.slotOf(orig_id);
    if (slot < 0 || slab.account[slot] !== account) {
      this.refuse(off, RejectCode.UNKNOWN_ORDER, orig_id);
      return;
    }
    const qty = qty_in > 0 ? qty_in : slab.qty_lots[slot];
    const stop = stop_in > 0 ? stop_in : slab.stop_price_ticks[slot];
    const order_type = slab.order_type[slot];
    // A trailing stop-limit's limit price is not amended on its own: it follows the trigger.
    const price = order_type === OrderType.TRAILING_STOP_LIMIT
      ? trailingLimitPrice(slab.side[slot], stop, slab.limit_offset_ticks[slot])
      : price_in > 0 ? price_in : slab.price_ticks[slot];
    if (order_type === OrderType.MARKET) {
      this.refuse(off, RejectCode.REPLACE_NOT_ALLOWED, orig_id);
      return;
    }
    if (qty === slab.qty_lots[slot] && price === slab.price_ticks[slot] && stop === slab.stop_price_ticks[slot]) {
      this.refuse(off, RejectCode.NOTHING_TO_AMEND, orig_id);
      return;
    }
    const filled = slab.filled_qty_lots[slot];
    if (qty <= filled) {
      this.refuse(off, RejectCode.REPLACE_QTY_BELOW_FILLED, orig_id);
      return;
    }
    const symbol = slab.symbol[slot];
    const side = slab.side[slot];
    const limit_price = hasLimitPrice(order_type) ? price : 0;
    const reduce_only = (slab.exec_inst[slot] & ExecInst.REDUCE_ONLY) !== 0;
    const code = this.risk.check(account, symbol, side, order_type, qty, qty - filled, limit_price, slab.triggered[slot] ? 0 : stop,
      slot, false, reduce_only);
    if (code !== RejectCode.OK) {
      this.refuse(off, code, orig_id);
      return;
    }
    // A replace is not trimmed: its new open quantity must fit what is left to reduce, this
    // order's own open quantity counted back in.
    if (reduce_only) {
      const own_leaves = slab.qty_lots[slot] - filled;
      if (qty - filled > state.book.reducibleLots(state.book.cell(account, symbol), side === Side.BUY) + own_leaves) {
        this.refuse(off, RejectCode.REDUCE_ONLY_WOULD_INCREASE, orig_id);
        return;
      }
    }
    // A replace arrives at the venue as a new order: a post-only one must not take either.
    if ((slab.exec_inst[slot] & ExecInst.POST_ONLY) !== 0 && this.risk.wouldTake(symbol, side, price)) {
      this.refuse(off, RejectCode.POST_ONLY_WOULD_TAKE, orig_id);
      return;
    }

    const new_id = state.next_order_id;
    // The original leaves the book here (its slot may be reused by the new order at once).
    this.expiry.remove(slot);
    const e = this.beginEvent(EventType.REPLACED, new_id);
    const ev = this.ev;
    this.writeOrderFields(e, slot);
    ev.f64[(e + EV_ORDER_ID) >> 3] = new_id;
    ev.f64[(e + EV_ORIG_ORDER_ID) >> 3] = orig_id;
    ev.f64[(e + EV_QTY_LOTS) >> 3] = qty;
    ev.f64[(e + EV_PRICE_TICKS) >> 3] = limit_price;
    ev.f64[(e + EV_STOP_PRICE_TICKS) >> 3] = stop;
    ev.f64[(e + EV_REF_PRICE_TICKS) >> 3] = this.risk.refPrice(symbol, side, order_type, price, stop);
    ev.i32[(e + EV_CONTENT_HASH) >> 2] = content_hash;
    // For readers of the event (the replacement's list); the state moves the membership itself.
    const list = state.lists.list_of[slot];
    if (list >= 0) ev.f64[(e + EV_ARG) >> 3] = state.lists.id[list];
    ev.u8[e + EV_STATUS] = filled > 0 ? OrderStatus.PARTIALLY_FILLED : OrderStatus.ACCEPTED;
    this.copyCommandClientOrderId(off, e);
    this.commitEvent(e);
    const new_slot = state.slotOf(new_id);
    // A held list member stays held when replaced (its list put the replacement in its place).
    if (state.lists.held[new_slot] === 0) this.venue.work(new_slot);
    this.armExpiry(new_slot);
    this.reply(off, RejectCode.OK, new_id, 0);
  }

  private onCheck(off: number): void {
    const c = this.cmd;
    const asked_qty = c.f64[(off + CMD_QTY_LOTS) >> 3];
    const account = c.i32[(off + CMD_ACCOUNT) >> 2];
    const symbol = c.i32[(off + CMD_SYMBOL) >> 2];
    const side = c.u8[off + CMD_SIDE];
    const order_type = c.u8[off + CMD_ORDER_TYPE];
    // A trailing order is checked with the trigger (and limit) it would start with now.
    const last = this.marks.last_ticks[symbol];
    const sent_stop = c.f64[(off + CMD_STOP_PRICE_TICKS) >> 3];
    const stop = isTrailing(order_type) && sent_stop === 0 && last > 0
      ? trailedTrigger(side, c.u8[off + CMD_TRAILING_OFFSET_TYPE], c.i32[(off + CMD_TRAILING_OFFSET) >> 2], last) : sent_stop;
    const price = order_type === OrderType.TRAILING_STOP_LIMIT
      ? trailingLimitPrice(side, stop, c.f64[(off + CMD_ARG) >> 3]) : c.f64[(off + CMD_PRICE_TICKS) >> 3];
    const exec_inst = c.u8[off + CMD_FLAG];
    const reduce_only = (exec_inst & ExecInst.REDUCE_ONLY) !== 0;
    const book = this.state.book;
    const reducible = reduce_only ? book.reducibleLots(book.cell(account, symbol), side === Side.BUY) : 0;
    const qty = reduce_only && reducible > 0 && asked_qty > reducible ? reducible : asked_qty;
    let code: number = this.risk.check(account, symbol, side, order_type, qty, qty, price, stop, -1, true, reduce_only);
    if (code === RejectCode.OK && (exec_inst & ExecInst.POST_ONLY) !== 0 && this.risk.wouldTake(symbol, side, price)) {
      code = RejectCode.POST_ONLY_WOULD_TAKE;
    }
    if (code === RejectCode.OK && reduce_only && !(reducible > 0)) code = RejectCode.REDUCE_ONLY_WOULD_INCREASE;
    const r = this.beginReply(off, code, 0, 0);
    this.rp.u8[r + RP_RISK_LEVEL] = this.risk.riskLevel(code);
    this.rp.u32[(r + RP_WARNINGS) >> 2] = this.risk.warnings;
    this.rp.f64[(r + RP_ARG) >> 3] = this.risk.utilization_bps;
  }

  /**
   * An account's current use of its limits, as risk sees it now (flag ACCOUNT_STATUS_PORTFOLIO:
   * its portfolio sums instead): open orders (warnings),
   * new-order tokens left (arg), modification tokens left (order_id: this reply names no
   * order, and the slot has no other free f64) and gross exposure in micros (amount).
   * Changes nothing, takes no token; io answers it once everything the engine has done is durable.
   */
  private onAccountStatus(off: number): void {
    const account = this.cmd.i32[(off + CMD_ACCOUNT) >> 2];
    const book = this.state.book;
    if (!(account >= 0 && account < book.accounts)) {
      this.reply(off, RejectCode.UNKNOWN_ACCOUNT, 0, 0);
      return;
    }
    if (this.cmd.u8[off + CMD_FLAG] === ACCOUNT_STATUS_PORTFOLIO) {
      // The portfolio sums (the reply has three free f64s): gross in amount, the net if every
      // open buy filled in arg, the net if every open sell filled in order_id.
      const portfolio = this.state.portfolio;
      const r = this.beginReply(off, RejectCode.OK, portfolio.net_short_micros[account], 0);
      this.rp.f64[(r + RP_ARG) >> 3] = portfolio.net_long_micros[account];
      this.rp.f64[(r + RP_AMOUNT) >> 3] = portfolio.gross_micros[account];
      return;
    }
    const limits = this.risk.limits;
    const r = this.beginReply(off, RejectCode.OK, book.peekModifyTokens(account, limits.modify_rate_per_sec[account], limits.modify_burst[account]), 0);
    this.rp.u32[(r + RP_WARNINGS) >> 2] = book.open_orders[account];
    this.rp.f64[(r + RP_ARG) >> 3] = book.peekTokens(account, limits.rate_per_sec[account], limits.burst[account]);
    this.rp.f64[(r + RP_AMOUNT) >> 3] = book.open_notional_micros[account] + this.risk.grossPositionNotional(account);
  }

  private onMassCancel(off: number): void {
    const c = this.cmd;
    const account = c.i32[(off + CMD_ACCOUNT) >> 2];
    this.startJob(off, account, account + 1, c.u32[(off + CMD_SESSION_ID) >> 2], c.u8[off + CMD_FLAG], ExecReason.CANCEL_ON_DISCONNECT);
  }

  private onKillSwitch(off: number): void {
    const c = this.cmd;
    const account = c.i32[(off + CMD_ACCOUNT) >> 2];
    const engage = c.u8[off + CMD_FLAG] !== 0 ? 1 : 0;
    const e = this.beginEvent(EventType.KILL_SWITCH, 0);
    this.ev.i32[(e + EV_ACCOUNT) >> 2] = account;
    this.ev.i32[(e + EV_SYMBOL) >> 2] = -1;
    this.ev.u8[e + EV_FLAG] = engage;
    this.commitEvent(e);
    if (engage === 0) {
      this.reply(off, RejectCode.OK, 0, 0);
      return;
    }
    const all = account < 0;
    this.startJob(off, all ? 0 : account, all ? this.state.capacity.accounts : account + 1, 0, 0xff, ExecReason.KILL_SWITCH);
  }

  /**
   * An operator sets an account's (account -1: every account's) trading state. Journaled
   * as an event, so replay restores it. Open orders are left as they are unless the flag
   * carries TRADING_STATE_CANCEL_ALL (the kill switch: HALTED plus cancel-all): then every
   * open order in scope is canceled too, each a journaled CANCELED event (reason
   * KILL_SWITCH), and the reply, with the count, follows the last of them.
   */
  private onTradingState(off: number): void {
    const account = this.cmd.i32[(off + CMD_ACCOUNT) >> 2];
    const flag = this.cmd.u8[off + CMD_FLAG];
    const trading_state = flag & ~TRADING_STATE_CANCEL_ALL;
    if (!(account >= -1 && account < this.state.book.accounts)) {
      this.reply(off, RejectCode.UNKNOWN_ACCOUNT, 0, 0);
      return;
    }
    if (trading_state !== TradingState.ACTIVE && trading_state !== TradingState.REDUCING && trading_state !== TradingState.HALTED) {
      this.reply(off, RejectCode.VALUE_OUT_OF_RANGE, 0, 0);
      return;
    }
    const e = this.beginEvent(EventType.TRADING_STATE, 0);
    this.ev.i32[(e + EV_ACCOUNT) >> 2] = account;
    this.ev.i32[(e + EV_SYMBOL) >> 2] = -1;
    this.ev.u8[e + EV_FLAG] = trading_state;
    this.commitEvent(e);
    if ((flag & TRADING_STATE_CANCEL_ALL) === 0) {
      this.reply(off, RejectCode.OK, 0, 0);
      return;
    }
    const all = account < 0;
    this.startJob(off, all ? 0 : account, all ? this.state.capacity.accounts : account + 1, 0, 0xff, ExecReason.KILL_SWITCH);
  }

  private onSymbolHalt(off: number): void {
    const symbol = this.cmd.i32[(off + CMD_SYMBOL) >> 2];
    const e = this.beginEvent(EventType.SYMBOL_HALT, 0);
    this.ev.i32[(e + EV_ACCOUNT) >> 2] = -1;
    this.ev.i32[(e + EV_SYMBOL) >> 2] = symbol;
    this.ev.u8[e + EV_FLAG] = this.cmd.u8[off + CMD_FLAG] !== 0 ? 1 : 0;
    this.commitEvent(e);
    this.venue.onHaltChanged(symbol);
    this.marks.dirty = true;
    this.reply(off, RejectCode.OK, 0, 0);
  }

  private onLimitsSwap(off: number): void {
    const bank = this.limit_banks[this.cmd.u8[off + CMD_FLAG]];
    if (bank === undefined) {
      this.reply(off, RejectCode.VALUE_OUT_OF_RANGE, 0, 0);
      return;
    }
    this.risk.limits = bank;
    const e = this.beginEvent(EventType.LIMITS_SWAPPED, 0);
    this.ev.i32[(e + EV_ACCOUNT) >> 2] = -1;
    this.ev.i32[(e + EV_SYMBOL) >> 2] = -1;
    this.ev.f64[(e + EV_ARG) >> 3] = this.cmd.f64[(off + CMD_ARG) >> 3];
    this.commitEvent(e);
    this.reply(off, RejectCode.OK, 0, 0);
  }

  /** Hashes the whole state at this point of the command stream (a pause proportional to open orders). */
  private onStateHash(off: number): void {
    const hash = stateHash(this.state);
    const e = this.beginEvent(EventType.STATE_HASH, 0);
    this.ev.i32[(e + EV_ACCOUNT) >> 2] = -1;
    this.ev.i32[(e + EV_SYMBOL) >> 2] = -1;
    this.ev.f64[(e + EV_ARG) >> 3] = hash;
    this.commitEvent(e);
    this.counters[EngineCounter.STATE_HASH] = hash;
    const r = this.beginReply(off, RejectCode.OK, 0, 0);
    this.rp.f64[(r + RP_ARG) >> 3] = hash;
  }

  // ---- mass cancel job ------------------------------------------------------------

  private startJob(off: number, account_from: number, account_end: number, session: number, tif_mask: number, reason: number): void {
    this.job = JOB_MASS_CANCEL;
    this.job_account = account_from;
    this.job_account_end = account_end;
    this.job_cursor = -1;
    this.job_session = session;
    this.job_tif_mask = tif_mask;
    this.job_reason = reason;
    this.job_request_id = this.cmd.i32[(off + CMD_REQUEST_ID) >> 2];
    this.job_command_type = this.cmd.u8[off + CMD_TYPE];
    this.job_canceled = 0;
  }

  /** Cancels matching orders while the rings have room; replies when done. */
  private progressJob(): number {
    const slab = this.state.slab;
    let emitted = 0;
    // Room for the cancel and for what it does to the order's list (its held children).
    while (this.events.hasCapacity(LIST_ORDERS_MAX)) {
      let slot = this.job_cursor;
      while (slot < 0) {
        if (this.job_account >= this.job_account_end) {
          if (!this.replies.hasCapacity(1)) return emitted;
          const r = this.replies.claim();
          this.writeReply(r, this.job_request_id, this.job_command_type, RejectCode.OK, 0, 0);
          this.rp.f64[(r + RP_ARG) >> 3] = this.job_canceled;
          this.job = JOB_NONE;
          return emitted + 1;
        }
        slot = slab.account_head[this.job_account++];
      }
      this.job_cursor = slab.nextInAccount(slot);
      const session_matches = this.job_session === 0 || slab.session_id[slot] === this.job_session;
      const tif_matches = (this.job_tif_mask & (1 << slab.time_in_force[slot])) !== 0;
      if (session_matches && tif_matches) {
        this.closeOrder(slot, EventType.CANCELED, OrderStatus.CANCELED, this.job_reason);
        this.job_canceled++;
        emitted++;
      }
    }
    return emitted;
  }

  // ---- slow tick ------------------------------------------------------------------

  private slowTick(): number {
    this.next_tick_ms = this.now_ms + SLOW_TICK_INTERVAL_MS;
    let work = 0;
    if (this.job === JOB_NONE) work += this.expireDue();
    if (this.now_ms >= this.next_heartbeat_ms) this.heartbeat();
    return work;
  }

  /** Every entry is an open order (orders leave the queue as they leave the book); closeOrder takes it out. */
  private expireDue(): number {
    const expiry = this.expiry;
    let expired = 0;
    while (expiry.length > 0 && expiry.topKey() <= this.now_ms && this.events.hasCapacity(LIST_ORDERS_MAX)) {
      this.closeOrder(expiry.topSlot(), EventType.EXPIRED, OrderStatus.EXPIRED, ExecReason.TIME_IN_FORCE_EXPIRED);
      expired++;
    }
    return expired;
  }

  private heartbeat(): void {
    this.next_heartbeat_ms = this.now_ms + HEARTBEAT_INTERVAL_MS;
    this.counters[EngineCounter.OPEN_ORDERS] = this.state.slab.live;
    this.counters[EngineCounter.LAST_SEQ] = this.state.last_seq;
    if (this.parks !== undefined) this.counters[EngineCounter.PARKS] = this.parks.park_count;
    const health = this.health;
    if (health === null) return;
    health.heartbeat(Date.now());
    health.progress(this.commands_total, this.commands.available(), this.state.last_seq);
  }

  // ---- ExecutionSink (the venue calls these) ----------------------------------------

  canEmit(events: number): boolean {
    return this.events.hasCapacity(events);
  }

  fill(slot: number, qty_lots: number, price_ticks: number): void {
    const slab = this.state.slab;
    // A reduce-only order never grows a position, whatever happened to the position since it
    // was placed (other fills, other orders): it fills at most what is left of the position
    // on its side and is canceled when nothing is. (The venue has counted the touch liquidity
    // as used either way; the lot it loses for this tick is the conservative error.)
    if ((slab.exec_inst[slot] & ExecInst.REDUCE_ONLY) !== 0) {
      const book = this.state.book;
      const position = book.position_lots[book.cell(slab.account[slot], slab.symbol[slot])];
      const reducible = slab.side[slot] === Side.BUY ? -position : position;
      if (!(reducible > 0)) {
        this.closeOrder(slot, EventType.CANCELED, OrderStatus.CANCELED, ExecReason.REDUCE_ONLY_NO_POSITION);
        return;
      }
      if (qty_lots > reducible) qty_lots = reducible;
    }
    const filled = slab.filled_qty_lots[slot] + qty_lots;
    // Read before the event is applied: a final fill takes the order out of its list.
    const list = this.state.lists.list_of[slot];
    const member = this.state.lists.member[slot];
    const e = this.beginEvent(EventType.FILL, slab.order_id[slot]);
    this.writeOrderFields(e, slot);
    const ev = this.ev;
    ev.f64[(e + EV_FILLED_QTY_LOTS) >> 3] = filled;
    ev.f64[(e + EV_FILL_NOTIONAL) >> 3] = slab.fill_notional[slot] + qty_lots * price_ticks;
    ev.f64[(e + EV_LAST_FILL_QTY_LOTS) >> 3] = qty_lots;
    ev.f64[(e + EV_LAST_FILL_PRICE_TICKS) >> 3] = price_ticks;
    const done = filled >= slab.qty_lots[slot];
    ev.u8[e + EV_STATUS] = done ? OrderStatus.FILLED : OrderStatus.PARTIALLY_FILLED;
    if (done) this.expiry.remove(slot);
    this.commitEvent(e);
    if (list >= 0) this.afterMemberFill(list, member, qty_lots, done, filled);
  }

  trigger(slot: number, ref_price_ticks: number): void {
    const slab = this.state.slab;
    const e = this.beginEvent(EventType.TRIGGERED, slab.order_id[slot]);
    this.writeOrderFields(e, slot);
    this.ev.u8[e + EV_ORDER_TYPE] = triggeredType(slab.order_type[slot]);
    this.ev.u8[e + EV_TRIGGERED] = 1;
    this.ev.f64[(e + EV_REF_PRICE_TICKS) >> 3] = ref_price_ticks;
    this.commitEvent(e);
  }

  moveTrigger(slot: number, trigger_ticks: number): void {
    const slab = this.state.slab;
    const e = this.beginEvent(EventType.TRIGGER_MOVED, slab.order_id[slot]);
    this.writeOrderFields(e, slot);
    const ev = this.ev;
    const order_type = slab.order_type[slot];
    const price = order_type === OrderType.TRAILING_STOP_LIMIT
      ? trailingLimitPrice(slab.side[slot], trigger_ticks, slab.limit_offset_ticks[slot]) : slab.price_ticks[slot];
    ev.f64[(e + EV_STOP_PRICE_TICKS) >> 3] = trigger_ticks;
    ev.f64[(e + EV_PRICE_TICKS) >> 3] = price;
    // Valued as a stop is: at its limit (stop-limit) or at its trigger.
    ev.f64[(e + EV_REF_PRICE_TICKS) >> 3] = order_type === OrderType.TRAILING_STOP_LIMIT ? price : trigger_ticks;
    this.commitEvent(e);
  }

  expire(slot: number, reason: number): void {
    this.closeOrder(slot, EventType.EXPIRED, OrderStatus.EXPIRED, reason);
  }

  // ---- event and reply writing ------------------------------------------------------

  /** Every way an order leaves the book but a final fill and a replace (see fill, onReplace). */
  private closeOrder(slot: number, type: number, status: number, reason: number): void {
    this.expiry.remove(slot);
    // Read before the event is applied, which takes the order out of its list.
    const list = this.state.lists.list_of[slot];
    const member = this.state.lists.member[slot];
    const filled = this.state.slab.filled_qty_lots[slot];
    const e = this.beginEvent(type, this.state.slab.order_id[slot]);
    this.writeOrderFields(e, slot);
    this.ev.u8[e + EV_STATUS] = status;
    this.ev.u8[e + EV_REASON] = reason;
    this.commitEvent(e);
    if (list >= 0 && member === 0 && hasParent(this.state.lists.contingency[list])) this.afterParentLeft(list, filled, reason);
  }

  /** Claims an event slot (capacity already checked) and writes the common header. */
  private beginEvent(type: number, order_id: number): number {
    const e = this.events.claim();
    const ev = this.ev;
    // Clear the slot: a reused slot must not leak fields of an older event. A plain loop,
    // which the JIT inlines, rather than TypedArray.fill, a builtin call per event.
    const f64 = ev.f64;
    for (let k = e >> 3, end = (e + EVENT_SLOT_BYTES) >> 3; k < end; k++) f64[k] = 0;
    ev.f64[(e + EV_SEQ) >> 3] = this.state.last_seq + 1;
    ev.f64[(e + EV_TS_US) >> 3] = this.now_us;
    ev.f64[(e + EV_ORDER_ID) >> 3] = order_id;
    ev.u8[e + EV_TYPE] = type;
    return e;
  }

  /** Applies the event just written to the state, from the slot itself. */
  private commitEvent(e: number): void {
    this.state.apply(this.ev, e);
    const type = this.ev.u8[e + EV_TYPE];
    this.counters[EVENTS_BY_TYPE_OFFSET + type]++;
    this.counters[EngineCounter.EVENTS]++;
  }

  /** Copies an open order's current fields into an event slot. */
  private writeOrderFields(e: number, slot: number): void {
    const slab = this.state.slab;
    const ev = this.ev;
    ev.f64[(e + EV_QTY_LOTS) >> 3] = slab.qty_lots[slot];
    ev.f64[(e + EV_PRICE_TICKS) >> 3] = slab.price_ticks[slot];
    ev.f64[(e + EV_STOP_PRICE_TICKS) >> 3] = slab.stop_price_ticks[slot];
    ev.f64[(e + EV_FILLED_QTY_LOTS) >> 3] = slab.filled_qty_lots[slot];
    ev.f64[(e + EV_FILL_NOTIONAL) >> 3] = slab.fill_notional[slot];
    ev.f64[(e + EV_EXPIRE_AT_MS) >> 3] = slab.expire_at_ms[slot];
    ev.f64[(e + EV_REF_PRICE_TICKS) >> 3] = slab.ref_price_ticks[slot];
    ev.i32[(e + EV_ACCOUNT) >> 2] = slab.account[slot];
    ev.i32[(e + EV_SYMBOL) >> 2] = slab.symbol[slot];
    ev.u32[(e + EV_SESSION_ID) >> 2] = slab.session_id[slot];
    ev.i32[(e + EV_CONTENT_HASH) >> 2] = slab.content_hash[slot];
    ev.u8[e + EV_SIDE] = slab.side[slot];
    ev.u8[e + EV_ORDER_TYPE] = slab.order_type[slot];
    ev.u8[e + EV_TIME_IN_FORCE] = slab.time_in_force[slot];
    ev.u8[e + EV_STATUS] = slab.status[slot];
    ev.u8[e + EV_TRIGGERED] = slab.triggered[slot];
    ev.u8[e + EV_EXEC_INST] = slab.exec_inst[slot];
    ev.u8[e + EV_TRAILING_OFFSET_TYPE] = slab.trailing_offset_type[slot];
    ev.i32[(e + EV_TRAILING_OFFSET) >> 2] = slab.trailing_offset[slot];
    ev.i32[(e + EV_LIMIT_OFFSET_TICKS) >> 2] = slab.limit_offset_ticks[slot];
    ev.u8[e + EV_CL_ORD_ID_LENGTH] = slab.copyClientOrderId(slot, ev.u8, e + EV_CL_ORD_ID);
  }

  private copyCommandClientOrderId(off: number, e: number): void {
    const length = this.cmd.u8[off + CMD_CL_ORD_ID_LENGTH];
    const from = off + CMD_CL_ORD_ID;
    const to = e + EV_CL_ORD_ID;
    const c8 = this.cmd.u8;
    const e8 = this.ev.u8;
    for (let k = 0; k < length; k++) e8[to + k] = c8[from + k];
    e8[e + EV_CL_ORD_ID_LENGTH] = length;
  }

  /** Same client order id seen before: same terms answer with the original order, else a refusal. */
  private replyDuplicate(off: number, entry: number, content_hash: number): void {
    const dedupe = this.state.dedupe;
    const original = dedupe.orderIdOf(entry);
    if (dedupe.contentHashOf(entry) === content_hash) {
      this.reply(off, RejectCode.OK, original, REPLY_FLAG_DUPLICATE);
    } else {
      this.countReject(RejectCode.DUPLICATE_CLIENT_ORDER_ID);
      this.reply(off, RejectCode.DUPLICATE_CLIENT_ORDER_ID, original, 0);
    }
  }

  private refuse(off: number, code: number, order_id: number): void {
    this.countReject(code);
    this.reply(off, code, order_id, 0);
  }

  private reply(off: number, code: number, order_id: number, flag: number): void {
    this.beginReply(off, code, order_id, flag);
  }

  private beginReply(off: number, code: number, order_id: number, flag: number): number {
    const r = this.replies.claim();
    this.last_reply = r;
    // int32, not uint32: an id >= 2^31 passed as an argument would be boxed (same bits either way).
    this.writeReply(r, this.cmd.i32[(off + CMD_REQUEST_ID) >> 2], this.cmd.u8[off + CMD_TYPE], code, order_id, flag);
    return r;
  }

  private writeReply(r: number, request_id: number, command_type: number, code: number, order_id: number, flag: number): void {
    const rp = this.rp;
    rp.f64[(r + RP_ORDER_ID) >> 3] = order_id;
    rp.f64[(r + RP_LAST_SEQ) >> 3] = this.state.last_seq;
    rp.f64[(r + RP_ARG) >> 3] = 0;
    rp.i32[(r + RP_REQUEST_ID) >> 2] = request_id;
    rp.u32[(r + RP_WARNINGS) >> 2] = 0;
    rp.u16[(r + RP_CODE) >> 1] = code;
    rp.u8[r + RP_COMMAND_TYPE] = command_type;
    rp.u8[r + RP_RISK_LEVEL] = 0;
    rp.u8[r + RP_FLAG] = flag;
    this.counters[EngineCounter.REPLIES]++;
  }

  private countReject(code: number): void {
    if (code < REJECT_CODE_SLOTS) this.counters[REJECTS_BY_CODE_OFFSET + code]++;
  }

  private armExpiry(slot: number): void {
    const slab = this.state.slab;
    if (slab.status[slot] === 0) return;
    const expire_at = slab.expire_at_ms[slot];
    if (expire_at > 0 && slab.time_in_force[slot] !== TimeInForce.IOC && slab.time_in_force[slot] !== TimeInForce.FOK) {
      this.expiry.insert(slot, expire_at);
    }
  }

  /** Reads the real clock; time never goes backwards (commands may be stamped ahead of it). */
  private readClock(): void {
    const now_us = this.clock.nowUs();
    if (now_us > this.now_us) {
      this.now_us = now_us;
      this.now_ms = now_us / 1000;
      this.state.book.now_ms = this.now_ms;
    }
  }
}
