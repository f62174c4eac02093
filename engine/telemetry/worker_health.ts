/** Reads and writes one worker's line of the shared health block (see worker_health_layout.ts). */
import fs from 'node:fs';
import v8 from 'node:v8';
import { isMainThread } from 'node:worker_threads';
import { setThreadNice, threadNice } from './thread_priority.js';
import {
  WH_DROPPED_F64, WH_ERRORS_F64, WH_THREAD_NICE_F64, WH_HEAP_OLD_BYTES_F64, WH_HEAP_TOTAL_BYTES_F64, WH_HEAP_USED_BYTES_F64, WH_HEARTBEAT_AT_MS_F64, WH_HEARTBEAT_I32, WH_LAG_F64, WH_OS_TID_F64, WH_POSITION_F64, WH_PROCESSED_F64,
  WH_RESTARTS_I32, WH_STATE_I32, WH_STATE_SINCE_MS_F64, WH_STOP_REQUESTED_I32, WORKER_COUNT, WORKER_HEALTH_BYTES, WORKER_NAMES,
  WORKER_RECORD_BYTES, WORKER_STATE_NAMES, WorkerState,
} from './worker_health_layout.js';

export interface WorkerHealthView {
  readonly name: string;
  readonly state: string;
  readonly heartbeat: number;
  readonly heartbeat_age_ms: number | null;
  readonly processed: number;
  readonly lag: number;
  readonly errors: number;
  readonly position: number;
  readonly restarts: number;
  /** Linux thread id of the worker's last start (null: unknown, or not a thread of its own). */
  readonly os_tid: number | null;
  /** Wall clock (ms) when the worker entered its current state (null: never set). */
  readonly state_since_ms: number | null;
  /** The worker thread's V8 heap: used, reserved, and used outside the young generation (null: not sampled yet). */
  readonly heap_used_bytes: number | null;
  readonly heap_total_bytes: number | null;
  readonly heap_old_bytes: number | null;
  /** Items the worker dropped on purpose, over all its starts (e.g. QuestDB tick rows over the queue limit). */
  readonly dropped: number;
  /** The thread's nice value as the system reports it now (null: no thread of its own, or gone). */
  readonly thread_nice: number | null;
}

export interface HeapFigures {
  readonly used_bytes: number;
  readonly total_bytes: number;
  /** Used outside the young generation: what survived collection. */
  readonly old_bytes: number;
}

/** The calling thread's V8 heap, by space (one call: the young generation is told apart). */
export function heapFigures(): HeapFigures {
  let used_bytes = 0;
  let total_bytes = 0;
  let young_bytes = 0;
  for (const space of v8.getHeapSpaceStatistics()) {
    used_bytes += space.space_used_size;
    total_bytes += space.space_size;
    if (space.space_name === 'new_space' || space.space_name === 'new_large_object_space') young_bytes += space.space_used_size;
  }
  return { used_bytes, total_bytes, old_bytes: used_bytes - young_bytes };
}

/** How often a worker's heartbeat samples its thread's heap. */
export const HEAP_SAMPLE_INTERVAL_MS = 1000;

/**
 * The calling thread's Linux thread id, 0 where /proc/thread-self does not exist. Read once
 * per worker start, so per-thread CPU can be measured from outside (/proc/<pid>/task/<tid>):
 * Node does not name its worker threads, so nothing else tells them apart.
 */
export function currentThreadId(): number {
  try {
    const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(tid) && tid > 0 ? tid : 0;
  } catch {
    return 0;
  }
}

export class WorkerHealthBlock {
  readonly buffer: SharedArrayBuffer;
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;

  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(WORKER_HEALTH_BYTES)) {
    if (buffer.byteLength !== WORKER_HEALTH_BYTES) throw new Error('worker health block has the wrong size');
    this.buffer = buffer;
    this.i32 = new Int32Array(buffer);
    this.f64 = new Float64Array(buffer);
  }

  /** The worker's own handle on its line. */
  reporter(worker: number): WorkerHealthReporter {
    return new WorkerHealthReporter(this.i32, this.f64, worker);
  }

  state(worker: number): WorkerState {
    return Atomics.load(this.i32, this.base32(worker) + WH_STATE_I32) as WorkerState;
  }

  setState(worker: number, state: WorkerState): void {
    storeState(this.i32, this.f64, this.base32(worker), this.base64(worker), state);
  }

  /** Main thread, before it starts the worker: the nice value its thread takes (0: leave it). */
  setThreadNice(worker: number, nice: number): void {
    this.f64[this.base64(worker) + WH_THREAD_NICE_F64] = nice;
  }

  addRestart(worker: number): void {
    Atomics.add(this.i32, this.base32(worker) + WH_RESTARTS_I32, 1);
  }

  requestStop(worker: number, stop = true): void {
    Atomics.store(this.i32, this.base32(worker) + WH_STOP_REQUESTED_I32, stop ? 1 : 0);
  }

  heartbeatAgeMs(worker: number, now_ms = Date.now()): number | null {
    const at = this.f64[this.base64(worker) + WH_HEARTBEAT_AT_MS_F64];
    return at > 0 ? Math.max(0, now_ms - at) : null;
  }

  view(worker: number, now_ms = Date.now()): WorkerHealthView {
    const b32 = this.base32(worker);
    const b64 = this.base64(worker);
    return {
      name: WORKER_NAMES[worker],
      state: WORKER_STATE_NAMES[Atomics.load(this.i32, b32 + WH_STATE_I32)] ?? 'unknown',
      heartbeat: Atomics.load(this.i32, b32 + WH_HEARTBEAT_I32),
      heartbeat_age_ms: this.heartbeatAgeMs(worker, now_ms),
      processed: this.f64[b64 + WH_PROCESSED_F64],
      lag: this.f64[b64 + WH_LAG_F64],
      errors: this.f64[b64 + WH_ERRORS_F64],
      position: this.f64[b64 + WH_POSITION_F64],
      restarts: Atomics.load(this.i32, b32 + WH_RESTARTS_I32),
      os_tid: this.f64[b64 + WH_OS_TID_F64] > 0 ? this.f64[b64 + WH_OS_TID_F64] : null,
      state_since_ms: this.f64[b64 + WH_STATE_SINCE_MS_F64] > 0 ? this.f64[b64 + WH_STATE_SINCE_MS_F64] : null,
      heap_used_bytes: this.f64[b64 + WH_HEAP_USED_BYTES_F64] > 0 ? this.f64[b64 + WH_HEAP_USED_BYTES_F64] : null,
      heap_total_bytes: this.f64[b64 + WH_HEAP_TOTAL_BYTES_F64] > 0 ? this.f64[b64 + WH_HEAP_TOTAL_BYTES_F64] : null,
      heap_old_bytes: this.f64[b64 + WH_HEAP_OLD_BYTES_F64] > 0 ? this.f64[b64 + WH_HEAP_OLD_BYTES_F64] : null,
      dropped: this.f64[b64 + WH_DROPPED_F64],
      thread_nice: this.f64[b64 + WH_OS_TID_F64] > 0 ? threadNice(this.f64[b64 + WH_OS_TID_F64]) : null,
    };
  }

  all(now_ms = Date.now()): WorkerHealthView[] {
    const views: WorkerHealthView[] = [];
    for (let w = 0; w < WORKER_COUNT; w++) views.push(this.view(w, now_ms));
    return views;
  }

  private base32(worker: number): number {
    if (worker < 0 || worker >= WORKER_COUNT) throw new RangeError(`no worker ${worker}`);
    return (worker * WORKER_RECORD_BYTES) / 4;
  }

  private base64(worker: number): number {
    return (worker * WORKER_RECORD_BYTES) / 8;
  }
}

