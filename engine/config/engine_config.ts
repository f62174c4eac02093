/**
 * Engine sizing and idle settings, with defaults and the environment variables that
 * override them. Everything is sized once at start-up; nothing grows in the hot loop.
 */
import { isPowerOfTwo } from '../layout/layout_builder.js';

export interface EngineConfig {
  /** Open orders the engine can hold at once (OMS_MAX_OPEN_ORDERS). */
  readonly max_open_orders: number;
  /** Client order ids remembered for idempotency; a power of two >= 2 * max_open_orders (OMS_DEDUPE_WINDOW). */
  readonly dedupe_window: number;
  readonly command_ring_capacity: number;
  readonly event_ring_capacity: number;
  readonly reply_ring_capacity: number;
  /** The most empty loop iterations before the engine parks (OMS_ENGINE_SPIN); the spin adapts below it (ring/idle_strategy.ts). */
  readonly spin_limit: number;
  /** Longest park before the slow tick runs anyway. */
  readonly park_timeout_ms: number;
  /**
   * Oldest mark, by the engine's clock, that risk may check an order against; older is
   * refused STALE_MARK. 0: no check (OMS_MAX_MARK_AGE_MS).
   */
  readonly max_mark_age_ms: number;
  /** Oldest PnL figure the daily-loss check may use; older is refused STALE_PNL. 0: no check (OMS_MAX_PNL_AGE_MS). */
  readonly max_pnl_age_ms: number;
  /**
   * Synthetic orders a throwaway engine runs in the engine worker before the real one
   * starts, so that the hot loop is compiled before the first real order (engine/warm_up.ts;
   * OMS_ENGINE_WARMUP_ORDERS). 0: none.
   */
  readonly warmup_orders: number;
}

export const DEFAULT_ENGINE_CONFIG: EngineConfig = {
  max_open_orders: 1 << 18,
  dedupe_window: 1 << 20,
  command_ring_capacity: 1 << 14,
  event_ring_capacity: 1 << 16,
  reply_ring_capacity: 1 << 15,
  spin_limit: 2000,
  park_timeout_ms: 50,
  // Off here: the engine alone cannot know that anyone keeps the mark and PnL tables
  // current (the benchmark and the engine tests write them once). The OMS, which runs the
  // market-data and PnL workers, turns both on (OMS_ENGINE_DEFAULTS in io/config/oms_config.ts).
  max_mark_age_ms: 0,
  max_pnl_age_ms: 0,
  // Off here (engine tests build engines by the hundred); the OMS turns it on (OMS_ENGINE_DEFAULTS).
  warmup_orders: 0,
};

export function engineConfigFromEnv(env: NodeJS.ProcessEnv = process.env, base: EngineConfig = DEFAULT_ENGINE_CONFIG): EngineConfig {
  const config: EngineConfig = {
    ...base,
    max_open_orders: intFromEnv(env, 'OMS_MAX_OPEN_ORDERS', base.max_open_orders),
    dedupe_window: intFromEnv(env, 'OMS_DEDUPE_WINDOW', base.dedupe_window),
    spin_limit: intFromEnv(env, 'OMS_ENGINE_SPIN', base.spin_limit),
    max_mark_age_ms: intFromEnv(env, 'OMS_MAX_MARK_AGE_MS', base.max_mark_age_ms),
    max_pnl_age_ms: intFromEnv(env, 'OMS_MAX_PNL_AGE_MS', base.max_pnl_age_ms),
    warmup_orders: intFromEnv(env, 'OMS_ENGINE_WARMUP_ORDERS', base.warmup_orders),
  };
  validateEngineConfig(config);
  return config;
}

/** The smallest event ring that holds every event one contingent order list can cause (a power of two). */
export const EVENT_RING_CAPACITY_MIN = 32;

export function validateEngineConfig(config: EngineConfig): void {
  if (!(config.max_open_orders > 0)) throw new Error('OMS_MAX_OPEN_ORDERS must be > 0');
  if (!isPowerOfTwo(config.dedupe_window) || config.dedupe_window < 2 * config.max_open_orders) {
    throw new Error('OMS_DEDUPE_WINDOW must be a power of two at least twice OMS_MAX_OPEN_ORDERS');
  }
  for (const ring of ['command_ring_capacity', 'event_ring_capacity', 'reply_ring_capacity'] as const) {
    if (!isPowerOfTwo(config[ring])) throw new Error(`${ring} must be a power of two`);
  }
  // The engine takes a contingent list only when the event ring has room for every event it
  // can cause at once (MAX_EVENTS_PER_LIST in engine_agent.ts, 29): a smaller ring would never take one.
  if (config.event_ring_capacity < EVENT_RING_CAPACITY_MIN) {
    throw new Error(`event_ring_capacity must be at least ${EVENT_RING_CAPACITY_MIN} (one contingent order list's events)`);
  }
  if (config.reply_ring_capacity < config.command_ring_capacity) {
    throw new Error('the reply ring must hold at least as many slots as the command ring');
  }
}

function intFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got ${JSON.stringify(text)}`);
  return value;
}
