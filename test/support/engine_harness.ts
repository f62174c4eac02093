/**
 * Drives a real engine on the test's own thread: the OMS's shared buffers and start record
 * (allocateOmsBuffers, engineInitFor), real state, real venue and risk, with a manual clock, so every rule can be exercised deterministically. Tests
 * speak in decimals and names ("0.5", "BTCUSDT"); the harness converts like the edge does.
 */
import { ManualClock } from '../../engine/agent/clock.js';
import { EngineState } from '../../engine/state/engine_state.js';
import { DEFAULT_ENGINE_CONFIG, EngineConfig } from '../../engine/config/engine_config.js';
import { createEngine, Engine, engineInitFor } from '../../engine/engine_factory.js';
import { CommandWriter } from '../../engine/protocol/command_writer.js';
import { ContingencyType, ExecInst, OrderType, Side, TimeInForce, TradingState, TrailingOffsetType } from '../../engine/protocol/enums.js';
import { EVENT_SLOT_BYTES } from '../../engine/protocol/event_layout.js';
import { decodeEvent, decodeReply, EventRecord, ReplyRecord } from '../../engine/protocol/event_record.js';
import { slotViewsOver } from '../../engine/protocol/slot_views.js';
import { AccountSpec, AccountTable, DEMO_ACCOUNT_LIMITS } from '../../engine/reference/accounts.js';
import { decimalOf } from '../../engine/reference/decimal.js';
import { DEMO_INSTRUMENTS, InstrumentSpec, InstrumentTable } from '../../engine/reference/instruments.js';
import { MARK_FIELD_COUNT, MarkField } from '../../engine/reference/mark_table.js';
import { PnlField } from '../../engine/reference/pnl_table.js';
import { buildRiskLimits, LimitOverrides, RiskLimits } from '../../engine/reference/risk_limits.js';
import { SeqlockTable } from '../../engine/reference/seqlock_table.js';
import { RingConsumer, RingProducer, SharedRing } from '../../engine/ring/ring.js';
import { allocateOmsBuffers, EventConsumer } from '../../engine/shared_memory.js';

export interface HarnessOptions {
  readonly accounts?: readonly AccountSpec[];
  readonly instruments?: readonly InstrumentSpec[];
  readonly config?: Partial<EngineConfig>;
  readonly overrides?: LimitOverrides;
  readonly event_ring_capacity?: number;
  /** Start from this state (e.g. one rebuilt by `replayState`) instead of an empty one, as recovery does. */
  readonly state?: EngineState;
}

export interface OrderInput {
  readonly account?: string;
  readonly symbol?: string;
  readonly side?: 'buy' | 'sell';
  readonly type?: keyof typeof OrderType;
  readonly tif?: keyof typeof TimeInForce;
  readonly qty?: string;
  readonly price?: string;
  readonly stop?: string;
  readonly expire_at_ms?: number;
  readonly session_id?: number;
  readonly id?: string;
  /** Order instructions (ExecInst). */
  readonly post_only?: boolean;
  readonly reduce_only?: boolean;
  /** Trailing orders: a price distance, or whole basis points; a stop-limit's limit offset (a price distance). */
  readonly trail?: string;
  readonly trail_bps?: number;
  readonly limit_offset?: string;
}

export interface Outcome {
  readonly reply: ReplyRecord;
  readonly events: EventRecord[];
}

export interface BatchOutcome {
  readonly replies: ReplyRecord[];
  readonly events: EventRecord[];
}

export const TEST_ACCOUNTS: readonly AccountSpec[] = [
  { name: 'alice', api_key: 'alice-key-1', ...DEMO_ACCOUNT_LIMITS },
  { name: 'bob', api_key: 'bob-key-001', ...DEMO_ACCOUNT_LIMITS },
];

