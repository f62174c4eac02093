/**
 * The newest snapshot known to be whole, held on the main thread: at start-up the
 * recovery plan's (read back and checked by planRecovery), then each snapshot the
 * scheduler's task wrote and read back. It answers "which snapshot" for everything that
 * rebuilds state after start-up:
 *
 *  - the snapshot task starts from it (never from whatever file is newest on disk: that
 *    one may be the damaged snapshot recovery skipped);
 *  - the PnL worker, at every (re)start, gets its plan from it (`planFromLatest`).
 *
 * The rule that keeps it usable: the snapshot task never retires its base, and retires
 * journal segments only below the oldest snapshot it keeps, so the snapshot held here and
 * the journal after it stay on disk until a newer one has been verified and recorded.
 */
import { planFrom, RecoveryError, RecoveryPlan } from './recovery_plan.js';
import type { SnapshotRef } from './snapshot_files.js';

export class VerifiedSnapshot {
  private current: SnapshotRef | null;

  constructor(initial: SnapshotRef | null) {
    this.current = initial;
  }

  get latest(): SnapshotRef | null {
    return this.current;
  }

  /** The sequence of the latest verified snapshot (0 without one). */
  get seq(): number {
    return this.current?.seq ?? 0;
  }

  /**
   * The plan for a worker (re)starting now: from the latest verified snapshot, replaying
   * at least up to `to_seq_min` (the start-up plan's end). Before any new snapshot this is
   * the start-up plan itself; after one, the start-up snapshot may be retired, so a
   * restart must not use it.
   */
  planFromLatest(to_seq_min: number): RecoveryPlan {
    return planFrom(this.current, Math.max(to_seq_min, this.seq));
  }

  /** Records a snapshot the task just wrote and read back; snapshots only move forward. */
  advance(snapshot: SnapshotRef): void {
    if (snapshot.seq <= this.seq) throw new RecoveryError(`snapshot ${snapshot.path} at ${snapshot.seq} is not after the verified one at ${this.seq}`);
    this.current = { path: snapshot.path, seq: snapshot.seq };
  }
}