/** A worker's writer for its own line; cheap enough for a slow tick. */
export class WorkerHealthReporter {
  private readonly b32: number;
  private readonly b64: number;
  private next_heap_sample_ms = 0;

  constructor(private readonly i32: Int32Array, private readonly f64: Float64Array, worker: number) {
    this.b32 = (worker * WORKER_RECORD_BYTES) / 4;
    this.b64 = (worker * WORKER_RECORD_BYTES) / 8;
  }

  /**
   * Beats, and once a second records the calling thread's heap. Only a worker's own thread
   * samples: the main thread also beats for the snapshot task (which runs elsewhere), and
   * its heap is the io thread's (/health/workers reports that one under "process").
   * getHeapSpaceStatistics allocates a few small objects: once a second, in a slow tick.
   */
  heartbeat(now_ms: number): void {
    this.f64[this.b64 + WH_HEARTBEAT_AT_MS_F64] = now_ms;
    Atomics.add(this.i32, this.b32 + WH_HEARTBEAT_I32, 1);
    if (now_ms >= this.next_heap_sample_ms && !isMainThread) {
      this.next_heap_sample_ms = now_ms + HEAP_SAMPLE_INTERVAL_MS;
      const heap = heapFigures();
      this.f64[this.b64 + WH_HEAP_USED_BYTES_F64] = heap.used_bytes;
      this.f64[this.b64 + WH_HEAP_TOTAL_BYTES_F64] = heap.total_bytes;
      this.f64[this.b64 + WH_HEAP_OLD_BYTES_F64] = heap.old_bytes;
    }
  }

  /**
   * From the worker's own thread: announcing STARTING also records its OS thread id and
   * takes the nice value the main thread asked for (setThreadNice below).
   */
  setState(state: WorkerState): void {
    if (state === WorkerState.STARTING) this.recordThreadId();
    storeState(this.i32, this.f64, this.b32, this.b64, state);
  }

  /**
   * Records the calling thread's id and takes the nice value asked for, and nothing else:
   * for a line whose state another thread drives (the snapshot task's pool thread; its
   * scheduler, on the main thread, sets the state).
   */
  recordThreadId(): void {
    const tid = currentThreadId();
    this.f64[this.b64 + WH_OS_TID_F64] = tid;
    const nice = this.f64[this.b64 + WH_THREAD_NICE_F64];
    if (nice > 0) setThreadNice(tid, nice);
  }

  progress(processed: number, lag: number, position: number): void {
    this.f64[this.b64 + WH_PROCESSED_F64] = processed;
    this.f64[this.b64 + WH_LAG_F64] = lag;
    this.f64[this.b64 + WH_POSITION_F64] = position;
  }

  addErrors(count: number): void {
    this.f64[this.b64 + WH_ERRORS_F64] += count;
  }

  /** Items dropped on purpose; the count carries over a restart, so it never goes down. */
  addDropped(count: number): void {
    this.f64[this.b64 + WH_DROPPED_F64] += count;
  }

  stopRequested(): boolean {
    return Atomics.load(this.i32, this.b32 + WH_STOP_REQUESTED_I32) !== 0;
  }
}

/**
 * Sets a worker's state and, when it changes, the time it changed. A sink re-announces
 * RUNNING after every batch, so an unchanged state keeps its time: "degraded since" is
 * when the outage began, not the last retry.
 */
function storeState(i32: Int32Array, f64: Float64Array, b32: number, b64: number, state: WorkerState): void {
  if (Atomics.exchange(i32, b32 + WH_STATE_I32, state) !== state) f64[b64 + WH_STATE_SINCE_MS_F64] = Date.now();
}
