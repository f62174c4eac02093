/**
 * Entry point of the market-data worker thread: runs the market-data agent until the main
 * thread sets the stop flag and posts {type: 'stop'} (WorkerSupervisor.stop; the thread
 * around the agent is services/runtime/async_agent_thread.ts).
 */
import { workerData } from 'node:worker_threads';
import { InstrumentSpec, InstrumentTable } from '../../engine/reference/instruments.js';
import { SeqlockTable } from '../../engine/reference/seqlock_table.js';
import { Doorbell } from '../../engine/ring/doorbell.js';
import { WorkerHealthBlock } from '../../engine/telemetry/worker_health.js';
import { WorkerId } from '../../engine/telemetry/worker_health_layout.js';
import { createLogger } from '../health/logger.js';
import { reportWorkerError } from '../health/worker_errors.js';
import { AsyncIdleStrategy } from '../runtime/async_agent.js';
import { runAsyncAgentThread } from '../runtime/async_agent_thread.js';
import { exitAfter } from '../runtime/test_fault.js';
import { MarketDataAgent } from './market_data_agent.js';

export interface MarketDataWorkerInit {
  readonly instruments: readonly InstrumentSpec[];
  readonly marks: SharedArrayBuffer;
  /** Doorbells rung after each mark write if their owner is parked: the engine's. */
  readonly wake: readonly SharedArrayBuffer[];
  readonly health: SharedArrayBuffer;
  /** OMS_MARKET_DATA. */
  readonly source: 'sim' | 'nats';
  /** NATS_URL, required for source 'nats'. */
  readonly nats_url?: string | null;
  /** Per-symbol update period of the simulated ticker (default 100 ms). */
  readonly interval_ms?: number;
  readonly log_level?: string;
  /** TEST FAULT ONLY (services/runtime/test_fault.ts): exit abruptly after this many marks. 0 or absent: never. */
  readonly fault_exit_after_marks?: number;
}

const init = workerData as MarketDataWorkerInit;
const log = createLogger({ name: 'market_data', level: init.log_level ?? 'info' });
const reporter = new WorkerHealthBlock(init.health).reporter(WorkerId.MARKET_DATA);
const agent = new MarketDataAgent({
  instruments: new InstrumentTable(init.instruments),
  marks: new SeqlockTable(init.marks),
  wake: init.wake.map((b) => new Doorbell(b)),
  health: reporter,
  log,
  source: init.source,
  nats_url: init.nats_url ?? null,
  interval_ms: init.interval_ms,
  on_failure: reportWorkerError,
});
const idle = new AsyncIdleStrategy(null, 100);
const stop = { stopRequested: exitAfter(init.fault_exit_after_marks ?? 0, () => agent.processed, () => reporter.stopRequested()) };
runAsyncAgentThread(agent, idle, stop, log, 'market-data worker crashed');
