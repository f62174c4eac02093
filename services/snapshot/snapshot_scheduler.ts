/**
 * Decides when to snapshot and drives it, on the main thread: every
 * OMS_SNAPSHOT_INTERVAL_EVENTS durable events (or on demand), it asks the engine for its
 * state hash through the command ring (a STATE_HASH event, journaled like any other),
 * waits until that event is durable, then hands the work to the piscina pool. The
 * engine pauses only for the hash (time in proportion to open orders); everything else
 * happens on the pool's thread.
 */
import type { Piscina } from 'piscina';
import type { Logger } from 'pino';
import { RejectCode } from '../../engine/protocol/reject_codes.js';
import { WorkerHealthBlock } from '../../engine/telemetry/worker_health.js';
import { WorkerId, WorkerState } from '../../engine/telemetry/worker_health_layout.js';
import type { CommandWriter } from '../../engine/protocol/command_writer.js';
import type { ReplyRecord } from '../../engine/protocol/event_record.js';
import type { SnapshotTaskInput, SnapshotTaskResult } from './snapshot_task.js';
import type { VerifiedSnapshot } from './verified_snapshot.js';
import type { WorkerErrors } from '../health/worker_errors.js';
import { createSnapshotPool } from './snapshot_pool.js';

const CHECK_INTERVAL_MS = 1000;

/** The engine's ring had no room for the STATE_HASH command: try again shortly. */
export class SnapshotBusyError extends Error {
  constructor() {
    super('the engine is busy; the snapshot will be retried');
    this.name = 'SnapshotBusyError';
  }
}

/**
 * What the scheduler needs of the io thread's link to the engine: write one command and
 * hear its reply. 'busy' means nothing was sent. (io/engine_link's EngineLink is one.)
 */
export interface EngineCommandSubmitter {
  submit(write: (writer: CommandWriter, request_id: number) => boolean, handler: (reply: ReplyRecord) => void): 'ok' | 'busy';
}

export interface SnapshotSchedulerOptions {
  readonly link: EngineCommandSubmitter;
  readonly health: WorkerHealthBlock;
  readonly log: Logger;
  readonly interval_events: number;
  readonly task_base: Omit<SnapshotTaskInput, 'target_seq' | 'expected_hash' | 'base'>;
  /** The durable sequence right now. */
  readonly durable_seq: () => number;
  /**
   * The newest snapshot known to be whole (the recovery plan's at start-up): each task
   * starts from it, and each snapshot the task verifies becomes it.
   */
  readonly verified: VerifiedSnapshot;
  /** Where a failed snapshot's reason is kept for /health (absent: not kept). */
  readonly errors?: WorkerErrors | null;
}

export class SnapshotScheduler {
  private readonly pool: Piscina;
  private readonly options: SnapshotSchedulerOptions;
  private running: Promise<SnapshotTaskResult> | null = null;
  private timer: NodeJS.Timeout | undefined;
  private taken = 0;
  private failures = 0;

  constructor(options: SnapshotSchedulerOptions) {
    this.options = options;
    this.pool = createSnapshotPool();
    const reporter = options.health.reporter(WorkerId.SNAPSHOT);
    reporter.setState(WorkerState.RUNNING);
    reporter.progress(0, 0, options.verified.seq);
    reporter.heartbeat(Date.now());
  }

  start(): void {
    if (this.options.interval_events <= 0) return;
    this.timer = setInterval(() => {
      const reporter = this.options.health.reporter(WorkerId.SNAPSHOT);
      reporter.heartbeat(Date.now());
      const last_seq = this.options.verified.seq;
      reporter.progress(this.taken, Math.max(0, this.options.durable_seq() - last_seq), last_seq);
      if (this.running === null && this.options.durable_seq() - last_seq >= this.options.interval_events) {
        this.snapshotNow().catch(() => { /* logged in snapshotNow */ });
      }
    }, CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  /** Takes a snapshot now (or joins the one running). */
  snapshotNow(): Promise<SnapshotTaskResult> {
    this.running ??= this.take().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  async close(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    if (this.running !== null) await this.running.catch(() => undefined);
    await this.pool.destroy();
    this.options.health.setState(WorkerId.SNAPSHOT, WorkerState.STOPPED);
  }

  private async take(): Promise<SnapshotTaskResult> {
    const { link, log, health, verified } = this.options;
    const marker = await new Promise<{ seq: number; hash: number }>((resolve, reject) => {
      const submitted = link.submit((w, id) => w.stateHash(id), (reply) => {
        if (reply.code !== RejectCode.OK) reject(new Error(`the engine refused STATE_HASH: ${reply.code}`));
        else resolve({ seq: reply.last_seq, hash: reply.arg });
      });
      if (submitted === 'busy') reject(new SnapshotBusyError());
    });
    try {
      const input: SnapshotTaskInput = {
        ...this.options.task_base, base: verified.latest, target_seq: marker.seq, expected_hash: marker.hash, health_buffer: health.buffer,
      };
      const result = (await this.pool.run(input)) as SnapshotTaskResult;
      verified.advance({ path: result.file, seq: result.seq });
      this.taken++;
      health.setState(WorkerId.SNAPSHOT, WorkerState.RUNNING);
      log.info({ seq: result.seq, bytes: result.bytes, ms: result.ms, open_orders: result.open_orders, retired_segments: result.retired_segments.length, base_from: result.base_from,
        workspace_uses: result.workspace_uses, held_array_buffer_bytes: result.held_array_buffer_bytes },
        'snapshot written and verified');
      for (const hold of result.disabled_sink_holds) {
        log.warn({ cursor_file: hold.file, cursor_seq: hold.seq, segments_held: hold.segments_held },
          'a sink that is not enabled holds back journal segments through its cursor: delete the cursor file if that sink is not coming back (services/snapshot/RETENTION.md)');
      }
      return result;
    } catch (error) {
      this.failures++;
      health.reporter(WorkerId.SNAPSHOT).addErrors(1);
      health.setState(WorkerId.SNAPSHOT, WorkerState.DEGRADED);
      this.options.errors?.record(WorkerId.SNAPSHOT, `snapshot at sequence ${marker.seq} failed: ${(error as Error).message}`);
      log.error({ err: error, seq: marker.seq }, 'snapshot failed; the journal is kept whole until one succeeds');
      throw error;
    }
  }
}
