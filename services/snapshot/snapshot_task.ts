/**
 * The piscina task that takes a snapshot, off the hot path:
 *
 *   1. start from its base, the latest snapshot the main thread knows is whole (the
 *      recovery plan's, then the last one this task verified: see verified_snapshot.ts),
 *      or empty, and replay the journal up to the event before the engine's STATE_HASH
 *      event, into the engine state, the io read model and the PnL book. A base this
 *      thread wrote itself is still in its workspace and is not read in again;
 *   2. check the replayed state's hash equals the hash the live engine computed at that
 *      point (carried by the STATE_HASH event): the journal really rebuilds the engine;
 *   3. write the snapshot (engine state, io read model, PnL book) to a temporary name, read it
 *      back, restore it and check its hash again, and only then give it its final name;
 *   4. retire snapshots older than the newest `keep_snapshots`, except the base (a damaged
 *      file can sit between the base and the new one: the base stays the fallback), and
 *      journal segments wholly below the oldest kept snapshot, every enabled sink's
 *      cursor and every other cursor file present (journal_retention.ts).
 *
 * It runs in a piscina worker thread, so the io thread and the engine never wait for it.
 * The thread lives as long as the pool and keeps the engine state and read model it
 * rebuilds from one snapshot to the next (snapshot_workspace.ts): reset, not allocated.
 * Everything else a snapshot allocates is collected before the thread goes idle
 * (full_collection.ts), so between snapshots it holds its workspace and no more.
 */
import fs from 'node:fs';
import path from 'node:path';
import { EngineCapacity } from '../../engine/state/engine_state.js';
import { stateHash } from '../../engine/state/state_hash.js';
import { WorkerHealthBlock } from '../../engine/telemetry/worker_health.js';
import { WorkerId } from '../../engine/telemetry/worker_health_layout.js';
import { fsyncDirectory } from '../storage/fsync_directory.js';
import { runAtBackgroundPriority } from '../runtime/background_priority.js';
import { collectGarbage } from '../runtime/full_collection.js';
import { replayJournal } from '../journal/replay.js';
import { SlotViews } from '../../engine/protocol/slot_views.js';
import { PnlBook, PnlBookJson } from '../pnl/pnl_book.js';
import { applyEventToBook } from '../pnl/pnl_events.js';
import { ColumnarFile, ColumnarWriter } from './columnar_file.js';
import { DisabledSinkHold, retentionFloor, retireSegments } from './journal_retention.js';
import { ENGINE_SECTIONS, engineMeta, restoreEngineState, writeEngineSections } from './engine_state_codec.js';
import { readOrderStore, writeOrderStoreSection } from './order_store_codec.js';
import { listSnapshots, SnapshotRef, snapshotDirectory, snapshotFileName } from './snapshot_files.js';
import { SnapshotWorkspace, snapshotWorkspace } from './snapshot_workspace.js';

export interface SnapshotTaskInput {
  readonly data_dir: string;
  readonly capacity: EngineCapacity;
  readonly notional_scale: readonly number[];
  readonly order_history: number;
  /** The snapshot to start from, verified already (VerifiedSnapshot.latest), or null: from empty. */
  readonly base: SnapshotRef | null;
  /** Sequence of the engine's STATE_HASH event; the snapshot includes it. */
  readonly target_seq: number;
  /** The hash that event carries: the live state after target_seq - 1. */
  readonly expected_hash: number;
  /**
   * Cursor files of the sinks that are enabled; their positions hold segments back (all of
   * the journal while a file is missing). Other cursor files present hold segments back too.
   */
  readonly sink_cursor_files: readonly string[];
  readonly keep_snapshots: number;
  /** For the PnL book the snapshot carries (its day roll). */
  readonly session_end_utc_minutes: number;
  /**
   * The process's worker health block (absent: none): the task's thread records its Linux
   * thread id on the snapshot line, so that per-thread CPU (the bench) can name it.
   */
  readonly health_buffer?: SharedArrayBuffer;
}

export interface SnapshotTaskResult {
  readonly seq: number;
  readonly state_hash: number;
  readonly file: string;
  readonly bytes: number;
  readonly ms: number;
  readonly open_orders: number;
  readonly orders_kept: number;
  readonly retired_segments: readonly string[];
  readonly retired_snapshots: readonly string[];
  /** Cursor files of sinks not enabled now that hold back many segments (the scheduler warns). */
  readonly disabled_sink_holds: readonly DisabledSinkHold[];
  /**
   * Where the replay started: the workspace as the thread's last snapshot left it (it
   * wrote the base), the base's file, or empty (no base).
   */
  readonly base_from: 'workspace' | 'file' | 'empty';
  /**
   * Snapshots the thread's workspace has served, this one included: 1 means the task
   * allocated its engine state and read model; more, that it reused them.
   */
  readonly workspace_uses: number;
  /**
   * Bytes of array buffers the thread holds after the snapshot and a full collection
   * (0 where none could be run): its workspace, and nothing of the snapshot's passing buffers.
   */
  readonly held_array_buffer_bytes: number;
}

export class SnapshotVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotVerificationError';
  }
}

