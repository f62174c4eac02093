/**
 * The loop every sink runs (an async agent, services/runtime/async_agent.ts): read the
 * journal from the sink's cursor up to the durable sequence, hand a batch to the broker,
 * move the cursor once per acknowledged batch. Sinks are downstream of the journal, so a
 * broker that is down only makes this loop wait; the engine never notices.
 *
 *  1. open: connect to the broker and ask it where to resume (usually the cursor; NATS may
 *     move it, see nats_sink.ts). Runs first, and again after any failure or reconnect.
 *  2. read: events cursor+1 .. min(durable, cursor + max_batch) from the journal, decoded
 *     and prepared for the broker once (the prepared batch is kept across retries).
 *  3. send: the broker acknowledges some prefix of the batch; the cursor moves to its last
 *     event and is saved (services/sinks/sink_cursor.ts). Anything short of the whole
 *     batch is a failure: errors + 1, state DEGRADED, retry after a backoff that doubles
 *     from `retry_initial_ms` up to `retry_max_ms`, re-opening first.
 *
 * Health line: heartbeat, state, processed (events acknowledged or skipped), lag (durable
 * sequence - cursor: the backlog), errors (failed attempts), position (the cursor),
 * dropped (what the target let go on purpose, e.g. QuestDB ticks).
 *
 * Journal damage and mapping errors are not broker failures: they throw out of doWork and
 * crash the worker, so the supervisor restarts it (and gives up if it keeps happening).
 */
import type { Logger } from 'pino';
import { decodeEvent, EventRecord } from '../../engine/protocol/event_record.js';
import { SeqlockTable } from '../../engine/reference/seqlock_table.js';
import { WorkerHealthReporter } from '../../engine/telemetry/worker_health.js';
import { WorkerState } from '../../engine/telemetry/worker_health_layout.js';
import { durableSeq } from '../../engine/reference/journal_progress.js';
import { JournalTail } from '../journal/journal_reader.js';
import { AsyncAgent } from '../runtime/async_agent.js';
import { SinkCursor } from './sink_cursor.js';

export interface SinkTarget<P> {
  readonly name: string;
  /**
   * Connects (or checks the connection) and returns the sequence to resume after:
   * `cursor`, or an earlier one if the broker lost events the cursor says it has.
   * A target whose `prepare` keeps state (Redis positions) must always return `cursor`.
   */
  open(cursor: number): Promise<number>;
  /** True when the target wants `open` again before its next send (its client reconnected). */
  needsOpen(): boolean;
  /** Turns decoded events into what `send` delivers; called once per batch. */
  prepare(events: readonly EventRecord[]): P;
  /**
   * Delivers items `from` .. end of the batch; resolves to how many of them, counted from
   * `from` in order, the broker has stored. Rejects if it could store none.
   */
  send(prepared: P, from: number): Promise<number>;
  /** Housekeeping when there is nothing to deliver (may reject: counted as a failure). */
  onIdle?(now_ms: number): Promise<void>;
  /**
   * Items the target let go on purpose since it was made (QuestDB: tick rows over its
   * queue limit); the agent adds what is new to the health line at each heartbeat.
   */
  readonly dropped?: number;
  close(): Promise<void>;
}

export interface SinkAgentOptions<P> {
  readonly target: SinkTarget<P>;
  readonly cursor: SinkCursor;
  readonly journal_dir: string;
  readonly progress: SeqlockTable;
  readonly health: WorkerHealthReporter | null;
  readonly log: Logger;
  readonly max_batch?: number;
  readonly retry_initial_ms?: number;
  readonly retry_max_ms?: number;
  readonly heartbeat_ms?: number;
  /** Told of every failed attempt (the worker posts it to the main thread for /health). */
  readonly on_failure?: (error: Error, at_ms: number) => void;
}

interface PendingBatch<P> {
  readonly events: EventRecord[];
  readonly prepared: P;
  /** Items before this index are stored. */
  from: number;
}

