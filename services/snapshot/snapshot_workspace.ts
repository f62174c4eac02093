/**
 * The engine state and the io read model a snapshot task rebuilds, kept by the task's
 * thread from one snapshot to the next and reset instead of allocated again.
 *
 * Why: at the default capacities they are a few hundred MB of typed arrays. Allocated
 * per snapshot, and freed only when a collection or the end of the thread got to them,
 * they made the process's resident memory climb with every snapshot (the soak run:
 * bench/soak/README.md). Kept, they cost what their touched pages cost, once: bounded by
 * the capacities, like the live engine's and io thread's own copies.
 *
 * One engine state serves both the replay and the read-back check (the check resets it
 * and restores the file just written): the replayed state is not needed once the file is
 * written and its hash known.
 *
 * After a snapshot is verified, the workspace holds exactly what that file holds: the
 * engine state restored from it (its hash checked), the read model and the PnL book the
 * file was written from. The next snapshot, whose base is that file, goes on from there
 * instead of reading the file back in (`resume`). Why: at saturation a snapshot's base is
 * hundreds of MB (up to OMS_ORDER_HISTORY orders and the whole idempotency window), and
 * reading, checking and restoring it was a third of the thread's CPU, per snapshot
 * (bench/README.md, "Snapshot cost at saturation").
 */
import { EngineCapacity, EngineState } from '../../engine/state/engine_state.js';
import { OrderStore } from '../read_model/order_store.js';
import type { PnlBook } from '../pnl/pnl_book.js';
import type { SnapshotRef } from './snapshot_files.js';

export interface WorkspaceShape {
  readonly capacity: EngineCapacity;
  readonly notional_scale: readonly number[];
  readonly order_history: number;
}

export class SnapshotWorkspace {
  readonly state: EngineState;
  readonly store: OrderStore;
  /** Snapshots this workspace served (1 for the snapshot that allocated it). */
  uses = 0;
  /** The verified snapshot the state, store and book hold as they are (null: empty or half-built). */
  private held: { readonly snapshot: SnapshotRef; readonly book: PnlBook } | null = null;

  constructor(readonly shape: WorkspaceShape) {
    this.state = new EngineState(shape.capacity, shape.notional_scale);
    this.store = new OrderStore(shape.order_history);
  }

  /** True if a task of `shape` can use this workspace (same capacities and scales). */
  fits(shape: WorkspaceShape): boolean {
    const a = this.shape;
    return a.order_history === shape.order_history
      && a.capacity.accounts === shape.capacity.accounts && a.capacity.symbols === shape.capacity.symbols
      && a.capacity.max_open_orders === shape.capacity.max_open_orders && a.capacity.dedupe_window === shape.capacity.dedupe_window
      && a.notional_scale.length === shape.notional_scale.length && a.notional_scale.every((x, i) => x === shape.notional_scale[i]);
  }

  /** Empties both, ready for the next snapshot. */
  reset(): void {
    this.held = null;
    this.state.reset();
    this.store.reset();
  }

  /**
   * Readies the workspace for a snapshot that starts from `base`. If it holds exactly that
   * snapshot (the last one this thread wrote and verified), it is kept and its PnL book
   * returned: the caller replays on from base.seq. Otherwise it is emptied and null
   * returned: the caller restores `base` from its file (or starts empty). Either way it
   * counts as half-built until `hold` says otherwise, so a snapshot that fails midway
   * leaves nothing the next one could take for a verified state.
   */
  resume(base: SnapshotRef | null): PnlBook | null {
    const held = this.held;
    this.held = null;
    if (held !== null && base !== null && held.snapshot.path === base.path && held.snapshot.seq === base.seq) return held.book;
    this.reset();
    return null;
  }

  /** The state, store and `book` are now exactly what verified `snapshot` holds. */
  hold(snapshot: SnapshotRef, book: PnlBook): void {
    this.held = { snapshot: { path: snapshot.path, seq: snapshot.seq }, book };
  }
}

/** This thread's workspace (a module-level value is per worker thread). */
let current: SnapshotWorkspace | null = null;

/**
 * The thread's workspace for a task of `shape`: the one kept from the last snapshot if it
 * fits, else a new one (the old one is dropped for the collector). The caller says where
 * it starts from (`resume`).
 */
export function snapshotWorkspace(shape: WorkspaceShape): SnapshotWorkspace {
  if (current === null || !current.fits(shape)) {
    current = null;
    current = new SnapshotWorkspace({ capacity: { ...shape.capacity }, notional_scale: [...shape.notional_scale], order_history: shape.order_history });
  }
  current.uses++;
  return current;
}
