/**
 * Shared health block: two cache lines per worker, each written only by that worker
 * (except RESTARTS and STATE, with STATE_SINCE_MS, which the supervisor on the main thread
 * also writes when it restarts a worker). /health/* and /metrics read it without asking
 * the workers. The first line is what changes often (heartbeat, progress); the second,
 * what changes rarely.
 *
 * ```
 *  per worker, 128 bytes:
 *  0   heartbeat         i32   bumped by the worker's slow tick (Atomics.add)
 *  4   state             i32   WorkerState
 *  8   restarts          i32   times the supervisor restarted it
 *  12  stop_requested    i32   set by main to ask the worker to finish
 *  16  heartbeat_at_ms   f64   wall clock of the last heartbeat
 *  24  processed         f64   items handled since start (events, commands, ticks)
 *  32  lag               f64   items behind its source (ring depth, cursor behind journal head)
 *  40  errors            f64   errors since start (e.g. broker publish failures)
 *  48  position          f64   where it is (e.g. last sequence handled)
 *  56  os_tid            f64   the worker's Linux thread id (0 = unknown), written when it
 *                              announces STARTING from its own thread: per-thread CPU is
 *                              read from /proc/<pid>/task/<os_tid>
 *  64  state_since_ms    f64   wall clock of the last change of state (0: never set), so
 *                              /health can say since when a worker is degraded
 *  72  heap_used_bytes   f64   the worker thread's V8 heap in use,
 *  80  heap_total_bytes  f64   the heap V8 has reserved for it, and
 *  88  heap_old_bytes    f64   the part of heap_used outside the young generation (what
 *                              survived collection: where a leak accumulates, without the
 *                              churn of short-lived objects); all three sampled by the
 *                              worker's own heartbeat at most once a second (0: never), so a
 *                              long run can show every thread's memory
 *  96  dropped           f64   items the worker let go on purpose, by a limit of its own (the
 *                              QuestDB sink: tick rows over its queue limit); added to, so
 *                              it carries over a restart
 *  104 thread_nice       f64   the nice value the worker's thread takes when it announces
 *                              STARTING (0: leave it), written by the main thread before it
 *                              starts the worker: OMS_BACKGROUND_NICE for the workers off the
 *                              order path, so that on a small machine a woken io, engine or
 *                              journal thread goes first (thread_priority.ts)
 * ```
 */
import { CACHE_LINE_BYTES } from '../layout/layout_builder.js';

/** The closed list of workers. Append only. */
export const WorkerId = {
  ENGINE: 0,
  JOURNAL: 1,
  PNL: 2,
  MARKET_DATA: 3,
  SINK_NATS: 4,
  SINK_REDIS: 5,
  SINK_QUESTDB: 6,
  SNAPSHOT: 7,
} as const;
export type WorkerId = (typeof WorkerId)[keyof typeof WorkerId];
export const WORKER_COUNT = 8;

export const WORKER_NAMES: readonly string[] = [
  'engine', 'journal', 'pnl', 'market_data', 'sink_nats', 'sink_redis', 'sink_questdb', 'snapshot',
];

export const WorkerState = { STOPPED: 0, STARTING: 1, RUNNING: 2, DEGRADED: 3, FAILED: 4, DISABLED: 5, STOPPING: 6 } as const;
export type WorkerState = (typeof WorkerState)[keyof typeof WorkerState];
export const WORKER_STATE_NAMES: readonly string[] = ['stopped', 'starting', 'running', 'degraded', 'failed', 'disabled', 'stopping'];

export const WORKER_RECORD_BYTES = 2 * CACHE_LINE_BYTES;
export const WH_HEARTBEAT_I32 = 0;
export const WH_STATE_I32 = 1;
export const WH_RESTARTS_I32 = 2;
export const WH_STOP_REQUESTED_I32 = 3;
export const WH_HEARTBEAT_AT_MS_F64 = 2;
export const WH_PROCESSED_F64 = 3;
export const WH_LAG_F64 = 4;
export const WH_ERRORS_F64 = 5;
export const WH_POSITION_F64 = 6;
export const WH_OS_TID_F64 = 7;
export const WH_STATE_SINCE_MS_F64 = 8;
export const WH_HEAP_USED_BYTES_F64 = 9;
export const WH_HEAP_TOTAL_BYTES_F64 = 10;
export const WH_HEAP_OLD_BYTES_F64 = 11;
export const WH_DROPPED_F64 = 12;
export const WH_THREAD_NICE_F64 = 13;
export const WORKER_HEALTH_BYTES = WORKER_COUNT * WORKER_RECORD_BYTES;

if (WH_THREAD_NICE_F64 * 8 + 8 > WORKER_RECORD_BYTES) throw new Error('worker health record overflows its lines');
if (WORKER_NAMES.length !== WORKER_COUNT || Object.keys(WorkerId).length !== WORKER_COUNT) {
  throw new Error('worker list and names disagree');
}