export class EngineHarness {
  readonly clock = new ManualClock();
  readonly instruments: InstrumentTable;
  readonly accounts: AccountTable;
  readonly engine: Engine;
  readonly writer: CommandWriter;
  /** The command ring's producer, for tests that write a raw slot the writer cannot. */
  readonly command_producer: RingProducer;
  readonly event_reader: RingConsumer;
  readonly reply_reader: RingConsumer;
  readonly mark_table: SeqlockTable;
  readonly pnl_table: SeqlockTable;
  readonly banks: RiskLimits[];
  readonly counters: Float64Array;
  /** Every event the engine emitted, in order. */
  readonly all_events: EventRecord[] = [];
  /** The same events as raw slot bytes, back to back: the journal a recovery would replay. */
  private journal = new Uint8Array(EVENT_SLOT_BYTES * 1024);
  private request_id = 0;
  private id_counter = 0;
  private active_bank = 0;

  constructor(options: HarnessOptions = {}) {
    this.instruments = new InstrumentTable(options.instruments ?? DEMO_INSTRUMENTS);
    this.accounts = new AccountTable(options.accounts ?? TEST_ACCOUNTS, this.instruments);
    const config: EngineConfig = { ...DEFAULT_ENGINE_CONFIG, max_open_orders: 4096, dedupe_window: 16384, ...options.config };
    // The OMS's buffers, with rings sized for a test: one step writes at most 256 commands.
    const buffers = allocateOmsBuffers(
      { ...config, command_ring_capacity: 256, event_ring_capacity: options.event_ring_capacity ?? 8192, reply_ring_capacity: 256 },
      this.accounts.count, this.instruments.count);
    this.banks = [new RiskLimits(buffers.limits[0]), new RiskLimits(buffers.limits[1])];
    buildRiskLimits(this.banks[0], this.instruments, this.accounts, 1, options.overrides);
    this.mark_table = new SeqlockTable(buffers.marks);
    this.pnl_table = new SeqlockTable(buffers.pnl);
    this.counters = new Float64Array(buffers.engine_counters);
    const commands = new SharedRing(buffers.commands);
    const events = new SharedRing(buffers.events);
    const replies = new SharedRing(buffers.replies);
    // The test reads events where the journal does; nobody reads behind it, so the io and
    // PnL positions must not hold the engine back.
    events.detach(EventConsumer.IO);
    events.detach(EventConsumer.PNL);
    const init = engineInitFor(buffers, {
      config,
      accounts: this.accounts.count,
      notional_scale: this.instruments.instruments.map((i) => i.notional_scale),
      active_limits_bank: 0,
    });
    // No health block: nobody watches this engine's heartbeat, and a heartbeat reads the
    // wall clock, which the manual clock is meant to replace.
    this.engine = createEngine({ ...init, health: null }, this.clock, options.state);
    this.command_producer = new RingProducer(commands);
    this.writer = new CommandWriter(this.command_producer, this.clock);
    this.event_reader = new RingConsumer(events, EventConsumer.JOURNAL);
    this.reply_reader = new RingConsumer(replies, 0);
    this.engine.agent.onStart();
  }

  get state() {
    return this.engine.state;
  }

  account(name: string): number {
    const index = this.accounts.indexOf(name);
    if (index < 0) throw new Error(`no account ${name}`);
    return index;
  }

  symbol(name: string): number {
    const index = this.instruments.indexOf(name);
    if (index < 0) throw new Error(`no symbol ${name}`);
    return index;
  }

  ticks(symbol: string, price: string): number {
    const conversion = this.instruments.priceToTicks(this.symbol(symbol), decimalOf(price)!);
    if (!conversion.ok) throw new Error(`price ${price} off grid for ${symbol}`);
    return conversion.units;
  }

  lots(symbol: string, qty: string): number {
    const conversion = this.instruments.qtyToLots(this.symbol(symbol), decimalOf(qty)!);
    if (!conversion.ok) throw new Error(`qty ${qty} off grid for ${symbol}`);
    return conversion.units;
  }

