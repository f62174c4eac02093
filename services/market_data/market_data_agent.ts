/**
 * The market-data worker's agent: keeps the shared mark table current and rings the
 * engine's doorbell (ringIfParked) after each batch of writes, so a parked engine re-checks resting
 * orders and stops against the new prices.
 *
 * Two sources (OMS_MARKET_DATA):
 *  - sim (default): the simulated ticker (simulated_ticker.ts), every symbol updated every
 *    `interval_ms` (100 ms: about 10 updates a second per symbol), all in one wake-up and
 *    one ring of the engine (staggered, they cost ~55 wake-ups a second of this thread and
 *    of the engine on an idle OMS: bench/README.md, "Fifth pass");
 *  - nats: ticks from `market.tick.{SYMBOL}` on NATS_URL (tick_parser.ts). Bad ticks are
 *    counted (health errors, `bad_ticks`) and logged (the first ten, then every
 *    thousandth), never applied and never fatal. A lost connection is retried with
 *    backoff while the marks keep their last values (state DEGRADED).
 *
 * Either way the worker maintains each symbol's 24-hour volume and open (rolling_24h.ts)
 * in the mark table, unless the feed sends its own.
 */
import { connect, Events, NatsConnection } from 'nats';
import type { Logger } from 'pino';
import { decimalOf } from '../../engine/reference/decimal.js';
import { InstrumentTable } from '../../engine/reference/instruments.js';
import { MARK_FIELD_COUNT, MarkField } from '../../engine/reference/mark_table.js';
import { SeqlockTable } from '../../engine/reference/seqlock_table.js';
import { Doorbell } from '../../engine/ring/doorbell.js';
import { WorkerHealthReporter } from '../../engine/telemetry/worker_health.js';
import { WorkerState } from '../../engine/telemetry/worker_health_layout.js';
import { AsyncAgent } from '../runtime/async_agent.js';
import { Rolling24h } from './rolling_24h.js';
import { SimulatedTicker } from './simulated_ticker.js';
import { parseTick, ParsedTick } from './tick_parser.js';

export const MARKET_TICK_SUBJECT_PREFIX = 'market.tick';

export interface MarketDataAgentOptions {
  readonly instruments: InstrumentTable;
  readonly marks: SeqlockTable;
  /** Rung (if parked) after every mark write: the engine's doorbell. */
  readonly wake: readonly Doorbell[];
  readonly health: WorkerHealthReporter | null;
  readonly log: Logger;
  readonly source: 'sim' | 'nats';
  readonly nats_url?: string | null;
  /** Simulated updates per symbol every interval_ms (default 100). */
  readonly interval_ms?: number;
  readonly random?: () => number;
  readonly retry_initial_ms?: number;
  readonly retry_max_ms?: number;
  /** Told why the feed is down when the agent turns DEGRADED (the worker posts it to the main thread for /health). */
  readonly on_failure?: (error: Error) => void;
}

export class MarketDataAgent implements AsyncAgent {
  readonly roleName = 'market_data';
  private readonly instruments: InstrumentTable;
  private readonly marks: SeqlockTable;
  private readonly wake: readonly Doorbell[];
  private readonly health: WorkerHealthReporter | null;
  private readonly log: Logger;
  private readonly source: 'sim' | 'nats';
  private readonly interval_ms: number;
  private readonly ticker: SimulatedTicker | null;
  private readonly rolling: Rolling24h;
  private readonly next_due_ms: Float64Array;
  private readonly values = new Float64Array(MARK_FIELD_COUNT);
  private readonly default_size_lots: Float64Array;
  private nc: NatsConnection | null = null;
  private retry_at_ms = 0;
  private backoff_ms: number;
  private readonly retry_initial_ms: number;
  private readonly retry_max_ms: number;
  private next_heartbeat_ms = 0;
  /** Mark updates written. */
  processed = 0;
  bad_ticks = 0;
  /** Ticks since the last doWork (NATS callbacks write straight away). */
  private received_since_work = 0;