export class SinkAgent<P> implements AsyncAgent {
  readonly roleName: string;
  private readonly target: SinkTarget<P>;
  private readonly cursor_file: SinkCursor;
  private readonly tail: JournalTail;
  private readonly progress: SeqlockTable;
  private readonly health: WorkerHealthReporter | null;
  private readonly log: Logger;
  private readonly max_batch: number;
  private readonly retry_initial_ms: number;
  private readonly retry_max_ms: number;
  private readonly heartbeat_ms: number;
  private readonly on_failure: ((error: Error, at_ms: number) => void) | null;
  private cursor = 0;
  private opened = false;
  private pending: PendingBatch<P> | null = null;
  private retry_at_ms = 0;
  private backoff_ms: number;
  private failing_since_ms = 0;
  private last_failure_log_ms = 0;
  private next_heartbeat_ms = 0;
  private warned_ahead = false;
  /** The target's dropped count already added to the health line. */
  private dropped_reported = 0;
  /** Events acknowledged by the broker or skipped, since start. */
  processed = 0;
  /** Failed attempts since start. */
  failures = 0;

  constructor(options: SinkAgentOptions<P>) {
    this.target = options.target;
    this.roleName = `sink_${options.target.name}`;
    this.cursor_file = options.cursor;
    this.tail = new JournalTail(options.journal_dir);
    this.progress = options.progress;
    this.health = options.health;
    this.log = options.log;
    this.max_batch = options.max_batch ?? 512;
    this.retry_initial_ms = options.retry_initial_ms ?? 100;
    this.retry_max_ms = options.retry_max_ms ?? 5_000;
    this.heartbeat_ms = options.heartbeat_ms ?? 100;
    this.on_failure = options.on_failure ?? null;
    this.backoff_ms = this.retry_initial_ms;
    if (!(this.max_batch >= 1)) throw new Error('max_batch must be >= 1');
  }

  /** The last sequence the broker acknowledged (or the sink skipped). */
  get cursorSeq(): number {
    return this.cursor;
  }

  async onStart(): Promise<void> {
    this.cursor = this.cursor_file.load();
    this.tail.seek(this.cursor + 1);
    this.health?.setState(WorkerState.STARTING);
    this.heartbeat(Date.now());
    this.log.info({ cursor: this.cursor }, 'sink starting from its cursor');
  }

  async doWork(): Promise<number> {
    const now = Date.now();
    if (now >= this.next_heartbeat_ms) this.heartbeat(now);
    if (now < this.retry_at_ms) return 0;
    let batch: PendingBatch<P>;
    try {
      if (!this.opened || this.target.needsOpen()) await this.open();
      if (this.pending === null) {
        const durable = durableSeq(this.progress);
        if (durable < this.cursor && durable > 0 && !this.warned_ahead) {
          // The journal was replaced under a kept cursor: events up to the cursor would be skipped.
          this.warned_ahead = true;
          this.log.error({ cursor: this.cursor, durable_seq: durable, cursor_file: this.cursor_file.file },
            'the sink cursor is ahead of the journal: was the journal replaced? Delete the cursor file to deliver it from the start');
        }
        if (durable <= this.cursor) {
          await this.target.onIdle?.(now);
          this.healthy(now);
          return 0;
        }
        this.pending = this.readBatch(durable);
      }
      batch = this.pending;
      const stored = await this.target.send(batch.prepared, batch.from);
      this.advance(batch, stored);
      if (batch.from < batch.events.length) {
        throw new Error(`the broker stored ${stored} of ${batch.events.length - batch.from + stored} events`);
      }
    } catch (error) {
      if (error instanceof SinkFatalError) throw error.cause;
      this.failed(error as Error);
      return 0;
    }
    this.pending = null;
    this.healthy(Date.now());
    return batch.events.length;
  }

  hasWork(): boolean {
    if (Date.now() < this.retry_at_ms) return false;
    return this.pending !== null || durableSeq(this.progress) > this.cursor;
  }

  msUntilDeadline(): number {
    const now = Date.now();
    const until_retry = this.retry_at_ms > now ? this.retry_at_ms - now : Infinity;
    return Math.max(1, Math.min(this.next_heartbeat_ms - now, until_retry));
  }

