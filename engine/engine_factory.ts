/**
 * Assembles an engine from shared buffers: state, mark cache, venue, risk and the agent.
 * The engine worker uses it, and so do tests that drive `doWork` by hand on one thread.
 * `engineInitFor` builds the engine's start record from the buffers `allocateOmsBuffers`
 * made, so the OMS, the benchmark and the tests wire the engine the same way.
 */
import { Clock, systemClock } from './agent/clock.js';
import { EngineConfig } from './config/engine_config.js';
import { EngineAgent } from './engine_agent.js';
import { RiskLimits } from './reference/risk_limits.js';
import { SeqlockTable } from './reference/seqlock_table.js';
import { PreTradeRisk } from './risk/pre_trade_risk.js';
import { Doorbell } from './ring/doorbell.js';
import { SpinThenParkIdleStrategy } from './ring/idle_strategy.js';
import { RingConsumer, RingProducer, SharedRing } from './ring/ring.js';
import { EngineState } from './state/engine_state.js';
import { MarkCache } from './state/mark_cache.js';
import { WorkerHealthBlock } from './telemetry/worker_health.js';
import { WorkerId } from './telemetry/worker_health_layout.js';
import { SimulatedVenue } from './venue/simulated_venue.js';
import type { OmsBuffers } from './shared_memory.js';

export interface EngineInit {
  readonly config: EngineConfig;
  readonly accounts: number;
  /** Per symbol: lot_size * tick_size in quote micros (InstrumentTable.notional_scale). */
  readonly notional_scale: readonly number[];
  readonly commands: SharedArrayBuffer;
  readonly events: SharedArrayBuffer;
  readonly replies: SharedArrayBuffer;
  readonly own_doorbell: SharedArrayBuffer;
  /** Doorbells rung after events / replies are published (their readers). */
  readonly event_wake: readonly SharedArrayBuffer[];
  readonly reply_wake: readonly SharedArrayBuffer[];
  readonly marks: SharedArrayBuffer | null;
  readonly pnl: SharedArrayBuffer | null;
  readonly limits: readonly [SharedArrayBuffer, SharedArrayBuffer];
  readonly active_limits_bank: number;
  readonly health: SharedArrayBuffer | null;
  readonly counters: SharedArrayBuffer;
  /** Replies wait for the journal to make their events durable (durability fsync, write); see EngineAgentParts. */
  readonly replies_wait_for_journal?: boolean;
}

/** What the engine's start record needs besides the shared buffers. */
export interface EngineWiring {
  readonly config: EngineConfig;
  readonly accounts: number;
  /** Per symbol: InstrumentTable.notional_scale. */
  readonly notional_scale: readonly number[];
  /** The limits bank in force at start (LimitsManager.activeBank; 0 before any swap). */
  readonly active_limits_bank: number;
  /**
   * Doorbells of the event ring's readers, rung after each publish. By default the
   * journal's alone: it reads straight behind the engine, and io and PnL are woken by the
   * journal once it released what they may read. The benchmark, where nothing parks on
   * the event ring, passes none.
   */
  readonly event_wake?: readonly SharedArrayBuffer[];
  /** The io thread answers only durable events (durability fsync, write): see EngineAgentParts.replies_wait_for_journal. */
  readonly replies_wait_for_journal?: boolean;
}

/** The engine's start record over the OMS's shared buffers; replies wake the io thread. */
export function engineInitFor(buffers: OmsBuffers, wiring: EngineWiring): EngineInit {
  return {
    config: wiring.config,
    accounts: wiring.accounts,
    notional_scale: wiring.notional_scale,
    commands: buffers.commands,
    events: buffers.events,
    replies: buffers.replies,
    own_doorbell: buffers.engine_doorbell,
    event_wake: wiring.event_wake ?? [buffers.journal_doorbell],
    reply_wake: [buffers.io_doorbell],
    marks: buffers.marks,
    pnl: buffers.pnl,
    limits: buffers.limits,
    active_limits_bank: wiring.active_limits_bank,
    health: buffers.health,
    counters: buffers.engine_counters,
    replies_wait_for_journal: wiring.replies_wait_for_journal ?? false,
  };
}

export interface Engine {
  readonly agent: EngineAgent;
  readonly state: EngineState;
  readonly marks: MarkCache;
  readonly idle: SpinThenParkIdleStrategy;
  readonly doorbell: Doorbell;
  readonly health: WorkerHealthBlock | null;
}

export function createEngine(init: EngineInit, clock: Clock = systemClock, state?: EngineState): Engine {
  const symbols = init.notional_scale.length;
  const engine_state = state ?? new EngineState({
    accounts: init.accounts,
    symbols,
    max_open_orders: init.config.max_open_orders,
    dedupe_window: init.config.dedupe_window,
  }, init.notional_scale);
  const marks = new MarkCache(init.marks === null ? null : new SeqlockTable(init.marks), symbols);
  const banks = [new RiskLimits(init.limits[0]), new RiskLimits(init.limits[1])];
  const pnl = init.pnl === null ? null : new SeqlockTable(init.pnl);
  const risk = new PreTradeRisk(engine_state, marks, banks[init.active_limits_bank], pnl, {
    max_mark_age_ms: init.config.max_mark_age_ms,
    max_pnl_age_ms: init.config.max_pnl_age_ms,
  });
  const venue = new SimulatedVenue(engine_state, marks);
  const doorbell = new Doorbell(init.own_doorbell);
  const health = init.health === null ? null : new WorkerHealthBlock(init.health);
  const idle = new SpinThenParkIdleStrategy(doorbell, init.config.spin_limit, init.config.park_timeout_ms);
  const agent = new EngineAgent({
    state: engine_state,
    marks,
    venue,
    risk,
    limit_banks: banks,
    commands: new RingConsumer(new SharedRing(init.commands), 0),
    events: new RingProducer(new SharedRing(init.events), init.event_wake.map((b) => new Doorbell(b))),
    replies: new RingProducer(new SharedRing(init.replies), init.reply_wake.map((b) => new Doorbell(b))),
    counters: new Float64Array(init.counters),
    health: health?.reporter(WorkerId.ENGINE) ?? null,
    clock,
    parks: idle,
    replies_wait_for_journal: init.replies_wait_for_journal,
  });
  return { agent, state: engine_state, marks, idle, doorbell, health };
}