  constructor(private readonly options: MarketDataAgentOptions) {
    this.instruments = options.instruments;
    this.marks = options.marks;
    this.wake = options.wake;
    this.health = options.health;
    this.log = options.log;
    this.source = options.source;
    this.interval_ms = options.interval_ms ?? 100;
    this.retry_initial_ms = options.retry_initial_ms ?? 250;
    this.retry_max_ms = options.retry_max_ms ?? 5_000;
    this.backoff_ms = this.retry_initial_ms;
    if (this.marks.record_count !== this.instruments.count) throw new Error('mark table and instrument table differ in size');
    if (this.source === 'nats' && !options.nats_url) throw new Error('OMS_MARKET_DATA=nats needs NATS_URL');
    this.ticker = this.source === 'sim' ? new SimulatedTicker(this.instruments.instruments, options.random) : null;
    this.rolling = new Rolling24h(this.instruments.count);
    this.next_due_ms = new Float64Array(this.instruments.count);
    this.default_size_lots = Float64Array.from(this.instruments.instruments.map((i) => {
      const max_qty = decimalOf(i.spec.max_order_qty);
      const units = max_qty === undefined ? undefined : this.instruments.qtyToLots(i.index, max_qty);
      return units !== undefined && units.ok && units.units > 0 ? units.units : 1;
    }));
  }

  async onStart(): Promise<void> {
    this.health?.setState(WorkerState.STARTING);
    const now = Date.now();
    if (this.source === 'sim') {
      // Publish a first price for every symbol at once: orders need a reference price.
      for (let s = 0; s < this.instruments.count; s++) {
        this.simulate(s, now);
        this.next_due_ms[s] = now + this.interval_ms;
      }
      this.ringEngine();
      this.health?.setState(WorkerState.RUNNING);
    }
    this.heartbeat(now);
  }

  async doWork(): Promise<number> {
    const now = Date.now();
    let work = 0;
    if (this.source === 'sim') {
      for (let s = 0; s < this.instruments.count; s++) {
        if (now < this.next_due_ms[s]) continue;
        this.next_due_ms[s] = Math.max(this.next_due_ms[s] + this.interval_ms, now);
        this.simulate(s, now);
        work++;
      }
      if (work > 0) this.ringEngine();
    } else if ((this.nc === null || this.nc.isClosed()) && now >= this.retry_at_ms) {
      await this.connectNats();
    }
    work += this.received_since_work;
    this.received_since_work = 0;
    if (now >= this.next_heartbeat_ms) this.heartbeat(now);
    return work;
  }

  hasWork(): boolean {
    return this.received_since_work > 0;
  }

  msUntilDeadline(): number {
    const now = Date.now();
    let deadline = this.next_heartbeat_ms;
    if (this.source === 'sim') {
      for (let s = 0; s < this.next_due_ms.length; s++) if (this.next_due_ms[s] < deadline) deadline = this.next_due_ms[s];
    } else if (this.nc === null && this.retry_at_ms < deadline) {
      deadline = this.retry_at_ms;
    }
    return Math.max(1, deadline - now);
  }

  async onClose(): Promise<void> {
    this.health?.setState(WorkerState.STOPPING);
    const nc = this.nc;
    this.nc = null;
    if (nc !== null && !nc.isClosed()) await nc.close();
    this.health?.setState(WorkerState.STOPPED);
  }

  /** Applies one tick message (the NATS subscription's callback; public for tests). */
  onTickMessage(subject: string, data: Uint8Array | string, now_ms = Date.now()): boolean {
    const parsed = parseTick(subject, data, this.instruments);
    if (!parsed.ok) {
      this.bad_ticks++;
      this.health?.addErrors(1);
      if (this.bad_ticks <= 10 || this.bad_ticks % 1000 === 0) {
        this.log.warn({ subject, reason: parsed.reason, bad_ticks: this.bad_ticks }, 'dropped a bad market-data tick');
      }
      return false;
    }
    this.applyTick(parsed.tick, now_ms);
    this.ringEngine();
    this.received_since_work++;
    return true;
  }

