/**
 * Start-up step 2: recovery, decided once. Validates the journal (a torn tail left by a
 * crash is cut at the last whole record), then chooses where to start (planRecovery: the
 * newest snapshot that reads back whole and that the journal continues). The result is
 * handed to every part that rebuilds state: the io read model (read_model_recovery.ts),
 * the engine worker (start_engine.ts), the PnL worker (through `verified`, see
 * service_workers.ts) and the snapshot task (start_snapshots.ts). None of them looks for a
 * snapshot on its own, so a damaged newest snapshot that recovery skipped is skipped by all.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { Durability } from '../../services/journal/durability.js';
import { JournalScan, scanJournal } from '../../services/journal/journal_reader.js';
import type { ColumnarFile } from '../../services/snapshot/columnar_file.js';
import { planRecovery, RecoveryPlan, recoveryPlanOf } from '../../services/snapshot/recovery_plan.js';
import { VerifiedSnapshot } from '../../services/snapshot/verified_snapshot.js';
import type { OmsConfig } from '../config/oms_config.js';

export interface Recovery {
  readonly journal_dir: string;
  /** The journal's last sequence after validation: the journal worker writes from last_seq + 1. */
  readonly last_seq: number;
  /** Journal segment files found. */
  readonly segments: number;
  /** Where every worker starts: plain data, for workerData. */
  readonly plan: RecoveryPlan;
  /** The plan's snapshot, opened and checked (null without one): the read model loads from it. */
  readonly snapshot_file: ColumnarFile | null;
  /** The newest snapshot known to be whole: the plan's now, then each one the snapshot task verifies. */
  readonly verified: VerifiedSnapshot;
}

export function recover(config: OmsConfig, log: Logger): Recovery {
  const journal_dir = path.join(config.data_dir, 'journal');
  fs.mkdirSync(config.data_dir, { recursive: true });
  let scan: JournalScan = { segments: [], last_seq: 0, torn: null };
  if (config.durability !== Durability.NONE) {
    scan = scanJournal(journal_dir, { repair: true });
    if (scan.torn !== null) {
      log.warn({ file: scan.torn.path, offset: scan.torn.offset, bytes_cut: scan.torn.bytes_cut },
        'journal ended in a torn record (a crash interrupted an unacknowledged write); cut it at the last whole record');
    }
  }
  const startup = planRecovery(config.data_dir, scan);
  for (const skipped of startup.skipped) log.warn(skipped, 'snapshot skipped during recovery');
  const plan = recoveryPlanOf(startup);
  return {
    journal_dir,
    last_seq: scan.last_seq,
    segments: scan.segments.length,
    plan,
    snapshot_file: startup.file,
    verified: new VerifiedSnapshot(plan.snapshot),
  };
}
