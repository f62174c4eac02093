/**
 * The QuestDB sink, over the InfluxDB line protocol with the official client
 * (`@questdb/nodejs-client`), configured by QDB_CLIENT_CONF (`http::addr=host:9000;` or
 * `tcp::addr=host:9009;`). Three tables, each with a designated timestamp `ts`:
 *
 *   orders  every order event (the order's state after it), at the event's time
 *   fills   one row per FILL event, at the event's time
 *   ticks   marks sampled from the shared mark table, at the mark's update time
 *
 * Exactly once comes from the tables' DEDUP UPSERT KEYS (services/sinks/QUESTDB.md):
 * (ts, account, sequence) for orders and fills, (ts, symbol) for ticks, so a batch sent
 * twice overwrites itself. Auto-flush is turned off (unless the configuration string
 * sets it) so each batch is one flush: over HTTP one transaction, acknowledged by the
 * server; over TCP the flush is "acknowledged" once written to the socket, so a server
 * crash can lose the last batches - use HTTP where that matters.
 *
 * Ticks: the market-data worker writes only the mark table (it keeps no journal), so this
 * sink samples the table every `tick_sample_ms` and queues a row for each symbol whose
 * record moved. Limits: updates faster than the sampling period are collapsed to the
 * latest one; the queue is in memory (bounded by `max_tick_queue`, oldest rows dropped
 * first and counted: oms_questdb_dropped_ticks_total on /metrics), so ticks queued
 * before a sink restart are lost. Sampling happens only while the sender is open (in
 * `send` and `onIdle`): while QuestDB cannot be reached nothing is sampled, and the
 * first sample after it is back carries each symbol's latest mark only. Prices are
 * exact; ticks are market context, not books of record.
 */
import { Sender } from '@questdb/nodejs-client';
import type { Logger } from 'pino';
import { EventType } from '../../engine/protocol/enums.js';
import { EventRecord } from '../../engine/protocol/event_record.js';
import { formatUnits } from '../../engine/reference/decimal.js';
import { MARK_FIELD_COUNT, MarkField } from '../../engine/reference/mark_table.js';
import { SeqlockTable } from '../../engine/reference/seqlock_table.js';
import { withTimeout } from '../runtime/with_timeout.js';
import { OrderEventJson, OrderEventMapper } from './order_event_json.js';
import { SinkTarget } from './sink_agent.js';

export const QUESTDB_TABLES = { ORDERS: 'orders', FILLS: 'fills', TICKS: 'ticks' } as const;

export interface QuestDbSinkOptions {
  /** QDB_CLIENT_CONF. */
  readonly conf: string;
  /** The shared mark table to sample ticks from; null for no ticks table. */
  readonly marks: SharedArrayBuffer | null;
  readonly tick_sample_ms?: number;
  /** Ticks are flushed on their own at most this often when no order batch carries them. */
  readonly tick_flush_ms?: number;
  readonly max_tick_queue?: number;
  /**
   * Longest a batch's flush may take (default 5 000 ms). Over TCP a QuestDB that accepts
   * but stops reading would otherwise hold the flush forever once the socket buffers are
   * full, with the sink still reported RUNNING; on timeout the connection is dropped and
   * the batch sent again on a new one (the sink agent's retry, with back-off; the sink
   * shows as degraded meanwhile).
   */
  readonly send_timeout_ms?: number;
}

interface OrderRow {
  readonly ts_us: number;
  readonly order_id: number;
  readonly orig_order_id: number;
  readonly json: OrderEventJson;
  readonly fill: boolean;
}

interface TickRow {
  readonly ts_ms: number;
  readonly symbol: string;
  readonly bid: number;
  readonly ask: number;
  readonly last: number;
  readonly bid_size: number;
  readonly ask_size: number;
  readonly volume_24h: number;
  readonly open_24h: number;
}

export interface QuestDbBatch {
  /** One per event; null for events that are not order events. */
  readonly rows: readonly (OrderRow | null)[];
}

/** The configuration string with auto-flush off, unless it already says. */
export function manualFlushConf(conf: string): string {
  const trimmed = conf.trim();
  if (/(^|;|::)\s*auto_flush\s*=/.test(trimmed)) return trimmed;
  return `${trimmed.endsWith(';') ? trimmed : `${trimmed};`}auto_flush=off;`;
}

