/**
 * Puts the calling thread at the lowest CPU priority (nice 19), for work that must never
 * compete with the order path: on a two-core machine the snapshot task otherwise takes a
 * core from the io thread, the engine or the journal for as long as it runs (measured:
 * WebSocket saturation with fsync fell from ~91 000 to ~65 000 orders/s while snapshots
 * were taken). A nice-19 thread still runs whenever a core is idle, so the work finishes.
 *
 * On Linux, setpriority(PRIO_PROCESS, tid) changes one thread (os.setPriority with the
 * thread's id); elsewhere, or without a thread id, nothing changes.
 */
import os from 'node:os';
import { currentThreadId } from '../../engine/telemetry/worker_health.js';

export const BACKGROUND_NICE = 19;

/** Returns the thread's priority after the call (null where it could not be set). */
export function runAtBackgroundPriority(): number | null {
  const tid = currentThreadId();
  if (tid === 0) return null;
  try {
    os.setPriority(tid, BACKGROUND_NICE);
    return os.getPriority(tid);
  } catch {
    return null;
  }
}
