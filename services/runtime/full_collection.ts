/**
 * A full garbage collection on demand, for a worker that goes idle right after dropping
 * large buffers: the snapshot task. Why: the OMS turns V8's memory reducer off for the
 * whole process (engine/agent/quiet_heap.ts), so an idle thread never collects, and the
 * buffers a snapshot dropped (the file it read back, the columns it wrote: tens to
 * hundreds of MB, growing with the read model) stayed resident until the next snapshot
 * allocated again (the soak run: bench/soak/README.md).
 *
 * `gc` exists only under --expose-gc. Set at run time, the flag exposes it to contexts
 * created afterwards, so a new context hands it over (the pattern of jest's leak
 * detector); the flag is cleared again at once. Where that fails, collection is left to V8.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

let gc: (() => void) | null | undefined;

function exposeGc(): (() => void) | null {
  try {
    v8.setFlagsFromString('--expose-gc');
    const fn: unknown = vm.runInNewContext('gc');
    return typeof fn === 'function' ? (fn as () => void) : null;
  } catch {
    return null;
  } finally {
    v8.setFlagsFromString('--no-expose-gc');
  }
}

/** Runs a full collection of this thread's heap; false where none could be asked for. */
export function collectGarbage(): boolean {
  if (gc === undefined) gc = exposeGc();
  if (gc === null) return false;
  // Twice: one collection alone left 2-5 MB of array buffers behind in about one run in
  // three of snapshot_task.test.ts (buffers released through finalizers are freed by the
  // collection after the one that finds them); with two, none in six runs.
  gc();
  gc();
  return true;
}
