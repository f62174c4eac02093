/**
 * Start-up step 9: the snapshot scheduler (none with OMS_DURABILITY=none: no journal to
 * snapshot). Each snapshot starts from the newest one known to be whole, the recovery
 * plan's at first (recovery.verified), and becomes that one once written and read back.
 */
import type { Logger } from 'pino';
import { WorkerId, WorkerState } from '../../engine/telemetry/worker_health_layout.js';
import { Durability } from '../../services/journal/durability.js';
import { SnapshotScheduler } from '../../services/snapshot/snapshot_scheduler.js';
import type { OmsConfig } from '../config/oms_config.js';
import type { EngineLink } from '../engine_link/engine_link.js';
import type { SharedMemory } from './allocate_shared_memory.js';
import type { ReadModel } from './read_model_recovery.js';
import type { Recovery } from './recovery.js';
import type { ReferenceTables } from './reference_tables.js';
import type { Services } from './start_services.js';

/** Snapshots kept on disk: the newest and the one before it, the fallback if the newest is damaged. */
const KEEP_SNAPSHOTS = 2;

export interface SnapshotWiring {
  readonly config: OmsConfig;
  readonly tables: ReferenceTables;
  readonly memory: SharedMemory;
  readonly recovery: Recovery;
  readonly read_model: ReadModel;
  readonly services: Services;
  readonly link: EngineLink;
  readonly log: Logger;
}

export function startSnapshots(w: SnapshotWiring): SnapshotScheduler | null {
  const { config, tables, memory } = w;
  if (config.durability === Durability.NONE) {
    memory.health.setState(WorkerId.SNAPSHOT, WorkerState.DISABLED);
    return null;
  }
  // Off the order path: the pool's thread takes it when it records its id (snapshot_task.ts).
  memory.health.setThreadNice(WorkerId.SNAPSHOT, config.background_nice);
  const scheduler = new SnapshotScheduler({
    link: w.link,
    health: memory.health,
    log: w.log,
    interval_events: config.snapshot_interval_events,
    durable_seq: () => w.read_model.store.last_seq,
    verified: w.recovery.verified,
    errors: w.services.errors,
    task_base: {
      data_dir: config.data_dir,
      capacity: {
        accounts: tables.accounts.count,
        symbols: tables.instruments.count,
        max_open_orders: config.engine.max_open_orders,
        dedupe_window: config.engine.dedupe_window,
      },
      notional_scale: tables.instruments.instruments.map((i) => i.notional_scale),
      order_history: config.order_history,
      sink_cursor_files: w.services.sink_cursor_files,
      keep_snapshots: KEEP_SNAPSHOTS,
      session_end_utc_minutes: config.session_end_utc_minutes,
    },
  });
  scheduler.start();
  return scheduler;
}
