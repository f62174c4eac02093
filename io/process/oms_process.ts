/**
 * The OMS process, wired in one place (the composition root), as a list of named steps in
 * the order they run. Each step is its own file in this folder:
 *
 *   0. the data directory's lock: one OMS per data directory      data_dir_lock.ts
 *   1. reference tables: instruments, accounts                     reference_tables.ts
 *   2. recovery: validate the journal, cut a torn tail, and plan
 *      once where every worker rebuilds from                       recovery.ts
 *   3. the io read model and admin state, rebuilt from the plan    read_model_recovery.ts
 *   4. shared memory: rings, doorbells, tables, health block,
 *      risk limits (bank 0, with saved overrides)                  allocate_shared_memory.ts
 *   5. engine worker (rebuilds from the plan, then runs the loop)  start_engine.ts
 *   6. journal worker (appends from last_seq + 1)                  start_journal.ts
 *   7. services: market data, PnL, sinks (supervised)              start_services.ts
 *   8. the io link to the engine                                   start_engine_link.ts
 *      and, if recovery did not reproduce the engine's state,
 *      trading HALTED before any order can arrive                  recovery_divergence.ts
 *   9. the snapshot scheduler                                      start_snapshots.ts
 *  10. HTTP and WebSocket servers                                  start_servers.ts
 *  11. fail-stop if the engine or journal dies                    fail_stop.ts
 *
 * and stops in the reverse order (shutdown.ts), within OMS_SHUTDOWN_TIMEOUT_MS.
 */
import type { Logger } from 'pino';
import { disableMemoryReducer } from '../../engine/agent/quiet_heap.js';
import type { OmsConfig } from '../config/oms_config.js';
import type { IoContext } from '../io_context.js';
import { allocateSharedMemory } from './allocate_shared_memory.js';
import { lockDataDir } from './data_dir_lock.js';
import { failStopOnOrderPathDeath } from './fail_stop.js';
import { rebuildReadModel } from './read_model_recovery.js';
import { recover } from './recovery.js';
import { haltIfRecoveryDiverged } from './recovery_divergence.js';
import { loadReferenceTables } from './reference_tables.js';
import { shutdownSequence } from './shutdown.js';
import { startEngine } from './start_engine.js';
import { startEngineLink } from './start_engine_link.js';
import { startJournal } from './start_journal.js';
import { startServers } from './start_servers.js';
import { startServices } from './start_services.js';
import { startSnapshots } from './start_snapshots.js';

export interface OmsHandle {
  readonly port: number;
  readonly transport: 'uws' | 'node:http';
  readonly context: IoContext;
  /** Graceful shutdown; resolves when everything is stopped. */
  stop(reason: string): Promise<void>;
}

export async function startOms(config: OmsConfig, log: Logger): Promise<OmsHandle> {
  disableMemoryReducer(); // before any worker's heap exists (see quiet_heap.ts)
  const lock = lockDataDir(config.data_dir);
  try {
    return await startLocked(config, log, lock.release);
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function startLocked(config: OmsConfig, log: Logger, unlock: () => void): Promise<OmsHandle> {
  const tables = loadReferenceTables(config);
  const recovery = recover(config, log);
  const read_model = rebuildReadModel(config, recovery, log);
  const memory = allocateSharedMemory(config, tables);
  const engine = await startEngine(config, tables, memory, recovery, log);
  const journal = await startJournal(config, memory, recovery, log);
  const services = startServices(config, tables, memory, recovery, log);
  const link = startEngineLink(config, memory, read_model);
  await haltIfRecoveryDiverged(config, new Float64Array(memory.buffers.engine_counters), link, log);
  const snapshots = startSnapshots({ config, tables, memory, recovery, read_model, services, link, log });
  const front = await startServers({ config, tables, memory, read_model, services, link, snapshots, log });
  failStopOnOrderPathDeath({ engine, journal, health: memory.health, link, log, exit_after_ms: config.fail_stop_exit_ms });
  const stop_sequence = shutdownSequence({ config, log, memory, read_model, engine, journal, services, link, snapshots, front });
  const stop = async (reason: string): Promise<void> => {
    await stop_sequence(reason);
    unlock();
  };
  return { port: front.server.port, transport: front.server.transport, context: front.context, stop };
}