  /** Publishes a market-data tick the way the market-data worker does. */
  setMarket(symbol: string, m: { bid: string; ask: string; last?: string; bid_size?: string; ask_size?: string }): EventRecord[] {
    const s = this.symbol(symbol);
    const values = new Float64Array(MARK_FIELD_COUNT);
    values[MarkField.BID_TICKS] = this.ticks(symbol, m.bid);
    values[MarkField.ASK_TICKS] = this.ticks(symbol, m.ask);
    values[MarkField.LAST_TICKS] = this.ticks(symbol, m.last ?? m.bid);
    values[MarkField.BID_SIZE_LOTS] = this.lots(symbol, m.bid_size ?? '1000');
    values[MarkField.ASK_SIZE_LOTS] = this.lots(symbol, m.ask_size ?? '1000');
    values[MarkField.UPDATED_AT_MS] = this.clock.now_us / 1000;
    this.mark_table.write(s, values);
    return this.run();
  }

  /** Publishes an account's daily PnL the way the PnL worker does, stamped now (the manual clock) unless told. */
  setDailyPnl(account: string, pnl_quote: number, updated_at_ms = this.clock.now_us / 1000): void {
    this.pnl_table.writeField(this.account(account), PnlField.DAILY_PNL_MICROS, pnl_quote * 1_000_000);
    this.pnl_table.writeField(this.account(account), PnlField.UPDATED_AT_MS, updated_at_ms);
  }

  nextClientOrderId(): string {
    return `t-${++this.id_counter}`;
  }

  nextRequestId(): number {
    return ++this.request_id;
  }

  order(input: OrderInput = {}): Outcome {
    const symbol = input.symbol ?? 'BTCUSDT';
    const request_id = ++this.request_id;
    const ok = this.writer.newOrder(this.terms(request_id, symbol, input));
    if (!ok) throw new Error('command ring full');
    return this.complete(request_id);
  }

  check(input: OrderInput = {}): ReplyRecord {
    const symbol = input.symbol ?? 'BTCUSDT';
    const request_id = ++this.request_id;
    this.writer.check(this.terms(request_id, symbol, input));
    return this.complete(request_id).reply;
  }

  /** The command terms `order` would send, for tests that write commands themselves (see `batch`). */
  orderTerms(input: OrderInput = {}, request_id = ++this.request_id) {
    return this.terms(request_id, input.symbol ?? 'BTCUSDT', input);
  }

  /**
   * Writes several commands (at most the 256 the command ring holds) and publishes them as
   * one batch, so the engine reads them together (in one doWork when its output rings have
   * room); returns every reply, in command order, and the events.
   */
  batch(write: (writer: CommandWriter) => void): BatchOutcome {
    const before = this.all_events.length;
    write(this.writer);
    this.writer.publish();
    this.run();
    const replies: ReplyRecord[] = [];
    const available = this.reply_reader.available();
    for (let i = 0; i < available; i++) replies.push(decodeReply(this.reply_reader.ring, this.reply_reader.slotAt(i)));
    this.reply_reader.release(available);
    return { replies, events: this.all_events.slice(before) };
  }

  /**
   * A contingent order list (header and members in one batch, as the io thread writes it);
   * `orders` as for `order`, all on one account (the first order's, default alice).
   */
  orderList(contingency: keyof typeof ContingencyType, orders: readonly OrderInput[], list_client_id = `l-${++this.id_counter}`): Outcome {
    const request_id = ++this.request_id;
    const account = this.account(orders[0]?.account ?? 'alice');
    const members = orders.map((input) => this.terms(request_id, input.symbol ?? 'BTCUSDT', input));
    if (!this.writer.newOrderList(request_id, account, ContingencyType[contingency], list_client_id, members)) throw new Error('command ring full');
    return this.complete(request_id);
  }

