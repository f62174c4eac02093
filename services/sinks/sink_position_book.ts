/**
 * Where a sink that computes positions (the Redis sink) starts its PnL book when its
 * thread (re)starts: the positions as they stood after the sink's cursor, rebuilt like
 * every other reader rebuilds state, from a snapshot plus the journal after it. The
 * journal before the snapshot may have been retired (snapshot_task.ts), so replaying
 * from sequence 1 is only possible on a young journal.
 *
 * The snapshot is the one in the worker's recovery plan (the latest verified snapshot
 * when the thread started: VerifiedSnapshot.planFromLatest), never one picked from disk.
 * Three cases, by where the cursor stands:
 *
 *  - at or after the snapshot: the snapshot's book, then the journal from the snapshot's
 *    sequence + 1 to the cursor. Exact.
 *  - before the snapshot, with the journal still whole from sequence 1: the journal from
 *    1 to the cursor. Exact.
 *  - before the snapshot, with the journal's head retired (the sink lagged behind a
 *    snapshot, and retention kept only the segments from its cursor on): the snapshot's
 *    book, which is ahead of the cursor. The fills between the cursor and the snapshot
 *    are already in it, so the sink must not apply them again (`through_seq` says up to
 *    where); positions it writes while catching up over that range show their values
 *    at the snapshot, and are exact again once the sink passes it.
 */
import type { Logger } from 'pino';
import { listSegments } from '../journal/journal_reader.js';
import { replayJournal } from '../journal/replay.js';
import { PnlBook, PnlBookGeometry, PnlBookJson } from '../pnl/pnl_book.js';
import { applyEventToBook } from '../pnl/pnl_events.js';
import { readSnapshotMeta } from '../snapshot/columnar_file.js';
import { checkRecoveryPlan, RecoveryPlan } from '../snapshot/recovery_plan.js';

export interface SinkPositionBook {
  readonly book: PnlBook;
  /** Fills up to this sequence are in the book already: the cursor, or the snapshot's sequence when that is later. */
  readonly through_seq: number;
}

export function rebuildSinkPositionBook(
  plan: RecoveryPlan,
  cursor: number,
  journal_dir: string,
  geometry: PnlBookGeometry,
  log: Logger,
): SinkPositionBook {
  checkRecoveryPlan(plan);
  const started = performance.now();
  const snapshot = snapshotBook(plan, geometry);
  let book = new PnlBook(geometry);
  let from = 1;
  if (snapshot !== null && (snapshot.last_seq <= cursor || !journalHoldsFromStart(journal_dir))) {
    book = snapshot;
    from = snapshot.last_seq + 1;
  }
  const applied = cursor >= from
    ? replayJournal(journal_dir, from, cursor, (views, base) => { applyEventToBook(book, views, base, false); })
    : 0;
  const through_seq = Math.max(cursor, from - 1);
  log.info({ cursor, snapshot: from > 1 ? plan.snapshot?.path : null, replayed_from: from, applied, through_seq,
    ms: Math.round(performance.now() - started) }, 'rebuilt positions up to the cursor');
  return { book, through_seq };
}

/** The PnL book the plan's snapshot carries, or null (no snapshot, or one written before snapshots carried it). */
function snapshotBook(plan: RecoveryPlan, geometry: PnlBookGeometry): PnlBook | null {
  if (plan.snapshot === null) return null;
  const meta = readSnapshotMeta(plan.snapshot.path);
  if (meta.pnl === undefined) return null;
  const book = PnlBook.fromJSON(meta.pnl as PnlBookJson);
  if (book.accounts !== geometry.accounts || book.symbols !== geometry.notional_scale.length) {
    throw new Error(`snapshot ${plan.snapshot.path} has a PnL book of ${book.accounts} accounts x ${book.symbols} symbols, `
      + `this OMS has ${geometry.accounts} x ${geometry.notional_scale.length}`);
  }
  if (book.last_seq !== plan.snapshot.seq) {
    throw new Error(`snapshot ${plan.snapshot.path} is at sequence ${plan.snapshot.seq} but its PnL book at ${book.last_seq}`);
  }
  return book;
}

function journalHoldsFromStart(journal_dir: string): boolean {
  const segments = listSegments(journal_dir);
  return segments.length > 0 && segments[0].first_seq === 1;
}