export class QuestDbSinkTarget implements SinkTarget<QuestDbBatch> {
  readonly name = 'questdb';
  private sender: Sender | null = null;
  private readonly marks: SeqlockTable | null;
  private readonly tick_sample_ms: number;
  private readonly tick_flush_ms: number;
  private readonly max_tick_queue: number;
  private readonly send_timeout_ms: number;
  private readonly mark_versions: Int32Array;
  private readonly last_tick_ms: Float64Array;
  private readonly scratch = new Float64Array(MARK_FIELD_COUNT);
  private tick_queue: TickRow[] = [];
  private next_sample_ms = 0;
  private last_tick_flush_ms = 0;
  /** Tick rows dropped because the queue was full (on /metrics: oms_questdb_dropped_ticks_total). */
  dropped_ticks = 0;
  sent_ticks = 0;

  constructor(private readonly options: QuestDbSinkOptions, private readonly mapper: OrderEventMapper, private readonly log: Logger) {
    this.marks = options.marks === null ? null : new SeqlockTable(options.marks);
    this.tick_sample_ms = options.tick_sample_ms ?? 100;
    this.tick_flush_ms = options.tick_flush_ms ?? 1_000;
    this.max_tick_queue = options.max_tick_queue ?? 100_000;
    this.send_timeout_ms = options.send_timeout_ms ?? 5_000;
    const symbols = mapper.instruments.count;
    this.mark_versions = new Int32Array(symbols).fill(-1);
    this.last_tick_ms = new Float64Array(symbols);
  }

  async open(cursor: number): Promise<number> {
    if (this.sender === null) {
      const sender = await Sender.fromConfig(manualFlushConf(this.options.conf), {
        log: (level, message) => {
          if (level === 'error' || level === 'warn') this.log.warn({ questdb: String(message) }, 'questdb client');
        },
      });
      if (/^\s*tcps?::/.test(this.options.conf)) await sender.connect();
      this.sender = sender;
    }
    return cursor;
  }

  needsOpen(): boolean {
    return this.sender === null;
  }

  /** What the sink agent publishes as the worker's dropped count: the tick rows dropped. */
  get dropped(): number {
    return this.dropped_ticks;
  }

  prepare(events: readonly EventRecord[]): QuestDbBatch {
    return {
      rows: events.map((event) => {
        const json = this.mapper.toJson(event);
        return json === null ? null : {
          ts_us: event.ts_us, order_id: event.order_id, orig_order_id: event.orig_order_id, json, fill: event.type === EventType.FILL,
        };
      }),
    };
  }

  async send(batch: QuestDbBatch, from: number): Promise<number> {
    const sender = this.sender;
    if (sender === null) throw new Error('the QuestDB sink is not open');
    this.sample(Date.now());
    const ticks = this.tick_queue.length;
    try {
      for (let i = from; i < batch.rows.length; i++) {
        const row = batch.rows[i];
        if (row === null) continue;
        await this.writeOrder(sender, row);
        if (row.fill) await this.writeFill(sender, row);
      }
      for (let i = 0; i < ticks; i++) await this.writeTick(sender, this.tick_queue[i]);
      await withTimeout(sender.flush(), this.send_timeout_ms, 'a QuestDB flush');
    } catch (error) {
      await this.drop();
      throw error;
    }
    this.tick_queue.splice(0, ticks);
    this.sent_ticks += ticks;
    return batch.rows.length - from;
  }

  async onIdle(now_ms: number): Promise<void> {
    this.sample(now_ms);
    if (this.tick_queue.length === 0 || now_ms - this.last_tick_flush_ms < this.tick_flush_ms) return;
    this.last_tick_flush_ms = now_ms;
    await this.send({ rows: [] }, 0);
  }

  async close(): Promise<void> {
    const sender = this.sender;
    this.sender = null;
    if (sender !== null) await sender.close();
  }

