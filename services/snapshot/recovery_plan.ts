/**
 * Where recovery starts: the newest snapshot that reads back intact and that the journal
 * continues without a gap, or the beginning of the journal. A damaged newest snapshot is
 * skipped (with a reason) in favour of the one before it; a journal that does not
 * connect to any usable start point stops the OMS with a precise error.
 *
 * The plan is computed once, on the main thread at start-up (`planRecovery`), and handed
 * to everything that rebuilds state: the io read model, the engine worker and the PnL
 * worker (in workerData, so it is plain data). Nobody else chooses a snapshot. A worker
 * that starts later in the process's life (the PnL worker after a crash) gets a plan
 * from the newest snapshot verified since (VerifiedSnapshot.planFromLatest).
 */
import { JournalScan } from '../journal/journal_reader.js';
import { ColumnarFile } from './columnar_file.js';
import { listSnapshots, SnapshotRef } from './snapshot_files.js';

/** Start from `snapshot` (or empty), then replay the journal from `from_seq` to `to_seq`. */
export interface RecoveryPlan {
  /** A snapshot that was read back whole and checked, or null: start from empty state. */
  readonly snapshot: SnapshotRef | null;
  /** First journal sequence to replay: the snapshot's sequence + 1 (1 without one). */
  readonly from_seq: number;
  /** Last journal sequence to replay (from_seq - 1 when there is nothing to replay). */
  readonly to_seq: number;
}

/** The start-up plan with what only the main thread keeps: the opened file and what was passed over. */
export interface StartupRecovery extends RecoveryPlan {
  /** The snapshot, opened and checked (null without one): the io read model loads from it. */
  readonly file: ColumnarFile | null;
  /** Snapshots passed over, with why. */
  readonly skipped: readonly { path: string; reason: string }[];
}

export class RecoveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecoveryError';
  }
}

/** Nothing to rebuild: no journal (OMS_DURABILITY=none), or an empty one. */
export const START_EMPTY: RecoveryPlan = { snapshot: null, from_seq: 1, to_seq: 0 };

/**
 * With an empty journal there is nothing to recover, whatever snapshots lie around: the
 * journal writer starts again at sequence 1, so state starts empty too (the engine did
 * so before this plan was shared; now every reader agrees with it).
 */
export function planRecovery(data_dir: string, scan: JournalScan): StartupRecovery {
  if (scan.last_seq === 0) return { ...START_EMPTY, file: null, skipped: [] };
  const journal_first = scan.segments.length > 0 ? scan.segments[0].first_seq : scan.last_seq + 1;
  const skipped: { path: string; reason: string }[] = [];
  for (const snapshot of listSnapshots(data_dir).reverse()) {
    if (snapshot.seq > scan.last_seq) {
      throw new RecoveryError(`snapshot ${snapshot.path} is at sequence ${snapshot.seq} but the journal ends at ${scan.last_seq}: `
        + 'the journal lost acknowledged events (was OMS_DURABILITY=write and the machine crashed?). Restore the journal or move the snapshot away.');
    }
    if (journal_first > snapshot.seq + 1) {
      skipped.push({ path: snapshot.path, reason: `the journal starts at ${journal_first}, after the snapshot's ${snapshot.seq} + 1` });
      continue;
    }
    try {
      const file = new ColumnarFile(snapshot.path);
      return { ...planFrom(snapshot, scan.last_seq), file, skipped };
    } catch (error) {
      skipped.push({ path: snapshot.path, reason: (error as Error).message });
    }
  }
  if (journal_first > 1) {
    throw new RecoveryError(`the journal starts at sequence ${journal_first} and no usable snapshot covers what came before`
      + (skipped.length > 0 ? ` (skipped: ${skipped.map((s) => `${s.path}: ${s.reason}`).join('; ')})` : ''));
  }
  return { ...planFrom(null, scan.last_seq), file: null, skipped };
}

/** The plan that starts from `snapshot` (already verified) and replays up to `to_seq`. */
export function planFrom(snapshot: SnapshotRef | null, to_seq: number): RecoveryPlan {
  return checkRecoveryPlan({ snapshot, from_seq: (snapshot?.seq ?? 0) + 1, to_seq });
}

/** Only the plan's plain fields, for workerData (the opened file stays on the main thread). */
export function recoveryPlanOf(plan: RecoveryPlan): RecoveryPlan {
  const snapshot = plan.snapshot === null ? null : { path: plan.snapshot.path, seq: plan.snapshot.seq };
  return checkRecoveryPlan({ snapshot, from_seq: plan.from_seq, to_seq: plan.to_seq });
}

/** Asserts the plan is whole: a worker calls it on the plan it received before rebuilding. */
export function checkRecoveryPlan(plan: RecoveryPlan): RecoveryPlan {
  const base = plan.snapshot?.seq ?? 0;
  if (!Number.isSafeInteger(base) || base < 0 || (plan.snapshot !== null && typeof plan.snapshot.path !== 'string')) {
    throw new RecoveryError(`recovery plan has a bad snapshot: ${JSON.stringify(plan.snapshot)}`);
  }
  if (plan.from_seq !== base + 1) throw new RecoveryError(`recovery plan replays from ${plan.from_seq}, but its snapshot ends at ${base}`);
  if (!Number.isSafeInteger(plan.to_seq) || plan.to_seq < base) {
    throw new RecoveryError(`recovery plan replays to ${plan.to_seq}, before its snapshot's ${base}`);
  }
  return plan;
}
