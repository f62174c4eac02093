/**
 * Start-up step 5: the engine worker. Its start record is built from the shared buffers
 * (engineInitFor) plus the recovery plan; the worker rebuilds its state from the plan (the
 * plan's snapshot, then the journal range after it) before it reports RUNNING.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { engineInitFor } from '../../engine/engine_factory.js';
import type { OmsBuffers } from '../../engine/shared_memory.js';
import { EngineCounter } from '../../engine/telemetry/engine_counters.js';
import { WorkerId } from '../../engine/telemetry/worker_health_layout.js';
import type { OmsConfig } from '../config/oms_config.js';
import type { SharedMemory } from './allocate_shared_memory.js';
import type { EngineWarmUpMessage, EngineWorkerData } from './engine_worker.js';
import type { Recovery } from './recovery.js';
import type { ReferenceTables } from './reference_tables.js';
import { waitForWorker } from './worker_lifecycle.js';

export const ENGINE_WORKER_URL = new URL('./engine_worker.js', import.meta.url);

export async function startEngine(config: OmsConfig, tables: ReferenceTables, memory: SharedMemory, recovery: Recovery, log: Logger): Promise<Worker> {
  const init: EngineWorkerData = {
    ...engineInitFor(memory.buffers, {
      config: config.engine,
      accounts: tables.accounts.count,
      notional_scale: tables.instruments.instruments.map((i) => i.notional_scale),
      active_limits_bank: memory.limits.activeBank,
      event_wake: eventWake(config, memory.buffers),
      // The journal rings the io thread once events are durable; replies need not as well.
      replies_wait_for_journal: config.durability !== 'none',
    }),
    recovery: { plan: recovery.plan, journal_dir: recovery.journal_dir },
    fault_exit_after_commands: config.fault_engine_exit_after_commands,
  };
  const worker = new Worker(ENGINE_WORKER_URL, { workerData: init, name: 'engine' });
  worker.on('message', (message: { type?: unknown }) => {
    if (message?.type === 'engine_warm_up') logEngineWarmUp(message as EngineWarmUpMessage, log);
  });
  await waitForWorker(worker, memory.health, WorkerId.ENGINE, 'engine', log);
  logRecoveryMarkers(new Float64Array(memory.buffers.engine_counters), log);
  return worker;
}

/**
 * What recovery found at the STATE_HASH markers it replayed (engine/state/
 * state_hash_markers.ts). A mismatch means the journal does not rebuild the state the
 * engine had: logged at error and served on GET /admin/state-hash, and the OMS starts with
 * trading HALTED unless told to trade on (recovery_divergence.ts).
 */
function logRecoveryMarkers(counters: Float64Array, log: Logger): void {
  const found = {
    markers_matched: counters[EngineCounter.RECOVERY_MARKERS_MATCHED],
    markers_mismatched: counters[EngineCounter.RECOVERY_MARKERS_MISMATCHED],
    last_marker_seq: counters[EngineCounter.RECOVERY_LAST_MARKER_SEQ],
    last_marker_hash: counters[EngineCounter.RECOVERY_LAST_MARKER_HASH],
  };
  if (found.markers_mismatched > 0) {
    log.error({ ...found, first_mismatch_seq: counters[EngineCounter.RECOVERY_FIRST_MISMATCH_SEQ] },
      'recovery did not reproduce the state hash at every marker it replayed: the recovered state differs from the one the engine had');
  } else if (found.markers_matched > 0) {
    log.info(found, 'recovery reproduced the state hash at every marker it replayed');
  }
}

/**
 * What the engine's start-up warm-up cost (engine/warm_up.ts). A warm-up order refused
 * warms less of the hot loop, so the first real orders may be slow again: said at warn.
 */
export function logEngineWarmUp(warm_up: Omit<EngineWarmUpMessage, 'type'>, log: Pick<Logger, 'info' | 'warn'>): void {
  const found = { orders: warm_up.orders, refused: warm_up.refused, elapsed_ms: Math.round(warm_up.elapsed_ms) };
  if (warm_up.refused > 0) {
    log.warn(found, 'the engine warm-up had orders refused: its hot loop is less compiled than it should be before the first real order');
  } else {
    log.info(found, 'the engine warmed up its hot loop before the first real order');
  }
}

/**
 * Who the engine rings after publishing events. With a journal to write (fsync, write),
 * the journal: it reads right behind the engine and rings the io thread once events are
 * durable. With durability none only the io thread, which then reads behind the engine:
 * events that come with no reply, such as fills of resting orders when the market moves,
 * must wake it from here. The journal then has nothing to write and only releases slots,
 * so it polls in naps no one rings (start_journal.ts) instead of costing a wake-up per
 * order; only once idle does it park announced, and then the engine's next event rings it.
 */
export function eventWake(config: Pick<OmsConfig, 'durability'>, buffers: Pick<OmsBuffers, 'journal_doorbell' | 'io_doorbell'>): SharedArrayBuffer[] {
  return config.durability === 'none' ? [buffers.io_doorbell, buffers.journal_doorbell] : [buffers.journal_doorbell];
}
