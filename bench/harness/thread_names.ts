/**
 * Which thread of a server process is which, so its CPU can be reported by role. The OMS
 * and the durable echo answer GET /health/workers with the process id, the io thread's
 * id (the main thread: tid = pid) and each worker's Linux thread id:
 *
 *   {"process": {"pid": 123, "io_tid": 123}, "workers": [{"name": "journal", "os_tid": 130}, ...]}
 *
 * A worker that is disabled, or has not announced itself, has os_tid null and no thread
 * to name. Any thread not named here (V8's GC helpers, the libuv pool) counts as `other`.
 */

/** Thread id -> role name ('io', 'engine', 'journal', 'sink_nats', ...). */
export type ThreadNames = ReadonlyMap<number, string>;

/** The io thread's name. */
export const IO_THREAD = 'io';

/** A server that names no threads (the plain echo): only its main thread, tid = pid, is known. */
export function mainThreadOnly(pid: number): ThreadNames {
  return new Map([[pid, IO_THREAD]]);
}

/**
 * Thread names from a /health/workers body of process `pid`; throws if the body does not
 * have the documented shape or speaks for another process (whose thread ids mean nothing here).
 */
export function threadNamesFromWorkers(body: unknown, pid: number): ThreadNames {
  const shape = body as { process?: { pid?: unknown; io_tid?: unknown }; workers?: unknown };
  const io_tid = shape?.process?.io_tid;
  if (!isThreadId(io_tid) || !Array.isArray(shape.workers)) {
    throw new Error('/health/workers did not answer {"process":{"pid","io_tid"},"workers":[...]}');
  }
  if (shape.process!.pid !== pid) throw new Error(`/health/workers speaks for process ${String(shape.process!.pid)}, not ${pid}`);
  const names = new Map<number, string>([[io_tid, IO_THREAD]]);
  for (const worker of shape.workers as { name?: unknown; os_tid?: unknown }[]) {
    if (typeof worker?.name !== 'string') throw new Error('/health/workers lists a worker without a name');
    if (isThreadId(worker.os_tid)) names.set(worker.os_tid, worker.name);
  }
  return names;
}

function isThreadId(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}