  /** Queues a tick row for each symbol whose mark moved since the last sample. */
  sample(now_ms: number): void {
    const marks = this.marks;
    if (marks === null || now_ms < this.next_sample_ms) return;
    this.next_sample_ms = now_ms + this.tick_sample_ms;
    const instruments = this.mapper.instruments;
    for (let s = 0; s < instruments.count; s++) {
      const version = marks.recordVersion(s);
      if (version === this.mark_versions[s]) continue;
      this.mark_versions[s] = marks.read(s, this.scratch);
      const ts_ms = this.scratch[MarkField.UPDATED_AT_MS];
      if (!(ts_ms > this.last_tick_ms[s])) continue;
      this.last_tick_ms[s] = ts_ms;
      const instrument = instruments.at(s);
      const ticks = (field: number) => Number(formatUnits(this.scratch[field], instrument.tick));
      const lots = (field: number) => Number(formatUnits(this.scratch[field], instrument.lot));
      this.tick_queue.push({
        ts_ms,
        symbol: instrument.spec.symbol,
        bid: ticks(MarkField.BID_TICKS),
        ask: ticks(MarkField.ASK_TICKS),
        last: ticks(MarkField.LAST_TICKS),
        bid_size: lots(MarkField.BID_SIZE_LOTS),
        ask_size: lots(MarkField.ASK_SIZE_LOTS),
        volume_24h: lots(MarkField.VOLUME_24H_LOTS),
        open_24h: ticks(MarkField.OPEN_24H_TICKS),
      });
    }
    if (this.tick_queue.length > this.max_tick_queue) {
      const excess = this.tick_queue.length - this.max_tick_queue;
      this.tick_queue.splice(0, excess);
      this.dropped_ticks += excess;
    }
  }

  /** Forgets the sender after a failure: its buffer may hold half a batch. */
  private async drop(): Promise<void> {
    const sender = this.sender;
    this.sender = null;
    try {
      await sender?.close();
    } catch {
      // Already broken; the next open makes a new one.
    }
  }

  private async writeOrder(sender: Sender, row: OrderRow): Promise<void> {
    const j = row.json;
    sender.table(QUESTDB_TABLES.ORDERS)
      .symbol('account', j.account)
      .symbol('symbol', j.symbol)
      .symbol('type', j.type)
      .symbol('side', j.side)
      .symbol('status', j.status)
      .symbol('order_type', j.order_type)
      .symbol('time_in_force', j.time_in_force);
    if (j.exec_reason !== null) sender.symbol('exec_reason', j.exec_reason);
    sender.intColumn('sequence', j.sequence)
      .intColumn('order_id', row.order_id)
      .stringColumn('client_order_id', j.client_order_id)
      .floatColumn('quantity', j.quantity)
      .floatColumn('filled_quantity', j.filled_quantity)
      .floatColumn('remaining_quantity', j.remaining_quantity)
      .booleanColumn('triggered', j.triggered);
    if (j.price !== null) sender.floatColumn('price', j.price);
    if (j.stop_price !== null) sender.floatColumn('stop_price', j.stop_price);
    if (j.average_fill_price !== null) sender.floatColumn('average_fill_price', j.average_fill_price);
    if (j.last_fill_quantity !== null) sender.floatColumn('last_fill_quantity', j.last_fill_quantity);
    if (j.last_fill_price !== null) sender.floatColumn('last_fill_price', j.last_fill_price);
    if (row.orig_order_id > 0) sender.intColumn('orig_order_id', row.orig_order_id);
    if (j.reject_code !== null) sender.intColumn('reject_code', j.reject_code);
    if (j.reject_reason !== null) sender.stringColumn('reject_reason', j.reject_reason);
    if (j.post_only) sender.booleanColumn('post_only', true);
    if (j.reduce_only) sender.booleanColumn('reduce_only', true);
    if (j.trailing_offset !== null) sender.floatColumn('trailing_offset', j.trailing_offset);
    if (j.list_id !== undefined) sender.intColumn('list_id', Number(j.list_id));
    await sender.at(row.ts_us, 'us');
  }

  private async writeFill(sender: Sender, row: OrderRow): Promise<void> {
    const j = row.json;
    sender.table(QUESTDB_TABLES.FILLS)
      .symbol('account', j.account)
      .symbol('symbol', j.symbol)
      .symbol('side', j.side)
      .intColumn('sequence', j.sequence)
      .intColumn('order_id', row.order_id)
      .stringColumn('client_order_id', j.client_order_id)
      .floatColumn('quantity', j.last_fill_quantity ?? 0)
      .floatColumn('price', j.last_fill_price ?? 0)
      .floatColumn('filled_quantity', j.filled_quantity);
    await sender.at(row.ts_us, 'us');
  }

  private async writeTick(sender: Sender, tick: TickRow): Promise<void> {
    sender.table(QUESTDB_TABLES.TICKS)
      .symbol('symbol', tick.symbol)
      .floatColumn('bid', tick.bid)
      .floatColumn('ask', tick.ask)
      .floatColumn('last', tick.last)
      .floatColumn('bid_size', tick.bid_size)
      .floatColumn('ask_size', tick.ask_size)
      .floatColumn('volume_24h', tick.volume_24h)
      .floatColumn('open_24h', tick.open_24h);
    await sender.at(tick.ts_ms, 'ms');
  }
}