/** Once per pool thread: snapshots yield the CPU to the order path (background_priority.ts), and the thread says which it is. */
let background = false;

export default function takeSnapshot(input: SnapshotTaskInput): SnapshotTaskResult {
  if (!background) {
    runAtBackgroundPriority();
    if (input.health_buffer !== undefined) new WorkerHealthBlock(input.health_buffer).reporter(WorkerId.SNAPSHOT).recordThreadId();
    background = true;
  }
  try {
    const result = snapshot(input);
    const collected = collectGarbage();
    return { ...result, held_array_buffer_bytes: collected ? process.memoryUsage().arrayBuffers : 0 };
  } catch (error) {
    collectGarbage();
    throw error;
  }
}

function snapshot(input: SnapshotTaskInput): Omit<SnapshotTaskResult, 'held_array_buffer_bytes'> {
  const started = performance.now();
  const journal_dir = path.join(input.data_dir, 'journal');
  const base = input.base;
  if (base !== null && base.seq >= input.target_seq) throw new Error(`a snapshot at ${base.seq} already covers ${input.target_seq}`);

  const workspace = snapshotWorkspace(input);
  const { state, store } = workspace;
  // The workspace holds the base already if this thread wrote it: then it goes on from there.
  const resumed = workspace.resume(base);
  const base_from = resumed !== null ? 'workspace' : base === null ? 'empty' : 'file';
  const book = resumed ?? (base === null
    ? new PnlBook({ accounts: input.capacity.accounts, notional_scale: input.notional_scale, session_end_utc_minutes: input.session_end_utc_minutes })
    : restoreBase(base, workspace));
  const apply = (views: SlotViews, offset: number) => {
    state.apply(views, offset);
    store.apply(views, offset);
    applyEventToBook(book, views, offset, true);
  };
  if (base !== null && state.last_seq !== base.seq) throw new Error(`the workspace is at ${state.last_seq}, not at its base ${base.seq}`);
  const from = state.last_seq + 1;
  replayJournal(journal_dir, from, input.target_seq - 1, apply);
  const replayed_hash = stateHash(state);
  if (replayed_hash !== input.expected_hash) {
    throw new SnapshotVerificationError(
      `replaying the journal to sequence ${input.target_seq - 1} gives state hash ${replayed_hash}, but the engine had ${input.expected_hash}`);
  }
  replayJournal(journal_dir, input.target_seq, input.target_seq, apply);
  const final_hash = stateHash(state);

  const directory = snapshotDirectory(input.data_dir);
  fs.mkdirSync(directory, { recursive: true });
  const final_path = path.join(directory, snapshotFileName(input.target_seq));
  const unverified = `${final_path}.unverified`;
  const writer = new ColumnarWriter({
    seq: input.target_seq, state_hash: final_hash, created_at: new Date().toISOString(), engine: engineMeta(state), pnl: book.toJSON(),
  });
  writeEngineSections(writer, state);
  const orders_kept = writeOrderStoreSection(writer, store);
  const bytes = writer.write(unverified);
  const open_orders = state.slab.live;

  // The check restores the file into the same engine state: the replayed one is done
  // with (its hash is final_hash), and a second state would double what the thread keeps.
  let restored_hash: number;
  try {
    state.reset();
    // The whole file is checked; only the engine's sections are kept to restore from.
    restoreEngineState(new ColumnarFile(unverified, ENGINE_SECTIONS), state);
    restored_hash = stateHash(state);
  } catch (error) {
    fs.rmSync(unverified, { force: true });
    throw error;
  }
  if (restored_hash !== final_hash) {
    fs.rmSync(unverified, { force: true });
    throw new SnapshotVerificationError(`snapshot ${final_path} reads back with hash ${restored_hash}, expected ${final_hash}`);
  }
  fs.renameSync(unverified, final_path);
  fsyncDirectory(directory);
  // The state is the file restored, the store and book what the file was written from.
  workspace.hold({ path: final_path, seq: input.target_seq }, book);

  const retired_snapshots: string[] = [];
  const snapshots = listSnapshots(input.data_dir);
  for (const old of snapshots.slice(0, Math.max(0, snapshots.length - input.keep_snapshots))) {
    if (old.path === base?.path) continue;
    fs.rmSync(old.path, { force: true });
    retired_snapshots.push(old.path);
  }
  const retention = retentionFloor(input.data_dir, input.sink_cursor_files);
  const retired_segments = retireSegments(journal_dir, retention.floor);
  return {
    seq: input.target_seq, state_hash: final_hash, file: final_path, bytes, ms: Math.round(performance.now() - started),
    open_orders, orders_kept, retired_segments, retired_snapshots, base_from,
    disabled_sink_holds: retention.disabled_sink_holds, workspace_uses: workspace.uses,
  };
}

/** Restores `base` from its file into the (empty) workspace; returns the PnL book it carries. */
function restoreBase(base: SnapshotRef, workspace: SnapshotWorkspace): PnlBook {
  const file = new ColumnarFile(base.path);
  restoreEngineState(file, workspace.state);
  readOrderStore(file, workspace.store);
  return PnlBook.fromJSON(file.meta.pnl as PnlBookJson);
}