  cancelList(list_id: number, account = 'alice'): Outcome {
    const request_id = ++this.request_id;
    this.writer.cancelList(request_id, this.account(account), list_id);
    return this.complete(request_id);
  }

  cancel(order_id: number, account = 'alice'): Outcome {
    const request_id = ++this.request_id;
    this.writer.cancel(request_id, this.account(account), order_id);
    return this.complete(request_id);
  }

  replace(order_id: number, change: { qty?: string; price?: string; stop?: string; id?: string; account?: string; symbol?: string; session_id?: number }): Outcome {
    const request_id = ++this.request_id;
    const symbol = change.symbol ?? 'BTCUSDT';
    this.writer.replace({
      request_id,
      account: this.account(change.account ?? 'alice'),
      order_id,
      qty_lots: change.qty === undefined ? 0 : this.lots(symbol, change.qty),
      price_ticks: change.price === undefined ? 0 : this.ticks(symbol, change.price),
      stop_price_ticks: change.stop === undefined ? 0 : this.ticks(symbol, change.stop),
      session_id: change.session_id ?? 0,
      client_order_id: change.id ?? this.nextClientOrderId(),
    });
    return this.complete(request_id);
  }

  killSwitch(account: string | null, engage: boolean): Outcome {
    const request_id = ++this.request_id;
    this.writer.killSwitch(request_id, account === null ? -1 : this.account(account), engage);
    return this.complete(request_id);
  }

  massCancel(account: string, session_id: number, tif_mask: number): Outcome {
    const request_id = ++this.request_id;
    this.writer.massCancel(request_id, this.account(account), session_id, tif_mask);
    return this.complete(request_id);
  }

  /** account null = the global trading state. */
  tradingState(account: string | null, state: keyof typeof TradingState, cancel_all = false): Outcome {
    const request_id = ++this.request_id;
    this.writer.tradingState(request_id, account === null ? -1 : this.account(account), TradingState[state], cancel_all);
    return this.complete(request_id);
  }

  halt(symbol: string, halt: boolean): Outcome {
    const request_id = ++this.request_id;
    this.writer.symbolHalt(request_id, this.symbol(symbol), halt);
    return this.complete(request_id);
  }

  /** Writes new limits into the idle bank and swaps them in. */
  swapLimits(overrides: LimitOverrides, version: number): Outcome {
    const bank = this.prepareLimitsBank(overrides, version);
    const request_id = ++this.request_id;
    this.writer.limitsSwap(request_id, bank, version);
    return this.complete(request_id);
  }

  /** Writes new limits into the idle bank and returns its index, for a LIMITS_SWAP the test sends itself. */
  prepareLimitsBank(overrides: LimitOverrides, version: number): number {
    const bank = 1 - this.active_bank;
    buildRiskLimits(this.banks[bank], this.instruments, this.accounts, version, overrides);
    this.active_bank = bank;
    return bank;
  }

  accountStatus(account: string | number, portfolio = false): Outcome {
    const request_id = ++this.request_id;
    this.writer.accountStatus(request_id, typeof account === 'number' ? account : this.account(account), portfolio);
    return this.complete(request_id);
  }

  stateHash(): Outcome {
    const request_id = ++this.request_id;
    this.writer.stateHash(request_id);
    return this.complete(request_id);
  }

  advanceMs(ms: number): EventRecord[] {
    this.clock.advanceMs(ms);
    // As after a park: time passed, so the engine checks its deadlines on the next poll.
    this.engine.agent.afterPark();
    return this.run();
  }

  /**
   * A fresh EngineState (same capacity and notional scales) rebuilt from every event
   * emitted so far, the way recovery replays the journal. `before_each` sees the state
   * just before each event is applied.
   */
  replayState(before_each?: (state: EngineState, event: EventRecord) => void): EngineState {
    const live = this.engine.state;
    const state = new EngineState(live.capacity, live.notional_scale);
    const views = slotViewsOver(this.journal.buffer);
    for (let i = 0; i < this.all_events.length; i++) {
      before_each?.(state, this.all_events[i]);
      state.apply(views, i * EVENT_SLOT_BYTES);
    }
    return state;
  }

