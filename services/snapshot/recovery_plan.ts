/**
 * Where recovery starts: the newest snapshot that reads back intact and that the journal
 * continues without a gap, or the beginning of the journal. A damaged newest snapshot is
 * skipped (with a reason) in favour of the one before it; a journal that does not
 * connect to any usable start point stops the OMS with a precise error.
 */
import { JournalScan } from '../journal/journal_reader.js';
import { ColumnarFile } from './columnar_file.js';
import { listSnapshots, SnapshotRef } from './snapshot_files.js';

export interface RecoveryPlan {
  readonly snapshot: SnapshotRef | null;
  /** The snapshot, opened and checked (null without one). */
  readonly file: ColumnarFile | null;
  /** First journal sequence to replay, and the last. */
  readonly from_seq: number;
  readonly to_seq: number;
  /** Snapshots passed over, with why. */
  readonly skipped: readonly { path: string; reason: string }[];
}

export class RecoveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecoveryError';
  }
}

export function planRecovery(data_dir: string, scan: JournalScan): RecoveryPlan {
  const journal_first = scan.segments.length > 0 ? scan.segments[0].first_seq : scan.last_seq + 1;
  const skipped: { path: string; reason: string }[] = [];
  for (const snapshot of listSnapshots(data_dir).reverse()) {
    if (snapshot.seq > scan.last_seq && scan.last_seq > 0) {
      throw new RecoveryError(`snapshot ${snapshot.path} is at sequence ${snapshot.seq} but the journal ends at ${scan.last_seq}: `
        + 'the journal lost acknowledged events (was OMS_DURABILITY=write and the machine crashed?). Restore the journal or move the snapshot away.');
    }
    if (journal_first > snapshot.seq + 1) {
      skipped.push({ path: snapshot.path, reason: `the journal starts at ${journal_first}, after the snapshot's ${snapshot.seq} + 1` });
      continue;
    }
    try {
      const file = new ColumnarFile(snapshot.path);
      return { snapshot, file, from_seq: snapshot.seq + 1, to_seq: scan.last_seq, skipped };
    } catch (error) {
      skipped.push({ path: snapshot.path, reason: (error as Error).message });
    }
  }
  if (journal_first > 1) {
    throw new RecoveryError(`the journal starts at sequence ${journal_first} and no usable snapshot covers what came before`
      + (skipped.length > 0 ? ` (skipped: ${skipped.map((s) => `${s.path}: ${s.reason}`).join('; ')})` : ''));
  }
  return { snapshot: null, file: null, from_seq: 1, to_seq: scan.last_seq, skipped };
}
