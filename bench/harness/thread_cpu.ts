/**
 * CPU time of every thread of a process, from Linux's per-task scheduler statistics:
 * /proc/<pid>/task/<tid>/schedstat, whose first field is the nanoseconds the thread has
 * spent on a CPU since it started, and whose second is the nanoseconds it spent runnable
 * but waiting for a CPU (on a run queue). Nanoseconds, not the clock ticks of
 * /proc/.../stat (10 ms each), because a round's window holds only a few seconds of a
 * thread's time.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Thread id -> nanoseconds (on CPU, or waiting for one) since the thread started. */
export type ThreadCpuNs = ReadonlyMap<number, number>;

/** Both figures of one reading. */
export interface ThreadSchedNs {
  readonly on_cpu: ThreadCpuNs;
  readonly waited: ThreadCpuNs;
}

/**
 * Reads every task of `pid` now. A thread that exits between listing and reading is left
 * out (it has no schedstat any more); a process that is gone throws.
 */
export function readThreadCpuNs(pid: number): ThreadCpuNs {
  return readThreadSchedNs(pid).on_cpu;
}

/** `readThreadCpuNs` and, from the same read of each thread, its time waiting for a CPU. */
export function readThreadSchedNs(pid: number): ThreadSchedNs {
  const cpu = new Map<number, number>();
  const waited = new Map<number, number>();
  for (const name of readdirSync(`/proc/${pid}/task`)) {
    const tid = Number(name);
    if (!Number.isInteger(tid)) continue;
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8');
    } catch {
      continue;
    }
    const [on_cpu_ns, waited_ns] = text.split(' ', 2).map(Number);
    if (Number.isFinite(on_cpu_ns)) cpu.set(tid, on_cpu_ns);
    if (Number.isFinite(waited_ns)) waited.set(tid, waited_ns);
  }
  return { on_cpu: cpu, waited };
}
