/**
 * The Redis sink: the current state of every order as the hash `order:{order_id}` (the
 * seed system's key) and every position as the hash `position:{account}:{symbol}`, one
 * MULTI/EXEC transaction per batch (pipelined: one round trip, all or nothing).
 *
 * Idempotent by construction, so a batch sent twice (a retry, a restart from an older
 * cursor) leaves the same state as a batch sent once:
 *  - an order event carries the order's full state, so its hash is overwritten with
 *    absolute values (HSET of every field; null fields are written as "");
 *  - positions are computed here, in journal order, by the same PnL book the PnL worker
 *    uses (services/pnl/pnl_book.ts), and written as absolute values; never INCR. At
 *    start the book is rebuilt from the worker's recovery plan (its snapshot's book plus
 *    the journal after it, up to the cursor: sink_position_book.ts), so it stands where
 *    Redis stood after the last acknowledged batch; the journal before the snapshot may
 *    be retired. A prepared batch is kept across retries, so the book is advanced once
 *    per batch however many sends it takes.
 *
 * `oms:sink:redis:last_seq` holds the last sequence written (same transaction), for
 * operators. REDIS_URL may name a database: redis://host:6379/2.
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { EventType, Side } from '../../engine/protocol/enums.js';
import { EventRecord } from '../../engine/protocol/event_record.js';
import { formatRatio, formatUnits } from '../../engine/reference/decimal.js';
import { MICRO } from '../../engine/reference/instruments.js';
import { PnlBook } from '../pnl/pnl_book.js';
import type { RecoveryPlan } from '../snapshot/recovery_plan.js';
import { isoFromMicros, OrderEventJson, OrderEventMapper } from './order_event_json.js';
import { SinkTarget } from './sink_agent.js';
import { rebuildSinkPositionBook } from './sink_position_book.js';

export interface RedisSinkOptions {
  readonly url: string;
  readonly connect_timeout_ms?: number;
  readonly command_timeout_ms?: number;
}

export const REDIS_LAST_SEQ_KEY = 'oms:sink:redis:last_seq';

export function orderKey(order_id: number | string): string {
  return `order:${order_id}`;
}

export function positionKey(account: string, symbol: string): string {
  return `position:${account}:${symbol}`;
}

export interface RedisBatch {
  readonly commands: readonly (readonly string[])[];
  readonly events: number;
}

export class RedisSinkTarget implements SinkTarget<RedisBatch> {
  readonly name = 'redis';
  private redis: Redis | null = null;
  private book: PnlBook | null = null;
  /** Fills up to this sequence are in the book already (it was rebuilt from a snapshot ahead of the cursor). */
  private book_through_seq = 0;
  private readonly connect_timeout_ms: number;
  private readonly command_timeout_ms: number;
  private last_error_log_ms = 0;
  /** The client's last connection error, to say why it is not connected (shown on /health). */
  private connection_error: string | null = null;

  constructor(
    private readonly options: RedisSinkOptions,
    private readonly mapper: OrderEventMapper,
    private readonly journal_dir: string,
    /** Which snapshot the book starts from: see sink_position_book.ts. */
    private readonly recovery: RecoveryPlan,
    private readonly log: Logger,
  ) {
    this.connect_timeout_ms = options.connect_timeout_ms ?? 2_000;
    this.command_timeout_ms = options.command_timeout_ms ?? 5_000;
  }

  async open(cursor: number): Promise<number> {
    if (this.book === null) this.book = this.rebuildBook(cursor);
    if (this.redis === null || this.redis.status === 'end') this.redis = this.createClient();
    const redis = this.redis;
    if (redis.status === 'wait') await redis.connect();
    if (redis.status !== 'ready') {
      throw new Error(`redis is not connected (${redis.status})${this.connection_error === null ? '' : `: ${this.connection_error}`}`);
    }
    return cursor;
  }

  needsOpen(): boolean {
    return this.redis === null || this.redis.status !== 'ready';
  }

  prepare(events: readonly EventRecord[]): RedisBatch {
    const book = this.book;
    if (book === null) throw new Error('the Redis sink prepared a batch before it was opened');
    const commands: string[][] = [];
    const touched = new Map<number, number>();
    for (const event of events) {
      const json = this.mapper.toJson(event);
      if (json === null) continue;
      commands.push(['hset', orderKey(json.order_id), ...orderFields(json)]);
      if (event.type === EventType.REPLACED && event.orig_order_id > 0) {
        commands.push(['hset', orderKey(event.orig_order_id), 'status', 'REPLACED', 'remaining_quantity', '0',
          'replaced_by', json.order_id]);
      }
      // Only fills return a cell. A fill the rebuilt book holds already still rewrites its
      // position (with the book's value), but is not counted twice.
      const cell = event.seq <= this.book_through_seq ? touchedCell(book, event) : applyBookEvent(book, event);
      if (cell >= 0) touched.set(cell, event.ts_us);
    }
    for (const [cell, ts_us] of touched) commands.push(this.positionCommand(book, cell, ts_us));
    if (events.length > 0) commands.push(['set', REDIS_LAST_SEQ_KEY, String(events[events.length - 1].seq)]);
    return { commands, events: events.length };
  }

  async send(batch: RedisBatch, from: number): Promise<number> {
    const redis = this.redis;
    if (redis === null) throw new Error('the Redis sink is not open');
    if (from !== 0) throw new Error('a Redis batch is all or nothing');
    if (batch.commands.length > 0) {
      const results = await redis.multi(batch.commands.map((c) => [...c])).exec();
      if (results === null) throw new Error('redis aborted the transaction');
      for (const [error] of results) if (error !== null) throw error;
    }
    return batch.events;
  }

  async close(): Promise<void> {
    const redis = this.redis;
    this.redis = null;
    if (redis === null) return;
    try {
      if (redis.status === 'ready') await redis.quit();
      else redis.disconnect();
    } catch {
      redis.disconnect();
    }
  }

  private createClient(): Redis {
    const redis = new Redis(this.options.url, {
      lazyConnect: true,
      // Fail fast while disconnected: the sink agent retries with its own backoff and
      // keeps the batch; ioredis keeps reconnecting in the background.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: this.connect_timeout_ms,
      commandTimeout: this.command_timeout_ms,
      retryStrategy: (times) => Math.min(50 * times, 1_000),
      connectionName: 'oms-sink-redis',
    });
    redis.on('error', (error: Error) => {
      this.connection_error = error.message;
      const now = Date.now();
      if (now - this.last_error_log_ms >= 5_000) {
        this.last_error_log_ms = now;
        this.log.warn({ err: error }, 'redis connection error');
      }
    });
    redis.on('ready', () => {
      this.connection_error = null;
      this.log.info('connected to redis');
    });
    return redis;
  }

  private rebuildBook(cursor: number): PnlBook {
    const rebuilt = rebuildSinkPositionBook(this.recovery, cursor, this.journal_dir, {
      accounts: this.mapper.account_count,
      notional_scale: this.mapper.instruments.instruments.map((i) => i.notional_scale),
      session_end_utc_minutes: 0,
    }, this.log);
    this.book_through_seq = rebuilt.through_seq;
    return rebuilt.book;
  }

  private positionCommand(book: PnlBook, cell: number, ts_us: number): string[] {
    const account = Math.floor(cell / book.symbols);
    const symbol = cell % book.symbols;
    const instrument = this.mapper.instruments.at(symbol);
    const quantity = book.position_lots[cell];
    return ['hset', positionKey(this.mapper.accountName(account), instrument.spec.symbol),
      'account', this.mapper.accountName(account),
      'symbol', instrument.spec.symbol,
      'quantity', formatUnits(quantity, instrument.lot),
      'average_price', quantity === 0 ? '' : formatRatio(book.cost_lots_ticks[cell], quantity, instrument.tick, 8),
      'realized_pnl', formatUnits(book.realized_micros[cell], MICRO),
      'last_sequence', String(book.last_change_seq[cell]),
      'updated_at', isoFromMicros(ts_us),
    ];
  }
}

/** Applies a decoded event's fill (if it is one) to the book; returns the changed cell or -1. */
function applyBookEvent(book: PnlBook, event: EventRecord): number {
  if (event.type !== EventType.FILL) {
    if (event.seq > book.last_seq) book.last_seq = event.seq;
    return -1;
  }
  return book.applyFill(event.account, event.symbol, event.side === Side.BUY ? 1 : -1, event.last_fill_qty_lots, event.last_fill_price_ticks, event.seq);
}

/** The cell a fill event names (or -1 for any other event), without applying it. */
function touchedCell(book: PnlBook, event: EventRecord): number {
  return event.type === EventType.FILL ? book.cell(event.account, event.symbol) : -1;
}

/** The order hash's fields: every JSON field as a string, null as "". */
function orderFields(json: OrderEventJson): string[] {
  const fields: string[] = [];
  for (const [key, value] of Object.entries(json)) {
    fields.push(key, value === null ? '' : String(value));
  }
  return fields;
}
