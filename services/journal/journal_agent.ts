/**
 * The journal worker's agent: drains the event ring and makes events durable with group
 * commit. One doWork: copy every event the ring holds (up to the write buffer) into the
 * buffer, one write, one fdatasync (in fsync mode), then release the slots. Releasing is
 * what publishes "durable up to": the io thread and the PnL worker read the event ring
 * only up to the journal's position, and the engine may then reuse the slots.
 *
 * While one fsync runs, the engine keeps filling the ring, so the next batch is larger:
 * that is the group commit. A slow disk shows as ring depth (lag on /health/workers);
 * when the ring is full the engine stops taking commands and the edge answers busy.
 * Nothing is dropped.
 *
 * A failed write or fsync is fatal (journal_failure.ts): the writer's JournalFailedError
 * leaves doWork, the events it held stay unreleased and "durable up to" stays where it
 * was; onClose then reports FAILED instead of trying the flush again.
 */
import { Agent } from '../../engine/agent/agent.js';
import { EV_SEQ } from '../../engine/protocol/event_layout.js';
import { SeqlockTable } from '../../engine/reference/seqlock_table.js';
import { RingConsumer } from '../../engine/ring/ring.js';
import { WorkerHealthReporter } from '../../engine/telemetry/worker_health.js';
import { WorkerState } from '../../engine/telemetry/worker_health_layout.js';
import { JOURNAL_PROGRESS_FIELDS, JournalProgressField } from '../../engine/reference/journal_progress.js';
import { JournalWriter } from './journal_writer.js';
import { systemClock } from '../../engine/agent/clock.js';
import { FlushLog } from '../../engine/telemetry/flush_log.js';

const HEARTBEAT_INTERVAL_MS = 50;

export class JournalAgent implements Agent {
  readonly roleName = 'journal';
  private durable_seq: number;
  private processed = 0;
  private next_heartbeat_ms = 0;
  private readonly progress_values = new Float64Array(JOURNAL_PROGRESS_FIELDS);

  /**
   * @param writer null in OMS_DURABILITY=none: events are released as soon as they are seen.
   * @param last_seq the last sequence recovered at start-up.
   */
  constructor(
    private readonly events: RingConsumer,
    private readonly writer: JournalWriter | null,
    private readonly progress: SeqlockTable,
    private readonly health: WorkerHealthReporter | null,
    last_seq: number,
    /** Where each flush's times go, for stage timing (null: not kept). */
    private readonly flush_log: FlushLog | null = null,
  ) {
    this.durable_seq = last_seq;
  }

  onStart(): void {
    this.publishProgress();
    this.health?.setState(WorkerState.RUNNING);
    this.heartbeat(Date.now());
  }

  doWork(): number {
    const available = this.events.available();
    let handled = 0;
    if (available > 0) {
      const ring = this.events.ring;
      if (this.writer === null) {
        handled = available;
        this.durable_seq = ring.f64[(this.events.slotAt(available - 1) + EV_SEQ) >> 3];
        if (this.flush_log !== null) {
          const released_us = systemClock.nowUs();
          this.flush_log.record(this.durable_seq, released_us, released_us, released_us);
        }
      } else {
        const writer = this.writer;
        while (handled < available && !writer.isFull()) {
          writer.append(ring, this.events.slotAt(handled));
          handled++;
        }
        writer.flush();
        this.durable_seq = writer.durable_seq;
        this.flush_log?.record(this.durable_seq, writer.last_write_start_us, writer.last_write_done_us, writer.last_sync_done_us);
      }
      this.processed += handled;
      this.publishProgress();
      this.events.release(handled);
    }
    const now = Date.now();
    if (now >= this.next_heartbeat_ms) this.heartbeat(now);
    return handled;
  }

  hasWork(): boolean {
    return this.events.available() > 0;
  }

  msUntilDeadline(): number {
    return Math.max(1, this.next_heartbeat_ms - Date.now());
  }

  onClose(): void {
    try {
      // After a failure this only lets go of the file; otherwise it writes and syncs the rest.
      this.writer?.close();
    } finally {
      if (this.writer !== null && this.writer.failure !== null) {
        this.health?.setState(WorkerState.FAILED);
      } else {
        this.publishProgress();
        this.health?.setState(WorkerState.STOPPED);
      }
    }
  }

  get durableSeq(): number {
    return this.durable_seq;
  }

  private publishProgress(): void {
    const values = this.progress_values;
    values[JournalProgressField.DURABLE_SEQ] = this.durable_seq;
    values[JournalProgressField.DURABLE_AT_MS] = Date.now();
    values[JournalProgressField.FLUSHES] = this.writer?.flushes ?? 0;
    values[JournalProgressField.BYTES_WRITTEN] = this.writer?.bytes_written ?? 0;
    values[JournalProgressField.LAST_FLUSH_US] = this.writer?.last_flush_us ?? 0;
    values[JournalProgressField.SEGMENTS_PREALLOCATED] = this.writer?.segments_preallocated ?? 0;
    values[JournalProgressField.SEGMENTS_APPENDED] = this.writer?.segments_appended ?? 0;
    values[JournalProgressField.SPARE_FAILURES] = this.writer?.spare_failures ?? 0;
    this.progress.write(0, values);
  }

  private heartbeat(now: number): void {
    this.next_heartbeat_ms = now + HEARTBEAT_INTERVAL_MS;
    this.health?.heartbeat(now);
    this.health?.progress(this.processed, this.events.available(), this.durable_seq);
  }
}
