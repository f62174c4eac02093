/**
 * Everything the OMS reads from its environment, validated once at start-up with a
 * precise message for anything unusable. Defaults run a demo OMS on loopback with no
 * outside service.
 *
 * | variable            | default                 | meaning |
 * |---------------------|-------------------------|---------|
 * | OMS_HOST            | 127.0.0.1               | listen address |
 * | OMS_PORT            | 8099                    | listen port (the seed system's OMS port) |
 * | OMS_DATA_DIR        | ./data                  | journal, snapshots, sink cursors |
 * | OMS_DURABILITY      | fsync                   | fsync, write or none (services/journal/durability.ts) |
 * | OMS_ACCOUNTS_FILE   | (none: demo mode)       | JSON accounts, keys and limits |
 * | OMS_ADMIN_TOKEN     | (none: admin disabled)  | bearer token for /admin/* |
 * | OMS_ORDER_HISTORY   | 1048576                 | orders the io read model keeps (power of two) |
 * | OMS_SESSION_END_UTC | 00:00                   | when DAY orders expire, UTC HH:MM |
 * | OMS_MAX_BODY_BYTES  | 4096                    | largest HTTP body accepted (WebSocket: OMS_WS_MAX_PAYLOAD_BYTES) |
 * | OMS_LOG_LEVEL       | info                    | pino level |
 * | OMS_RECOVERY_HASH_MISMATCH | halt              | recovery did not reproduce a STATE_HASH marker: halt (start with trading HALTED, cancels only) or trade (only log); io/process/recovery_divergence.ts |
 * | OMS_IO_REPLY_SPIN_US | 50 (durability none; else 0) | longest the idle io thread waits for the engine's answer itself after publishing, µs (engine_link.ts spinForReplies; 0: never) |
 * | OMS_STAGE_SAMPLE_EVERY | 16                   | stage timing: trace one request in N (0: none); GET /metrics/stages |
 * | OMS_FAIL_STOP_EXIT_MS | 2000                  | after the engine or journal dies: refuse orders NOT_READY for this long, then exit 70 |
 * | OMS_FAULT_ENGINE_EXIT_AFTER_COMMANDS | 0 (off) | TEST FAULT ONLY: the engine worker exits (code 99) once it has handled this many commands, to test fail-stop |
 * | OMS_FAULT_WORKER_EXIT | (off)                 | TEST FAULT ONLY: `<worker>:<count>`, the named worker (journal, pnl, market_data, sink_nats, sink_redis, sink_questdb) exits (code 99) after this many events (market data: marks) at its first start (services/runtime/test_fault.ts) |
 * | OMS_MAX_MARK_AGE_MS | 5000 (manual: 0)        | orders priced against a mark older than this are refused STALE_MARK (0: no check) |
 * | OMS_MAX_PNL_AGE_MS  | 5000                    | orders checked against a PnL figure older than this are refused STALE_PNL (0: no check) |
 * | OMS_ENGINE_WARMUP_ORDERS | 20000                | synthetic orders a throwaway engine runs at start-up so the hot loop is compiled before the first real order (engine/warm_up.ts; 0: none) |
 * | NATS_URL, REDIS_URL, QDB_CLIENT_CONF, OMS_MARKET_DATA: see services/ |
 * | OMS_MAX_OPEN_ORDERS, OMS_DEDUPE_WINDOW, OMS_ENGINE_SPIN: see engine/config |
 */
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_ENGINE_CONFIG, EngineConfig, engineConfigFromEnv } from '../../engine/config/engine_config.js';
import { AccountLimitsSpec, AccountSpec, DEMO_ACCOUNTS, DEMO_ACCOUNT_LIMITS } from '../../engine/reference/accounts.js';
import { DEMO_INSTRUMENTS, InstrumentSpec } from '../../engine/reference/instruments.js';
import { isPowerOfTwo } from '../../engine/layout/layout_builder.js';
import { Durability, parseDurability } from '../../services/journal/durability.js';
import { REPLY_SPIN_US_MAX } from '../engine_link/reply_spin.js';
import { parseWorkerExitFault, WorkerExitFault } from '../../services/runtime/test_fault.js';

/**
 * OMS_BACKGROUND_NICE's default: 0, the workers off the order path run as the process.
 * Measured on two vCPUs (bench/README.md, fourth pass), nice 10 for them made the tail at
 * 1 000 orders/s worse, not better, so it is an operator's choice, not the default.
 */
export const BACKGROUND_NICE_DEFAULT = 0;

