/**
 * The NATS JetStream sink: every order event is published as JSON (order_event_json.ts)
 * on `orders.<type>` into a stream capturing `orders.>` (created if missing, name
 * configurable, default ORDERS), with `Nats-Msg-Id: <prefix>:<sequence>`.
 *
 * Exactly once:
 *  - within the stream's duplicate window, JetStream drops a second copy of a message id,
 *    so retrying a batch (some of it already stored) stores nothing twice;
 *  - beyond it (a long outage, a sink that was stopped for hours), `open` reads the
 *    stream's tail before publishing: it collects the event sequences of this sink's own
 *    messages (by message id prefix) newer than `cursor - verify_window`, resumes after
 *    the first sequence missing below the cursor (a broker that lost its last writes in a
 *    crash gets them again) and skips every sequence already stored past the resume point
 *    (events stored before the sink could save its cursor are not sent again).
 * `open` runs at start, after any failed send, and after the client reconnected.
 *
 * Admin events are skipped (the cursor still moves past them). Events are published
 * pipelined: a batch's publishes are all in flight at once; the stored prefix is what
 * moves the cursor.
 *
 * Limits: the tail check reads at most `scan_limit` messages, one request each, so a
 * stream shared with many other publishers may hide this sink's messages beyond it (those
 * are then assumed stored). Messages the stream dropped by its own limits (max_age,
 * max_msgs) inside the verify window are published again.
 */
import { connect, Events, JetStreamClient, JetStreamManager, NatsConnection, NatsError, nanos, RetentionPolicy, StorageType } from 'nats';
import type { Logger } from 'pino';
import { EV_TYPE } from '../../engine/protocol/event_layout.js';
import { EventRecord } from '../../engine/protocol/event_record.js';
import { JournalTail } from '../journal/journal_reader.js';
import { isOrderEvent, OrderEventMapper, ORDER_SUBJECT_PREFIX } from './order_event_json.js';
import { SinkTarget } from './sink_agent.js';

export interface NatsSinkOptions {
  readonly url: string;
  /** JetStream stream name (default ORDERS). */
  readonly stream?: string;
  /** Message ids are `<prefix>:<sequence>`; give each OMS shard its own prefix (default "oms"). */
  readonly msg_id_prefix?: string;
  readonly publish_timeout_ms?: number;
  readonly connect_timeout_ms?: number;
  /** How far behind the cursor `open` verifies that events are in the stream. */
  readonly verify_window?: number;
  /** Most stream messages `open` reads. */
  readonly scan_limit?: number;
  /** Duplicate window of a stream this sink creates. */
  readonly duplicate_window_ms?: number;
}

interface NatsItem {
  readonly seq: number;
  readonly subject: string;
  readonly data: Uint8Array;
  readonly msg_id: string;
}

export interface NatsBatch {
  /** One per event; null for events this sink does not publish. */
  readonly items: readonly (NatsItem | null)[];
}

const STREAM_NOT_FOUND = 10059;
const NO_MESSAGE_FOUND = 10037;

export class NatsSinkTarget implements SinkTarget<NatsBatch> {
  readonly name = 'nats';
  readonly stream: string;
  private readonly prefix: string;
  private readonly url: string;
  private readonly publish_timeout_ms: number;
  private readonly connect_timeout_ms: number;
  private readonly verify_window: number;
  private readonly scan_limit: number;
  private readonly duplicate_window_ms: number;
  private readonly encoder = new TextEncoder();
  private nc: NatsConnection | null = null;
  private js: JetStreamClient | null = null;
  private jsm: JetStreamManager | null = null;
  private reconnected = false;
  /** Sequences past the resume point already in the stream (found by `open`). */
  private stored_ahead = new Set<number>();
  private stored_ahead_max = 0;
  /** Counters for tests and logs. */
  reconciles = 0;
  skipped_as_stored = 0;

