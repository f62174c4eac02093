/**
 * Start-up step 4: every SharedArrayBuffer the threads share (engine/shared_memory.ts is
 * the map of who writes what), and the main thread's views of the ones it reads or
 * writes itself. The risk limits are written into bank 0 here, with any overrides an
 * operator saved, before the engine that reads them starts.
 */
import { RiskLimits } from '../../engine/reference/risk_limits.js';
import { SeqlockTable } from '../../engine/reference/seqlock_table.js';
import { allocateOmsBuffers, OmsBuffers } from '../../engine/shared_memory.js';
import { WorkerHealthBlock } from '../../engine/telemetry/worker_health.js';
import { Durability } from '../../services/journal/durability.js';
import { LimitsManager } from '../admin/limits_manager.js';
import type { OmsConfig } from '../config/oms_config.js';
import type { ReferenceTables } from './reference_tables.js';

export interface SharedMemory {
  readonly buffers: OmsBuffers;
  readonly health: WorkerHealthBlock;
  /** "Durable up to seq", written by the journal worker. */
  readonly journal_progress: SeqlockTable;
  /** The mark table (written by the io thread itself with OMS_MARKET_DATA=manual). */
  readonly marks: SeqlockTable;
  /** Both limits banks; bank 0 is live at start. */
  readonly limits: LimitsManager;
}

export function allocateSharedMemory(config: OmsConfig, tables: ReferenceTables): SharedMemory {
  const { instruments, accounts } = tables;
  const buffers = allocateOmsBuffers(config.engine, accounts.count, instruments.count);
  const journal_progress = new SeqlockTable(buffers.journal_progress);
  const health = new WorkerHealthBlock(buffers.health);
  // OMS_DURABILITY=none writes nothing to disk, saved limit overrides included.
  const limits = new LimitsManager([new RiskLimits(buffers.limits[0]), new RiskLimits(buffers.limits[1])], instruments, accounts,
    config.durability === Durability.NONE ? null : config.data_dir);
  limits.initialize();
  return { buffers, health, journal_progress, marks: new SeqlockTable(buffers.marks), limits };
}