  async onClose(): Promise<void> {
    this.health?.setState(WorkerState.STOPPING);
    try {
      await this.target.close();
    } catch (error) {
      this.log.warn({ err: error }, 'closing the broker connection failed');
    }
    this.tail.close();
    this.heartbeat(Date.now());
    this.health?.setState(WorkerState.STOPPED);
    this.log.info({ cursor: this.cursor, processed: this.processed }, 'sink stopped');
  }

  private async open(): Promise<void> {
    const resume = await this.target.open(this.cursor);
    this.opened = true;
    if (resume === this.cursor) return;
    if (!Number.isSafeInteger(resume) || resume < 0) throw new SinkFatalError(new Error(`target asked to resume after ${resume}`));
    this.log.warn({ cursor: this.cursor, resume_after: resume }, 'the broker moved the sink cursor');
    const batch = this.pending;
    if (batch !== null && resume >= batch.events[0].seq - 1 && resume <= batch.events[batch.events.length - 1].seq) {
      batch.from = resume - (batch.events[0].seq - 1);
    } else {
      this.pending = null;
      this.tail.seek(resume + 1);
    }
    this.cursor = resume;
    this.cursor_file.save(resume);
  }

  private readBatch(durable: number): PendingBatch<P> {
    const up_to = Math.min(durable, this.cursor + this.max_batch);
    const events: EventRecord[] = [];
    if (this.tail.nextSeq !== this.cursor + 1) this.tail.seek(this.cursor + 1);
    try {
      this.tail.read(up_to, this.max_batch, (views, base) => { events.push(decodeEvent(views, base)); });
      return { events, prepared: this.target.prepare(events), from: 0 };
    } catch (error) {
      throw new SinkFatalError(error as Error);
    }
  }

  private advance(batch: PendingBatch<P>, stored: number): void {
    if (!(Number.isInteger(stored) && stored >= 0 && batch.from + stored <= batch.events.length)) {
      throw new SinkFatalError(new Error(`target reported ${stored} stored from ${batch.from} of ${batch.events.length}`));
    }
    if (stored === 0) return;
    batch.from += stored;
    this.cursor = batch.events[batch.from - 1].seq;
    this.cursor_file.save(this.cursor);
    this.processed += stored;
  }

  private healthy(now: number): void {
    if (this.failing_since_ms !== 0) {
      this.log.info({ cursor: this.cursor, outage_ms: now - this.failing_since_ms, failures: this.failures }, 'broker is back; sink caught up');
      this.failing_since_ms = 0;
    }
    this.backoff_ms = this.retry_initial_ms;
    this.retry_at_ms = 0;
    this.health?.setState(WorkerState.RUNNING);
  }

  private failed(error: Error): void {
    const now = Date.now();
    this.failures++;
    this.health?.addErrors(1);
    this.health?.setState(WorkerState.DEGRADED);
    this.opened = false;
    if (this.failing_since_ms === 0) this.failing_since_ms = now;
    this.retry_at_ms = now + this.backoff_ms;
    // Log the first failure of an outage, then at most one line every 5 s.
    if (now - this.last_failure_log_ms >= 5_000 || this.failures === 1) {
      this.last_failure_log_ms = now;
      this.log.warn({ err: error, cursor: this.cursor, lag: this.lag(), retry_in_ms: this.backoff_ms, failures: this.failures },
        'sink delivery failed; will retry');
    }
    this.backoff_ms = Math.min(this.backoff_ms * 2, this.retry_max_ms);
    this.on_failure?.(error, now);
    this.heartbeat(now);
  }

  private lag(): number {
    return Math.max(0, durableSeq(this.progress) - this.cursor);
  }

  private heartbeat(now: number): void {
    this.next_heartbeat_ms = now + this.heartbeat_ms;
    this.health?.heartbeat(now);
    this.health?.progress(this.processed, this.lag(), this.cursor);
    const dropped = this.target.dropped ?? 0;
    if (dropped > this.dropped_reported) {
      this.health?.addDropped(dropped - this.dropped_reported);
      this.dropped_reported = dropped;
    }
  }
}

/** An error that must crash the worker rather than be retried (journal damage, a bug). */
export class SinkFatalError extends Error {
  constructor(override readonly cause: Error) {
    super(cause.message);
    this.name = 'SinkFatalError';
  }
}
