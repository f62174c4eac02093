/**
 * CPU per order by thread: how many microseconds of CPU each thread of the server spent
 * per completed order during a round's measured window. The server's threads are read
 * at the window's start and end (thread_cpu.ts) and named by role (thread_names.ts);
 * their difference, divided by the orders the generator saw completed, is the cost of
 * one order on each thread. `total` is every thread of the process; `other` is every
 * thread without a role (V8's GC helpers, the libuv pool).
 *
 * A thread that starts inside the window (a worker restarted in place) counts with all
 * of its CPU, since all of it was spent inside the window. A thread that exits inside
 * the window counts for nothing: a thread that is gone has no schedstat to read, so what
 * it spent between the start and its exit is lost, and a restarted worker shows less
 * than it cost. Linux reuses thread ids only after its whole id space has gone round,
 * far longer than a round lasts, so one id names one thread within a window.
 */
import { round1 } from './run_summary.js';
import { ThreadCpuNs } from './thread_cpu.js';
import { IO_THREAD, ThreadNames } from './thread_names.js';

/** One reading of a process: CPU per thread and which thread is which. */
export interface ThreadCpuSample {
  readonly cpu_ns: ThreadCpuNs;
  readonly names: ThreadNames;
}

/** µs per completed order, 1 decimal: `total`, then `io`, each named thread, and `other`. */
export type CpuPerOrder = Readonly<Record<string, number>>;

/** Roles in the order they are printed; other named threads follow alphabetically, `other` last. */
const ROLE_ORDER: readonly string[] = [IO_THREAD, 'engine', 'journal', 'pnl', 'market_data'];
export const TOTAL = 'total';
const UNNAMED = 'other';

/** CPU per order between two readings of one process; null when no order completed. */
export function cpuPerOrder(start: ThreadCpuSample, end: ThreadCpuSample, completed: number): CpuPerOrder | null {
  if (completed <= 0) return null;
  // A worker named only at the end started inside the window; its name is as good.
  const names = new Map([...start.names, ...end.names]);
  const ns_by_role = new Map<string, number>();
  for (const role of names.values()) ns_by_role.set(role, 0);
  ns_by_role.set(UNNAMED, 0);
  let total_ns = 0;
  for (const [tid, end_ns] of end.cpu_ns) {
    const start_ns = start.cpu_ns.get(tid);
    // Not there at the start (or less than at the start, a reused id): born inside the window.
    const used_ns = start_ns !== undefined && end_ns >= start_ns ? end_ns - start_ns : end_ns;
    const role = names.get(tid) ?? UNNAMED;
    ns_by_role.set(role, ns_by_role.get(role)! + used_ns);
    total_ns += used_ns;
  }
  const per_order: Record<string, number> = { [TOTAL]: usPerOrder(total_ns, completed) };
  for (const role of orderRoles(ns_by_role.keys())) per_order[role] = usPerOrder(ns_by_role.get(role)!, completed);
  return per_order;
}

/** Roles in print order: `io`, the known workers, other named threads alphabetically, `other` last. */
export function orderRoles(roles: Iterable<string>): string[] {
  const all = new Set(roles);
  const known = ROLE_ORDER.filter((r) => all.has(r));
  const rest = [...all].filter((r) => !ROLE_ORDER.includes(r) && r !== UNNAMED).sort();
  return [...known, ...rest, ...(all.has(UNNAMED) ? [UNNAMED] : [])];
}

function usPerOrder(ns: number, completed: number): number {
  return round1(ns / 1000 / completed);
}
