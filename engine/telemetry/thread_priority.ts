/**
 * Thread priorities on a small machine. On Linux a nice value belongs to a thread, not the
 * process: setpriority(PRIO_PROCESS, tid) changes that thread alone, and raising it needs
 * no privilege. The OMS raises it for its workers off the order path (PnL, market data,
 * sinks, snapshots: OMS_BACKGROUND_NICE), so that on two vCPUs a woken io, engine or
 * journal thread preempts them instead of waiting behind them. A nice value changes who
 * runs first, never what runs: the background workers still get every idle cycle.
 */
import os from 'node:os';

/** Sets the nice value of thread `tid` of this process; false where the system refused (reported, never fatal). */
export function setThreadNice(tid: number, nice: number): boolean {
  if (!(tid > 0)) return false;
  try {
    os.setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}

/** The nice value of thread `tid`, or null if it cannot be read (the thread has exited). */
export function threadNice(tid: number): number | null {
  try {
    return os.getPriority(tid);
  } catch {
    return null;
  }
}
