/**
 * The durable echo's journal: the product's own journal worker
 * (services/journal/journal_worker.ts) running in the echo server's process, over an
 * event ring of its own. It does for the echo exactly what it does for the OMS: appends
 * every event published on the ring, writes them with one write and (fsync mode) one
 * fdatasync per batch (group commit, the same writer and segment handling), publishes
 * "durable up to" in the journal progress table, releases the slots and rings the
 * echo's doorbell.
 *
 * Ring size and journal settings are the OMS's, from the same environment (OMS_ENGINE_*,
 * OMS_JOURNAL_*; io/config/oms_config.ts), so both servers of a pair write alike.
 */
import { Worker } from 'node:worker_threads';
import { loadOmsConfig } from '../../io/config/oms_config.js';
import { EVENT_SLOT_BYTES } from '../../engine/protocol/event_layout.js';
import { allocateJournalProgress } from '../../engine/reference/journal_progress.js';
import { SeqlockTable } from '../../engine/reference/seqlock_table.js';
import { Doorbell } from '../../engine/ring/doorbell.js';
import { SharedRing } from '../../engine/ring/ring.js';
import { WorkerHealthBlock } from '../../engine/telemetry/worker_health.js';
import { WorkerId, WorkerState } from '../../engine/telemetry/worker_health_layout.js';
import { Durability } from '../../services/journal/durability.js';
import type { JournalWorkerInit } from '../../services/journal/journal_worker.js';

const JOURNAL_WORKER = new URL('../../services/journal/journal_worker.js', import.meta.url);
/** The event ring's only consumer: the journal. */
const JOURNAL_CONSUMER = 0;
/** Polls of the ring before the journal parks, as the OMS starts it (io/process/start_journal.ts). */
const JOURNAL_SPIN_LIMIT = 200;
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 10_000;

export class EchoJournal {
  /** The journal's progress: "durable up to" (engine/reference/journal_progress.ts). */
  readonly progress: SeqlockTable;
  private failure: Error | null = null;
  private stopping = false;
  private readonly exited: Promise<number>;

  private constructor(
    /** The event ring; the echo's main thread is its producer. */
    readonly events: SharedRing,
    /** The journal parks on it; the echo rings it when it publishes. */
    readonly journal_doorbell: Doorbell,
    /** The echo's main thread parks on it; the journal rings it when it releases. */
    readonly echo_doorbell: Doorbell,
    progress: SeqlockTable,
    private readonly health: WorkerHealthBlock,
    private readonly worker: Worker,
  ) {
    this.progress = progress;
    worker.on('error', (error) => { this.failure = error; });
    this.exited = new Promise((resolve) => worker.once('exit', resolve));
  }

  /** Starts the journal worker writing to `<data_dir>/journal` (a fresh directory: writing starts at sequence 1). */
  static async start(data_dir: string, durability: Durability): Promise<EchoJournal> {
    const config = loadOmsConfig(process.env);
    const events = SharedRing.create(config.engine.event_ring_capacity, EVENT_SLOT_BYTES, 1);
    const journal_doorbell = new Doorbell();
    const echo_doorbell = new Doorbell();
    const progress = allocateJournalProgress();
    const health = new WorkerHealthBlock();
    const init: JournalWorkerInit = {
      events: events.buffer,
      consumer: JOURNAL_CONSUMER,
      own_doorbell: journal_doorbell.buffer,
      wake_on_release: [echo_doorbell.buffer],
      // The echo's main thread is also the producer a release may free space for.
      engine_doorbell: echo_doorbell.buffer,
      data_dir,
      durability,
      segment_bytes: config.journal_segment_bytes,
      buffer_records: config.journal_buffer_records,
      last_seq: 0,
      progress: progress.buffer,
      health: health.buffer,
      spin_limit: JOURNAL_SPIN_LIMIT,
    };
    const journal = new EchoJournal(events, journal_doorbell, echo_doorbell, progress, health,
      new Worker(JOURNAL_WORKER, { workerData: init, name: 'journal' }));
    await journal.untilRunning();
    return journal;
  }

  /** The journal worker's Linux thread id, recorded when it announced STARTING (null: unknown). */
  osTid(): number | null {
    return this.health.view(WorkerId.JOURNAL).os_tid;
  }

  /** Called once if the worker fails or exits without being asked to: nothing would become durable any more. */
  onFailure(listener: (reason: string) => void): void {
    this.worker.on('error', (error) => listener(`journal worker failed: ${error.message}`));
    this.worker.on('exit', (code) => {
      if (!this.stopping) listener(`journal worker exited unasked (code ${code})`);
    });
  }

  /** Asks the journal to finish: it drains the ring, flushes, closes its segment (fsync mode: fsyncs it) and exits. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.health.requestStop(WorkerId.JOURNAL);
    this.journal_doorbell.wake();
    const timer = setTimeout(() => void this.worker.terminate(), STOP_TIMEOUT_MS);
    await this.exited;
    clearTimeout(timer);
  }

  private async untilRunning(): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (this.health.state(WorkerId.JOURNAL) !== WorkerState.RUNNING) {
      if (this.failure !== null) throw new Error(`journal worker failed to start: ${this.failure.message}`);
      if (Date.now() > deadline) throw new Error(`journal worker not running after ${START_TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}
