/**
 * The engine's start-up warm-up: before the engine worker builds the real engine, it runs
 * a throwaway engine of the same classes over buffers of its own, on synthetic orders, so
 * that V8 has compiled the hot loop (dedupe, risk, fills, event writing) before the first
 * real order arrives. A freshly started OMS otherwise answered its first few thousand
 * orders with the engine still interpreting and compiling itself: round-1 tails of 40-50
 * ms against 14-16 ms warm (bench/README.md, "Fifth pass" and "Sixth pass").
 *
 * Nothing real is touched: the throwaway engine has its own rings, state, marks, PnL,
 * limits (permissive, so orders are accepted and filled rather than refused), counters
 * and no health block; nothing reaches the real rings, the journal or a client; the orders
 * it makes exist only in its state, which is dropped afterwards. Only the code is shared:
 * the same functions, now optimized, run the real engine. It is sized for a few accounts
 * and symbols whatever the real engine's size, so it costs a few MB at start-up, not a
 * second copy of the per-account and per-symbol tables.
 */
import { systemClock } from './agent/clock.js';
import { EngineConfig } from './config/engine_config.js';
import { createEngine, engineInitFor } from './engine_factory.js';
import { CommandWriter } from './protocol/command_writer.js';
import { OrderType, Side, TimeInForce } from './protocol/enums.js';
import { RP_CODE, RP_ORDER_ID, RP_REQUEST_ID } from './protocol/reply_layout.js';
import { RejectCode } from './protocol/reject_codes.js';
import { MARK_FIELD_COUNT, MarkField } from './reference/mark_table.js';
import { PNL_FIELD_COUNT, PnlField } from './reference/pnl_table.js';
import { RiskLimits } from './reference/risk_limits.js';
import { SeqlockTable } from './reference/seqlock_table.js';
import { RingConsumer, RingProducer, SharedRing } from './ring/ring.js';
import { allocateOmsBuffers, EVENT_CONSUMER_COUNT } from './shared_memory.js';

/** Small rings and tables: the warm-up needs the code paths, not the capacity. */
const WARM_UP_CONFIG = {
  max_open_orders: 1024,
  dedupe_window: 4096,
  command_ring_capacity: 256,
  event_ring_capacity: 1024,
  reply_ring_capacity: 256,
} as const;
/** Accounts and symbols the throwaway engine trades (at most: fewer if the real one has fewer). */
const WARM_UP_ACCOUNTS = 4;
const WARM_UP_SYMBOLS = 4;
/** Commands per batch: each order of a batch makes at most two events (accepted, filled). */
const BATCH = 96;
/** The throwaway market: a touch of 1 000 000 / 1 000 002 ticks with unlimited size. */
const BID_TICKS = 1_000_000;
const ASK_TICKS = 1_000_002;
const UNLIMITED = 1e15;

export interface WarmUpResult {
  readonly orders: number;
  /** Commands the throwaway engine refused (none, unless its market went stale meanwhile): they warm less of the path. */
  readonly refused: number;
  readonly elapsed_ms: number;
}

/**
 * Runs `orders` synthetic orders through a throwaway engine: marketable limit orders that
 * fill (buys and sells in turn, across every account and symbol), and every fourth a
 * resting order that the next batch cancels. Returns what it did and how long it took.
 */