export interface OmsConfig {
  readonly host: string;
  readonly port: number;
  readonly data_dir: string;
  readonly durability: Durability;
  readonly demo_mode: boolean;
  readonly accounts_file: string | null;
  readonly admin_token: string | null;
  readonly instruments: readonly InstrumentSpec[];
  readonly accounts: readonly AccountSpec[];
  readonly engine: EngineConfig;
  readonly order_history: number;
  readonly session_end_utc_minutes: number;
  readonly max_body_bytes: number;
  readonly log_level: string;
  readonly journal_segment_bytes: number;
  readonly journal_buffer_records: number;
  /** Events published but not yet durable beyond which the edge answers busy. */
  readonly busy_journal_lag: number;
  readonly request_timeout_ms: number;
  /** Longest spin of the idle io thread for the engine's answer, µs (engine_link.ts); 0 with a journal to wait for, by default. */
  readonly io_reply_spin_us: number;
  /** Nice value of the worker threads off the order path (PnL, market data, sinks, snapshots); 0: as the process. */
  readonly background_nice: number;
  /** Stage timing: one request in this many is traced through every hop (0: none). */
  readonly stage_sample_every: number;
  readonly shutdown_timeout_ms: number;
  /** What start-up does when recovery did not reproduce the engine's state (recovery_divergence.ts). */
  readonly recovery_hash_mismatch: 'halt' | 'trade';
  /** After the engine or journal died, how long the process answers NOT_READY before it exits non-zero (fail_stop.ts). */
  readonly fail_stop_exit_ms: number;
  /**
   * A test fault, off (0) unless set: the engine worker exits abruptly once it has handled
   * this many commands, so a test can see the OMS fail-stop. Read once at start; never set
   * it in production.
   */
  readonly fault_engine_exit_after_commands: number;
  /**
   * A test fault, off (null) unless set: one worker's thread exits abruptly after this much
   * work, at its first start only (a supervised worker restarted after it runs on), so a
   * test can see the documented outcome of that worker's death. Never set it in production.
   */
  readonly fault_worker_exit: WorkerExitFault | null;
  readonly ws_max_backpressure_bytes: number;
  readonly ws_idle_timeout_s: number;
  readonly ws_heartbeat_interval_ms: number;
  readonly ws_max_payload_bytes: number;
  readonly nats_url: string | null;
  readonly redis_url: string | null;
  readonly qdb_client_conf: string | null;
  /** sim: embedded ticker; nats: market.tick.* over NATS; manual: set through POST /admin/market (tests, demos). */
  readonly market_data: 'sim' | 'nats' | 'manual';
  readonly snapshot_interval_events: number;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Synthetic orders the engine worker runs through a throwaway engine before the real one
 * starts (engine/warm_up.ts): 20 000 took 0.2 s on the 2-vCPU test machine, and a cold
 * server's first 20 000 orders paid tails of 40-50 ms against 14-16 ms warm
 * (bench/README.md, "Fifth pass" and "Sixth pass").
 */
export const OMS_ENGINE_WARMUP_ORDERS = 20_000;
/** Stage timing traces one request in this many by default (stage_timer.ts). */
export const OMS_STAGE_SAMPLE_EVERY = 16;

/**
 * The engine defaults of the OMS process: it runs a market-data worker that re-writes every
 * symbol's mark several times a second and a PnL worker that re-stamps every account's
 * figure each second (PNL_CONFIRM_INTERVAL_MS), so 5 s without a write means a feed or a
 * worker has stopped. With OMS_MARKET_DATA=manual the marks are what an operator set by
 * hand and nothing re-writes them, so their age is not checked unless asked for. The
 * engine warms up at start-up.
 */
export function omsEngineDefaults(market_data: OmsConfig['market_data']): EngineConfig {
  return {
    ...DEFAULT_ENGINE_CONFIG, max_mark_age_ms: market_data === 'manual' ? 0 : 5000, max_pnl_age_ms: 5000,
    warmup_orders: OMS_ENGINE_WARMUP_ORDERS,
  };
}

interface AccountsFile {
  readonly defaults?: Partial<AccountLimitsSpec>;
  readonly accounts: readonly (Partial<AccountSpec> & { name: string; api_key: string })[];
  readonly instruments?: readonly InstrumentSpec[];
}

export function loadOmsConfig(env: NodeJS.ProcessEnv = process.env): OmsConfig {
  const host = env.OMS_HOST || '127.0.0.1';
  const port = integer(env, 'OMS_PORT', 8099, 0, 65535);
  const accounts_file = env.OMS_ACCOUNTS_FILE || null;
  const demo_mode = accounts_file === null;
  if (demo_mode && !isLoopback(host)) {
    throw new ConfigError(`demo mode (no OMS_ACCOUNTS_FILE) only listens on loopback; OMS_HOST=${host} needs an accounts file`);
  }
  let accounts: readonly AccountSpec[] = DEMO_ACCOUNTS;
  let instruments: readonly InstrumentSpec[] = DEMO_INSTRUMENTS;
  if (accounts_file !== null) ({ accounts, instruments } = readAccountsFile(accounts_file));
  const order_history = integer(env, 'OMS_ORDER_HISTORY', 1 << 20, 1024, 1 << 26);
  if (!isPowerOfTwo(order_history)) throw new ConfigError('OMS_ORDER_HISTORY must be a power of two');
  const market_data = env.OMS_MARKET_DATA || 'sim';
  if (market_data !== 'sim' && market_data !== 'nats' && market_data !== 'manual') {
    throw new ConfigError('OMS_MARKET_DATA must be sim, nats or manual');
  }
  if (market_data === 'nats' && !env.NATS_URL) throw new ConfigError('OMS_MARKET_DATA=nats needs NATS_URL');
  let engine: EngineConfig;
  let durability: Durability;
  let fault_worker_exit: WorkerExitFault | null;
  try {
    engine = engineConfigFromEnv(env, omsEngineDefaults(market_data as OmsConfig['market_data']));
    durability = parseDurability(env.OMS_DURABILITY);
    fault_worker_exit = env.OMS_FAULT_WORKER_EXIT ? parseWorkerExitFault(env.OMS_FAULT_WORKER_EXIT) : null;
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  return {
    host,
    port,
    data_dir: path.resolve(env.OMS_DATA_DIR || 'data'),
    durability,
    demo_mode,
    accounts_file,
    admin_token: env.OMS_ADMIN_TOKEN || null,
    instruments,
    accounts,
    engine,
    order_history,
    session_end_utc_minutes: sessionEnd(env.OMS_SESSION_END_UTC || '00:00'),
    max_body_bytes: integer(env, 'OMS_MAX_BODY_BYTES', 4096, 256, 1 << 20),
    log_level: env.OMS_LOG_LEVEL || 'info',
    journal_segment_bytes: integer(env, 'OMS_JOURNAL_SEGMENT_BYTES', 64 * 1024 * 1024, 64 * 1024, 1 << 30),
    journal_buffer_records: integer(env, 'OMS_JOURNAL_BUFFER_RECORDS', 16384, 16, 1 << 20),
    busy_journal_lag: integer(env, 'OMS_BUSY_JOURNAL_LAG', Math.floor(engine.event_ring_capacity / 2), 0, 1 << 30),
    request_timeout_ms: integer(env, 'OMS_REQUEST_TIMEOUT_MS', 5000, 10, 600_000),
    io_reply_spin_us: integer(env, 'OMS_IO_REPLY_SPIN_US', durability === 'none' ? REPLY_SPIN_US_MAX : 0, 0, 1000),
    background_nice: integer(env, 'OMS_BACKGROUND_NICE', BACKGROUND_NICE_DEFAULT, 0, 19),
    stage_sample_every: integer(env, 'OMS_STAGE_SAMPLE_EVERY', OMS_STAGE_SAMPLE_EVERY, 0, 1 << 20),
    shutdown_timeout_ms: integer(env, 'OMS_SHUTDOWN_TIMEOUT_MS', 10_000, 100, 600_000),
    fail_stop_exit_ms: integer(env, 'OMS_FAIL_STOP_EXIT_MS', 2000, 0, 60_000),
    recovery_hash_mismatch: oneOf(env, 'OMS_RECOVERY_HASH_MISMATCH', ['halt', 'trade'] as const, 'halt'),
    fault_engine_exit_after_commands: integer(env, 'OMS_FAULT_ENGINE_EXIT_AFTER_COMMANDS', 0, 0, 1 << 30),
    fault_worker_exit,
    ws_max_backpressure_bytes: integer(env, 'OMS_WS_MAX_BACKPRESSURE_BYTES', 1 << 20, 1024, 1 << 30),
    ws_idle_timeout_s: integer(env, 'OMS_WS_IDLE_TIMEOUT_S', 60, 8, 960),
    ws_heartbeat_interval_ms: integer(env, 'OMS_WS_HEARTBEAT_MS', 10_000, 100, 600_000),
    ws_max_payload_bytes: integer(env, 'OMS_WS_MAX_PAYLOAD_BYTES', 64 * 1024, 256, 16 * 1024 * 1024),
    nats_url: env.NATS_URL || null,
    redis_url: env.REDIS_URL || null,
    qdb_client_conf: env.QDB_CLIENT_CONF || null,
    market_data: market_data as OmsConfig['market_data'],
    snapshot_interval_events: integer(env, 'OMS_SNAPSHOT_INTERVAL_EVENTS', 1_000_000, 0, 1 << 30),
  };
}

function readAccountsFile(file: string): { accounts: AccountSpec[]; instruments: readonly InstrumentSpec[] } {
  let parsed: AccountsFile;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as AccountsFile;
  } catch (error) {
    throw new ConfigError(`OMS_ACCOUNTS_FILE ${file}: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed.accounts) || parsed.accounts.length === 0) {
    throw new ConfigError(`OMS_ACCOUNTS_FILE ${file}: "accounts" must be a non-empty array`);
  }
  const defaults: AccountLimitsSpec = { ...DEMO_ACCOUNT_LIMITS, position_limits: {}, ...parsed.defaults };
  const accounts = parsed.accounts.map((a) => ({ ...defaults, ...a }) as AccountSpec);
  return { accounts, instruments: parsed.instruments ?? DEMO_INSTRUMENTS };
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return value;
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, allowed: readonly T[], fallback: T): T {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  if (!(allowed as readonly string[]).includes(text)) throw new ConfigError(`${name} must be ${allowed.join(' or ')}, got ${JSON.stringify(text)}`);
  return text as T;
}

function sessionEnd(text: string): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (match === null) throw new ConfigError(`OMS_SESSION_END_UTC must be HH:MM (UTC), got ${JSON.stringify(text)}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

export function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host.startsWith('127.');
}
