/**
 * Start-up step 7: the service workers off the order path (market data, PnL, sinks), each
 * under a supervisor that restarts it when it crashes (service_workers.ts says which run).
 */
import path from 'node:path';
import type { Logger } from 'pino';
import { SharedRing } from '../../engine/ring/ring.js';
import { EventConsumer } from '../../engine/shared_memory.js';
import { WorkerState } from '../../engine/telemetry/worker_health_layout.js';
import { WorkerErrors } from '../../services/health/worker_errors.js';
import { WorkerSupervisor } from '../../services/supervisor/worker_supervisor.js';
import type { OmsConfig } from '../config/oms_config.js';
import type { SharedMemory } from './allocate_shared_memory.js';
import type { Recovery } from './recovery.js';
import type { ReferenceTables } from './reference_tables.js';
import { serviceWorkerSpecs } from './service_workers.js';

export interface Services {
  readonly supervisors: readonly WorkerSupervisor[];
  /** The service workers this configuration runs, by health name. */
  readonly names: readonly string[];
  /**
   * Cursor files of the enabled sinks: the snapshot task keeps the journal they still need
   * (all of it while one is missing). Cursor files of sinks not enabled now hold the
   * journal too, found on disk by the task (services/snapshot/journal_retention.ts).
   */
  readonly sink_cursor_files: readonly string[];
  /** The last error of each service worker (and of the snapshot task), for /health. */
  readonly errors: WorkerErrors;
}

export function startServices(config: OmsConfig, tables: ReferenceTables, memory: SharedMemory, recovery: Recovery, log: Logger): Services {
  const { buffers, health } = memory;
  // The PnL worker attaches its event-ring position when it runs; until then (and while
  // it is down) that position must not hold the ring back.
  new SharedRing(buffers.events).detach(EventConsumer.PNL);
  const specs = serviceWorkerSpecs({ config, buffers, ...tables, recovery: recovery.plan, verified: recovery.verified });
  for (const id of specs.disabled) health.setState(id, WorkerState.DISABLED);
  // Off the order path: their threads yield to a woken io, engine or journal thread.
  for (const spec of specs.enabled) health.setThreadNice(spec.worker_id, config.background_nice);
  const errors = new WorkerErrors();
  const supervisors = specs.enabled.map((spec) => new WorkerSupervisor(spec, health, log, errors));
  for (const supervisor of supervisors) supervisor.start();
  return {
    supervisors,
    names: specs.enabled.map((spec) => spec.name),
    errors,
    sink_cursor_files: specs.enabled.filter((spec) => spec.name.startsWith('sink_'))
      .map((spec) => path.join(config.data_dir, 'cursors', `${spec.name.slice('sink_'.length)}.json`)),
  };
}