  /**
   * @param journal_dir read to tell events this sink never publishes (admin events) from
   *   events missing in the stream
   */
  constructor(
    options: NatsSinkOptions,
    private readonly mapper: OrderEventMapper,
    private readonly journal_dir: string,
    private readonly log: Logger,
  ) {
    this.url = options.url;
    this.stream = options.stream ?? 'ORDERS';
    this.prefix = options.msg_id_prefix ?? 'oms';
    this.publish_timeout_ms = options.publish_timeout_ms ?? 2_000;
    this.connect_timeout_ms = options.connect_timeout_ms ?? 2_000;
    this.verify_window = options.verify_window ?? 1024;
    this.scan_limit = options.scan_limit ?? 4096;
    this.duplicate_window_ms = options.duplicate_window_ms ?? 120_000;
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(this.stream)) throw new Error(`bad JetStream stream name ${JSON.stringify(this.stream)}`);
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(this.prefix)) throw new Error(`bad message id prefix ${JSON.stringify(this.prefix)}`);
  }

  msgIdOf(seq: number): string {
    return `${this.prefix}:${seq}`;
  }

  async open(cursor: number): Promise<number> {
    if (this.nc === null || this.nc.isClosed()) {
      this.nc = await connect({
        servers: this.url,
        name: 'oms-sink-nats',
        timeout: this.connect_timeout_ms,
        reconnect: true,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 250,
        reconnectJitter: 100,
        pingInterval: 10_000,
      });
      this.watch(this.nc);
      this.log.info({ url: this.url }, 'connected to NATS');
    }
    this.reconnected = false;
    this.jsm = await this.nc.jetstreamManager({ timeout: this.publish_timeout_ms });
    await this.ensureStream(this.jsm);
    this.js = this.nc.jetstream({ timeout: this.publish_timeout_ms });
    return this.reconcile(this.jsm, cursor);
  }

  needsOpen(): boolean {
    return this.reconnected || this.nc === null || this.nc.isClosed();
  }

  prepare(events: readonly EventRecord[]): NatsBatch {
    const items: (NatsItem | null)[] = [];
    for (const event of events) {
      const json = this.mapper.toJson(event);
      items.push(json === null ? null : {
        seq: event.seq,
        subject: `${ORDER_SUBJECT_PREFIX}.${json.type}`,
        data: this.encoder.encode(JSON.stringify(json)),
        msg_id: this.msgIdOf(event.seq),
      });
    }
    return { items };
  }

  async send(batch: NatsBatch, from: number): Promise<number> {
    const js = this.js;
    if (js === null) throw new Error('NATS sink is not open');
    const acks: (Promise<unknown> | null)[] = [];
    for (let i = from; i < batch.items.length; i++) {
      const item = batch.items[i];
      if (item === null) {
        acks.push(null);
      } else if (this.stored_ahead.has(item.seq)) {
        this.skipped_as_stored++;
        acks.push(null);
      } else {
        acks.push(js.publish(item.subject, item.data, { msgID: item.msg_id, timeout: this.publish_timeout_ms }));
      }
    }
    const settled = await Promise.allSettled(acks.map((ack) => ack ?? Promise.resolve()));
    let stored = 0;
    while (stored < settled.length && settled[stored].status === 'fulfilled') stored++;
    if (stored < settled.length && stored === 0) throw (settled[0] as PromiseRejectedResult).reason;
    const last_item = batch.items[from + stored - 1];
    if (stored > 0 && this.stored_ahead.size > 0 && last_item !== undefined && last_item !== null && last_item.seq >= this.stored_ahead_max) {
      this.stored_ahead.clear();
    }
    return stored;
  }

  async close(): Promise<void> {
    const nc = this.nc;
    this.nc = null;
    if (nc !== null && !nc.isClosed()) await nc.close();
  }

  private watch(nc: NatsConnection): void {
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === Events.Reconnect) {
          this.reconnected = true;
          this.log.info({ server: status.data }, 'NATS reconnected; the sink will check the stream before publishing');
        } else if (status.type === Events.Disconnect) {
          this.log.warn({ server: status.data }, 'NATS disconnected');
        }
      }
    })().catch(() => {});
  }

  private async ensureStream(jsm: JetStreamManager): Promise<void> {
    const wanted = `${ORDER_SUBJECT_PREFIX}.>`;
    try {
      const info = await jsm.streams.info(this.stream);
      if (!info.config.subjects?.includes(wanted)) {
        this.log.warn({ stream: this.stream, subjects: info.config.subjects }, `stream does not list ${wanted}; publishing anyway`);
      }
    } catch (error) {
      if (apiErrorCode(error) !== STREAM_NOT_FOUND) throw error;
      await jsm.streams.add({
        name: this.stream,
        subjects: [wanted],
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
        duplicate_window: nanos(this.duplicate_window_ms),
      });
      this.log.info({ stream: this.stream, subjects: [wanted] }, 'created the JetStream stream');
    }
  }

  /**
   * Reads the stream's tail back to `cursor - verify_window`; returns the sequence to resume
   * after and remembers which later sequences are already stored.
   */
  private async reconcile(jsm: JetStreamManager, cursor: number): Promise<number> {
    this.reconciles++;
    const started = performance.now();
    const floor = Math.max(0, cursor - this.verify_window);
    const info = await jsm.streams.info(this.stream);
    const found = new Set<number>();
    let reached_floor = false;
    let lowest = Infinity;
    let scanned = 0;
    for (let s = info.state.last_seq; s >= Math.max(1, info.state.first_seq) && scanned < this.scan_limit; s--) {
      scanned++;
      let header_id: string | undefined;
      try {
        const message = await jsm.streams.getMessage(this.stream, { seq: s });
        header_id = message.header?.get('Nats-Msg-Id');
      } catch (error) {
        if (apiErrorCode(error) === NO_MESSAGE_FOUND) continue;
        throw error;
      }
      const seq = this.parseMsgId(header_id);
      if (seq === null) continue;
      if (seq <= floor) {
        reached_floor = true;
        break;
      }
      found.add(seq);
      if (seq < lowest) lowest = seq;
    }
    const ran_out = scanned < this.scan_limit;
    // Below what the scan could see, assume stored (it hit the limit before the floor).
    const verified_from = reached_floor || ran_out ? floor + 1 : (lowest === Infinity ? cursor + 1 : lowest);
    let resume = cursor;
    const tail = new JournalTail(this.journal_dir);
    try {
      for (let seq = verified_from; seq <= cursor; seq++) {
        if (!found.has(seq) && this.publishes(tail, seq)) {
          resume = seq - 1;
          break;
        }
      }
    } finally {
      tail.close();
    }
    this.stored_ahead = new Set([...found].filter((seq) => seq > resume));
    this.stored_ahead_max = this.stored_ahead.size === 0 ? 0 : Math.max(...this.stored_ahead);
    const details = { cursor, resume_after: resume, stored_ahead: this.stored_ahead.size, scanned, stream_last_seq: info.state.last_seq,
      ms: Math.round(performance.now() - started) };
    if (resume !== cursor || this.stored_ahead.size > 0) this.log.info(details, 'stream tail checked against the cursor: resending what is missing');
    else this.log.debug(details, 'stream tail checked against the cursor');
    return resume;
  }

  /** True if the journal's event `seq` is one this sink publishes (an order event). */
  private publishes(tail: JournalTail, seq: number): boolean {
    let order_event = false;
    tail.seek(seq);
    tail.read(seq, 1, (views, base) => { order_event = isOrderEvent(views.u8[base + EV_TYPE]); });
    return order_event;
  }

  private parseMsgId(id: string | undefined): number | null {
    if (id === undefined || !id.startsWith(`${this.prefix}:`)) return null;
    const seq = Number(id.slice(this.prefix.length + 1));
    return Number.isSafeInteger(seq) && seq > 0 ? seq : null;
  }
}

function apiErrorCode(error: unknown): number | undefined {
  if (error instanceof NatsError) return error.api_error?.err_code;
  return undefined;
}
