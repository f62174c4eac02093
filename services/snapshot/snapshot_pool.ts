/**
 * The pool that runs snapshot tasks (snapshot_task.ts): one thread, started by the first
 * snapshot and kept until the pool is destroyed.
 *
 * Why kept: the thread holds the engine state and read model each snapshot rebuilds
 * (snapshot_workspace.ts) and resets them for the next one. A thread that ended when idle
 * (as it once did, to hand those arrays back) allocated them again for every snapshot; in
 * the soak run the process's resident memory then rose with every snapshot, far beyond
 * what its orders explained (bench/soak/README.md).
 */
import { Piscina } from 'piscina';

export function createSnapshotPool(): Piscina {
  return new Piscina({
    filename: new URL('./snapshot_task.js', import.meta.url).href,
    minThreads: 0,
    maxThreads: 1,
    idleTimeout: Infinity,
  });
}
