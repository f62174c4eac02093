/**
 * CPU time of every thread of a process, from Linux's per-task scheduler statistics:
 * /proc/<pid>/task/<tid>/schedstat, whose first field is the nanoseconds the thread has
 * spent on a CPU since it started. Nanoseconds, not the clock ticks of /proc/.../stat
 * (10 ms each), because a round's window holds only a few seconds of a thread's time.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Thread id -> nanoseconds on CPU since the thread started. */
export type ThreadCpuNs = ReadonlyMap<number, number>;

/**
 * Reads every task of `pid` now. A thread that exits between listing and reading is left
 * out (it has no schedstat any more); a process that is gone throws.
 */
export function readThreadCpuNs(pid: number): ThreadCpuNs {
  const cpu = new Map<number, number>();
  for (const name of readdirSync(`/proc/${pid}/task`)) {
    const tid = Number(name);
    if (!Number.isInteger(tid)) continue;
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8');
    } catch {
      continue;
    }
    const on_cpu_ns = Number(text.slice(0, text.indexOf(' ')));
    if (Number.isFinite(on_cpu_ns)) cpu.set(tid, on_cpu_ns);
  }
  return cpu;
}