export function warmUpEngine(config: EngineConfig, real_accounts: number, real_notional_scale: readonly number[], orders: number): WarmUpResult {
  const started = performance.now();
  const accounts = Math.min(real_accounts, WARM_UP_ACCOUNTS);
  const notional_scale = real_notional_scale.slice(0, WARM_UP_SYMBOLS);
  const symbols = notional_scale.length;
  if (accounts === 0 || symbols === 0) return { orders: 0, refused: 0, elapsed_ms: 0 };
  const warm_config: EngineConfig = { ...config, ...WARM_UP_CONFIG };
  const buffers = allocateOmsBuffers(warm_config, accounts, symbols);
  permissiveLimits(new RiskLimits(buffers.limits[0]));
  freshMarket(new SeqlockTable(buffers.marks), new SeqlockTable(buffers.pnl), symbols, accounts);
  // Nobody reads the events: the engine publishes them into a ring that gates no reader.
  const events = new SharedRing(buffers.events);
  for (let c = 0; c < EVENT_CONSUMER_COUNT; c++) events.detach(c);
  const engine = createEngine({
    ...engineInitFor(buffers, { config: warm_config, accounts, notional_scale, active_limits_bank: 0, event_wake: [] }),
    reply_wake: [],
    health: null,
  });
  engine.agent.onStart();
  const writer = new CommandWriter(new RingProducer(new SharedRing(buffers.commands), []));
  const replies = new RingConsumer(new SharedRing(buffers.replies), 0);
  /** Orders that rested in the last batch (order id, account), cancelled in the next. */
  let resting: [number, number][] = [];
  let sent = 0;
  let refused = 0;
  let request_id = 1;
  while (sent < orders) {
    for (const [order_id, account] of resting) writer.cancel(request_id++, account, order_id);
    const cancels = resting.length;
    resting = [];
    const in_batch = Math.min(BATCH, orders - sent);
    /** Request id -> account, of the orders meant to rest. */
    const resting_requests = new Map<number, number>();
    for (let k = 0; k < in_batch; k++, sent++) {
      const rests = sent % 4 === 3;
      const buy = (sent & 1) === 0;
      const account = sent % accounts;
      if (rests) resting_requests.set(request_id, account);
      writer.newOrder({
        request_id: request_id++, account, symbol: sent % symbols, side: buy ? Side.BUY : Side.SELL,
        order_type: OrderType.LIMIT, time_in_force: rests ? TimeInForce.GTC : TimeInForce.IOC, qty_lots: 1,
        price_ticks: rests ? (buy ? BID_TICKS - 10 : ASK_TICKS + 10) : (buy ? ASK_TICKS + 1 : BID_TICKS - 1),
        stop_price_ticks: 0, expire_at_ms: 0, session_id: 0, client_order_id: `warm-up-${sent}`,
      });
    }
    writer.publish();
    runUntilIdle(engine.agent);
    const answered = replies.available();
    const ring = replies.ring;
    for (let i = 0; i < answered; i++) {
      const base = replies.slotAt(i);
      if (ring.u16[(base + RP_CODE) >> 1] !== RejectCode.OK) refused++;
      const account = resting_requests.get(ring.u32[(base + RP_REQUEST_ID) >> 2]);
      if (account !== undefined) resting.push([ring.f64[(base + RP_ORDER_ID) >> 3], account]);
    }
    replies.release(answered);
    if (answered !== in_batch + cancels) throw new Error(`engine warm-up: ${answered} replies to ${in_batch + cancels} commands`);
  }
  return { orders: sent, refused, elapsed_ms: performance.now() - started };
}

function runUntilIdle(agent: { doWork(): number; hasWork(): boolean }): void {
  for (let turns = 0; turns < 10_000; turns++) {
    if (agent.doWork() === 0 && !agent.hasWork()) return;
  }
  throw new Error('engine warm-up: the throwaway engine did not go idle');
}

/** Limits no warm-up order comes near, so each one is accepted and exercises the fill path. */
function permissiveLimits(limits: RiskLimits): void {
  for (const column of [
    limits.max_order_qty_lots, limits.max_order_notional_micros, limits.credit_limit_micros, limits.max_open_orders,
    limits.rate_per_sec, limits.burst, limits.daily_loss_limit_micros, limits.max_position_lots, limits.modify_rate_per_sec,
    limits.modify_burst, limits.max_net_notional_micros, limits.max_gross_notional_micros,
  ]) column.fill(UNLIMITED);
  limits.collar_bps.fill(10_000);
  limits.version = 1;
}

/** A current mark with unlimited touch size for every symbol, and a current, flat PnL for every account. */
function freshMarket(marks: SeqlockTable, pnl: SeqlockTable, symbols: number, accounts: number): void {
  const now_ms = systemClock.nowUs() / 1000;
  const mark = new Float64Array(MARK_FIELD_COUNT);
  mark[MarkField.BID_TICKS] = BID_TICKS;
  mark[MarkField.ASK_TICKS] = ASK_TICKS;
  mark[MarkField.LAST_TICKS] = (BID_TICKS + ASK_TICKS) / 2;
  mark[MarkField.BID_SIZE_LOTS] = UNLIMITED;
  mark[MarkField.ASK_SIZE_LOTS] = UNLIMITED;
  mark[MarkField.UPDATED_AT_MS] = now_ms;
  for (let s = 0; s < symbols; s++) marks.write(s, mark);
  const flat = new Float64Array(PNL_FIELD_COUNT);
  flat[PnlField.UPDATED_AT_MS] = now_ms;
  for (let a = 0; a < accounts; a++) pnl.write(a, flat);
}
