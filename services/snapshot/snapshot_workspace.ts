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
 */
import { EngineCapacity, EngineState } from '../../engine/state/engine_state.js';
import { OrderStore } from '../read_model/order_store.js';

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
    this.state.reset();
    this.store.reset();
  }
}

/** This thread's workspace (a module-level value is per worker thread). */
let current: SnapshotWorkspace | null = null;

/**
 * The thread's workspace, reset, for a task of `shape`: the one kept from the last
 * snapshot if it fits, else a new one (the old one is dropped for the collector).
 */
export function snapshotWorkspace(shape: WorkspaceShape): SnapshotWorkspace {
  if (current === null || !current.fits(shape)) {
    current = null;
    current = new SnapshotWorkspace({ capacity: { ...shape.capacity }, notional_scale: [...shape.notional_scale], order_history: shape.order_history });
  } else {
    current.reset();
  }
  current.uses++;
  return current;
}