  /** A copy of every event emitted so far as raw slots, back to back (EVENT_SLOT_BYTES each). */
  journalBytes(): Uint8Array {
    return this.journal.slice(0, this.all_events.length * EVENT_SLOT_BYTES);
  }

  /** Runs the engine until idle; returns the events it emitted. */
  run(): EventRecord[] {
    const before = this.all_events.length;
    for (let i = 0; i < 10_000; i++) {
      const work = this.engine.agent.doWork();
      this.drainEvents();
      if (work === 0 && !this.engine.agent.hasWork()) break;
    }
    return this.all_events.slice(before);
  }

  private terms(request_id: number, symbol: string, input: OrderInput) {
    const type = input.type ?? 'LIMIT';
    return {
      request_id,
      account: this.account(input.account ?? 'alice'),
      symbol: this.symbol(symbol),
      side: input.side === 'sell' ? Side.SELL : Side.BUY,
      order_type: OrderType[type],
      time_in_force: TimeInForce[input.tif ?? 'GTC'],
      qty_lots: this.lots(symbol, input.qty ?? '1'),
      price_ticks: input.price === undefined ? 0 : this.ticks(symbol, input.price),
      stop_price_ticks: input.stop === undefined ? 0 : this.ticks(symbol, input.stop),
      expire_at_ms: input.expire_at_ms ?? 0,
      session_id: input.session_id ?? 0,
      client_order_id: input.id ?? this.nextClientOrderId(),
      exec_inst: (input.post_only ? ExecInst.POST_ONLY : 0) | (input.reduce_only ? ExecInst.REDUCE_ONLY : 0),
      trailing_offset_type: input.trail !== undefined ? TrailingOffsetType.PRICE : input.trail_bps !== undefined ? TrailingOffsetType.BASIS_POINTS : 0,
      trailing_offset: input.trail !== undefined ? this.ticks(symbol, input.trail) : input.trail_bps ?? 0,
      limit_offset_ticks: input.limit_offset === undefined || Number(input.limit_offset) === 0 ? 0 : this.ticks(symbol, input.limit_offset),
    };
  }

  private complete(request_id: number): Outcome {
    this.writer.publish();
    const before = this.all_events.length;
    for (let i = 0; i < 10_000; i++) {
      this.engine.agent.doWork();
      this.drainEvents();
      const reply = this.takeReply(request_id);
      if (reply !== undefined) {
        this.run();
        return { reply, events: this.all_events.slice(before) };
      }
    }
    throw new Error(`no reply for request ${request_id}`);
  }

  private takeReply(request_id: number): ReplyRecord | undefined {
    const available = this.reply_reader.available();
    for (let i = 0; i < available; i++) {
      const reply = decodeReply(this.reply_reader.ring, this.reply_reader.slotAt(0));
      this.reply_reader.release(1);
      if (reply.request_id === request_id) return reply;
    }
    return undefined;
  }

  private drainEvents(): void {
    const ring = this.event_reader.ring;
    const available = this.event_reader.available();
    for (let i = 0; i < available; i++) {
      const off = this.event_reader.slotAt(i);
      this.record(ring.u8.subarray(off, off + EVENT_SLOT_BYTES));
      this.all_events.push(decodeEvent(ring, off));
    }
    this.event_reader.release(available);
  }

  private record(slot: Uint8Array): void {
    const at = this.all_events.length * EVENT_SLOT_BYTES;
    if (at + EVENT_SLOT_BYTES > this.journal.length) {
      const grown = new Uint8Array(this.journal.length * 2);
      grown.set(this.journal);
      this.journal = grown;
    }
    this.journal.set(slot, at);
  }
}