  private simulate(symbol: number, now_ms: number): void {
    const quote = this.ticker!.next(symbol);
    this.rolling.record(symbol, now_ms, quote.last_ticks, quote.traded_lots);
    const v = this.values;
    v[MarkField.BID_TICKS] = quote.bid_ticks;
    v[MarkField.ASK_TICKS] = quote.ask_ticks;
    v[MarkField.LAST_TICKS] = quote.last_ticks;
    v[MarkField.BID_SIZE_LOTS] = quote.bid_size_lots;
    v[MarkField.ASK_SIZE_LOTS] = quote.ask_size_lots;
    v[MarkField.UPDATED_AT_MS] = now_ms;
    v[MarkField.VOLUME_24H_LOTS] = this.rolling.volume24h(symbol, now_ms);
    v[MarkField.OPEN_24H_TICKS] = this.rolling.open24h(symbol, now_ms);
    this.write(symbol);
  }

  private applyTick(tick: ParsedTick, now_ms: number): void {
    const s = tick.symbol;
    const at = tick.timestamp_ms ?? now_ms;
    this.rolling.record(s, now_ms, tick.last_ticks, 0);
    const v = this.values;
    v[MarkField.BID_TICKS] = tick.bid_ticks;
    v[MarkField.ASK_TICKS] = tick.ask_ticks;
    v[MarkField.LAST_TICKS] = tick.last_ticks;
    v[MarkField.BID_SIZE_LOTS] = tick.bid_size_lots ?? this.default_size_lots[s];
    v[MarkField.ASK_SIZE_LOTS] = tick.ask_size_lots ?? this.default_size_lots[s];
    v[MarkField.UPDATED_AT_MS] = at;
    v[MarkField.VOLUME_24H_LOTS] = tick.volume_24h_lots ?? this.rolling.volume24h(s, now_ms);
    v[MarkField.OPEN_24H_TICKS] = tick.open_24h_ticks ?? this.rolling.open24h(s, now_ms);
    this.write(s);
  }

  private write(symbol: number): void {
    this.marks.write(symbol, this.values);
    this.processed++;
  }

  /** After the writes of one wake-up: a parked engine re-checks resting orders against them. */
  private ringEngine(): void {
    for (let i = 0; i < this.wake.length; i++) this.wake[i].ringIfParked();
  }

  private async connectNats(): Promise<void> {
    try {
      const nc = await connect({
        servers: this.options.nats_url!,
        name: 'oms-market-data',
        reconnect: true,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 250,
        timeout: 2_000,
      });
      nc.subscribe(`${MARKET_TICK_SUBJECT_PREFIX}.*`, {
        callback: (error, message) => {
          if (error !== null) {
            this.log.warn({ err: error }, 'market-data subscription error');
            return;
          }
          this.onTickMessage(message.subject, message.data);
        },
      });
      await nc.flush();
      void (async () => {
        for await (const status of nc.status()) {
          if (status.type === Events.Disconnect) {
            this.health?.setState(WorkerState.DEGRADED);
            this.options.on_failure?.(new Error(`market-data NATS connection lost (${String(status.data)})`));
          } else if (status.type === Events.Reconnect) this.health?.setState(WorkerState.RUNNING);
        }
      })().catch(() => {});
      void nc.closed().then(() => {
        this.health?.setState(WorkerState.DEGRADED);
        this.options.on_failure?.(new Error('market-data NATS connection closed'));
        this.log.warn('market-data NATS connection closed; will reconnect');
      });
      this.nc = nc;
      this.backoff_ms = this.retry_initial_ms;
      this.health?.setState(WorkerState.RUNNING);
      this.log.info({ subject: `${MARKET_TICK_SUBJECT_PREFIX}.*` }, 'subscribed to market data on NATS');
    } catch (error) {
      this.health?.addErrors(1);
      this.health?.setState(WorkerState.DEGRADED);
      this.options.on_failure?.(error as Error);
      this.retry_at_ms = Date.now() + this.backoff_ms;
      this.log.warn({ err: error, retry_in_ms: this.backoff_ms }, 'could not connect to NATS for market data');
      this.backoff_ms = Math.min(this.backoff_ms * 2, this.retry_max_ms);
    }
  }

  private heartbeat(now: number): void {
    this.next_heartbeat_ms = now + 100;
    this.health?.heartbeat(now);
    this.health?.progress(this.processed, 0, this.processed);
  }
}
