/**
 * What every sink worker thread does around its broker target: build the sink agent from
 * workerData, run it until the main thread asks it to stop, and exit. The three entry
 * files (nats_sink_worker.ts, redis_sink_worker.ts, questdb_sink_worker.ts) only choose
 * the target.
 *
 * Stopping and crashing are the same for every async worker (services/runtime/
 * async_agent_thread.ts). On a stop the sink agent finishes the send in flight (each is
 * bounded by its timeout), closes the broker connection, and the thread exits with code
 * 0. An error the agent does not retry (journal damage, a bug) crashes the thread; the
 * supervisor restarts it and the new thread resumes from the cursor file.
 */
import path from 'node:path';
import { InstrumentSpec } from '../../engine/reference/instruments.js';
import { SeqlockTable } from '../../engine/reference/seqlock_table.js';
import { Doorbell } from '../../engine/ring/doorbell.js';
import { WorkerHealthBlock } from '../../engine/telemetry/worker_health.js';
import { WORKER_NAMES } from '../../engine/telemetry/worker_health_layout.js';
import { createLogger, Logger } from '../health/logger.js';
import { reportWorkerError } from '../health/worker_errors.js';
import { AsyncIdleStrategy } from '../runtime/async_agent.js';
import { FAULT_EXIT_CODE } from '../runtime/test_fault.js';
import { runAsyncAgentThread } from '../runtime/async_agent_thread.js';
import { OrderEventMapper } from './order_event_json.js';
import { SinkAgent, SinkTarget } from './sink_agent.js';
import { SinkCursor } from './sink_cursor.js';

export interface SinkWorkerCommonInit {
  /** OMS_DATA_DIR: the journal is read from <data_dir>/journal, the cursor kept in <data_dir>/cursors/<sink>.json. */
  readonly data_dir: string;
  readonly journal_progress: SharedArrayBuffer;
  readonly health: SharedArrayBuffer;
  readonly instruments: readonly InstrumentSpec[];
  /** Account names by index (no API keys needed here). */
  readonly account_names: readonly string[];
  /** Events per batch (default 512). */
  readonly max_batch?: number;
  /** Retry backoff: first wait and cap (defaults 100 ms and 5000 ms). */
  readonly retry_initial_ms?: number;
  readonly retry_max_ms?: number;
  /** Longest idle wait between journal polls (default 20 ms). */
  readonly idle_ms?: number;
  /**
   * Optional doorbell to park on instead of polling; whoever wants the sink to react at
   * once (the journal after a flush) rings it. Without one the sink polls every idle_ms.
   */
  readonly doorbell?: SharedArrayBuffer | null;
  readonly log_level?: string;
  /**
   * TEST FAULT ONLY (services/runtime/test_fault.ts): exit abruptly once the broker has
   * stored this many events, before the cursor is saved. 0 or absent: never.
   */
  readonly fault_exit_after_events?: number;
}

export interface SinkWorkerContext {
  readonly mapper: OrderEventMapper;
  readonly journal_dir: string;
  readonly log: Logger;
}

export function runSinkWorker<P>(
  init: SinkWorkerCommonInit,
  worker_id: number,
  makeTarget: (context: SinkWorkerContext) => SinkTarget<P>,
): void {
  const name = WORKER_NAMES[worker_id];
  const log = createLogger({ name, level: init.log_level ?? 'info' });
  const reporter = new WorkerHealthBlock(init.health).reporter(worker_id);
  const journal_dir = path.join(init.data_dir, 'journal');
  const mapper = new OrderEventMapper(init.instruments, init.account_names);
  const target = exitAfterStored(init.fault_exit_after_events ?? 0, makeTarget({ mapper, journal_dir, log }));
  const agent = new SinkAgent({
    target,
    cursor: new SinkCursor(init.data_dir, target.name),
    journal_dir,
    progress: new SeqlockTable(init.journal_progress),
    health: reporter,
    log,
    max_batch: init.max_batch,
    retry_initial_ms: init.retry_initial_ms,
    retry_max_ms: init.retry_max_ms,
    on_failure: reportWorkerError,
  });
  const idle = new AsyncIdleStrategy(init.doorbell ? new Doorbell(init.doorbell) : null, init.idle_ms ?? 20);
  runAsyncAgentThread(agent, idle, reporter, log, 'sink worker crashed');
}

/**
 * The test fault for sinks: the thread ends right after the broker acknowledged the batch
 * that reaches `after` events, before the agent saves its cursor. That is the worst moment
 * for a sink to die (the broker holds events the cursor does not), so the restart shows
 * that each target delivers them once (NATS: its tail check; Redis: absolute values;
 * QuestDB: its tables' dedup keys).
 */
function exitAfterStored<P>(after: number, target: SinkTarget<P>): SinkTarget<P> {
  if (after <= 0) return target;
  let stored_total = 0;
  const send = target.send.bind(target);
  target.send = async (prepared: P, from: number): Promise<number> => {
    const stored = await send(prepared, from);
    stored_total += stored;
    if (stored_total >= after) process.exit(FAULT_EXIT_CODE);
    return stored;
  };
  return target;
}
