/**
 * Entry point of the journal worker thread. Runs the journal agent until the main thread
 * asks it to stop; it then drains whatever is still on the ring (the engine is stopped
 * first), closes the segment with a final fsync and exits. It starts one thread of its
 * own, which zeroes the next journal segment ahead of time (spare_segment_thread.ts).
 *
 * Fail-stop: if the journal cannot write or fsync (or cannot start), the worker marks
 * itself FAILED in the health block and exits non-zero with the reason as its error, which
 * the main thread logs; the OMS stops being ready and its supervisor restarts it. Nothing
 * is retried (journal_failure.ts).
 */
import path from 'node:path';
import { workerData } from 'node:worker_threads';
import { runAgent } from '../../engine/agent/agent.js';
import { SeqlockTable } from '../../engine/reference/seqlock_table.js';
import { Doorbell } from '../../engine/ring/doorbell.js';
import { NapPolicy, SpinThenParkIdleStrategy } from '../../engine/ring/idle_strategy.js';
import { RingConsumer, SharedRing } from '../../engine/ring/ring.js';
import { WorkerHealthBlock } from '../../engine/telemetry/worker_health.js';
import { WorkerId, WorkerState } from '../../engine/telemetry/worker_health_layout.js';
import { Durability } from './durability.js';
import { JournalAgent } from './journal_agent.js';
import { JournalWriter } from './journal_writer.js';
import { SpareSegmentThread } from './spare_segment_thread.js';
import { FlushLog } from '../../engine/telemetry/flush_log.js';
import { exitAfter } from '../runtime/test_fault.js';

export interface JournalWorkerInit {
  readonly events: SharedArrayBuffer;
  readonly consumer: number;
  readonly own_doorbell: SharedArrayBuffer;
  /** Rung after each release: the io and PnL readers behind the journal. */
  readonly wake_on_release: readonly SharedArrayBuffer[];
  /** The engine's doorbell, rung when a release frees space it may be waiting for. */
  readonly engine_doorbell: SharedArrayBuffer;
  readonly data_dir: string;
  readonly durability: Durability;
  readonly segment_bytes: number;
  readonly buffer_records: number;
  /** Last sequence in the journal after recovery; writing starts at last_seq + 1. */
  readonly last_seq: number;
  readonly progress: SharedArrayBuffer;
  readonly health: SharedArrayBuffer;
  readonly spin_limit: number;
  /** Longest park without a ring (default 50 ms): its heartbeat tick. */
  readonly park_timeout_ms?: number;
  /** Poll in naps no one rings while events come (durability none: the engine rings it only once it sleeps). */
  readonly naps?: NapPolicy;
  /** The flush log (engine/telemetry/flush_log.ts), for stage timing; absent: not kept. */
  readonly flush_log?: SharedArrayBuffer;
  /** TEST FAULT ONLY (services/runtime/test_fault.ts): exit abruptly after this many events were made durable. 0 or absent: never. */
  readonly fault_exit_after_events?: number;
}

const init = workerData as JournalWorkerInit;
const health = new WorkerHealthBlock(init.health);
const reporter = health.reporter(WorkerId.JOURNAL);
reporter.setState(WorkerState.STARTING);
try {
  const consumer = new RingConsumer(new SharedRing(init.events), init.consumer, init.wake_on_release.map((b) => new Doorbell(b)),
    undefined, new Doorbell(init.engine_doorbell));
  let writer: JournalWriter | null = null;
  if (init.durability !== Durability.NONE) {
    const directory = path.join(init.data_dir, 'journal');
    writer = new JournalWriter({
      directory,
      durability: init.durability,
      segment_bytes: init.segment_bytes,
      buffer_records: init.buffer_records,
      // The next segment is zeroed on a thread of its own; the writer closes it (journal_writer.ts).
      spares: new SpareSegmentThread(directory, init.segment_bytes),
    });
    writer.open(init.last_seq + 1);
  }
  const agent = new JournalAgent(consumer, writer, new SeqlockTable(init.progress), reporter, init.last_seq,
    init.flush_log === undefined ? null : new FlushLog(init.flush_log));
  const idle = new SpinThenParkIdleStrategy(new Doorbell(init.own_doorbell), init.spin_limit, init.park_timeout_ms ?? 50, undefined, init.naps);
  // Stop only once asked and the ring is empty: the engine has stopped, so nothing more comes.
  runAgent(agent, idle, exitAfter(init.fault_exit_after_events ?? 0, () => agent.durableSeq - init.last_seq,
    () => reporter.stopRequested() && consumer.available() === 0));
} catch (error) {
  reporter.setState(WorkerState.FAILED);
  // Rethrown: the worker exits with code 1 and the main thread receives the error.
  throw error;
}
