/**
 * The spare supply the journal worker uses (spare_supply.ts): a thread of its own
 * (spare_segment_worker.ts) zeroes the next segment's spare in the background.
 *
 * Why a thread and not idle slices of the journal agent: the zeros have to be fdatasync'd,
 * and on this project's machine one fdatasync after a 64-256 KiB chunk took p50 0.5-1 ms,
 * p99 4-5 ms, and one of a whole 64 MiB spare ~70 ms; none of that fits between two group
 * commits on the agent's thread. The thread parks on a shared word when it has nothing to
 * do, so it costs nothing between spares. The two sides talk only through that word
 * (spare_thread_layout.ts), because the journal agent's thread never returns to its event
 * loop while it runs.
 */
import { Worker } from 'node:worker_threads';
import { SpareSupply } from './spare_supply.js';
import type { SpareWorkerInit } from './spare_segment_worker.js';
import { SPARE_THREAD_BYTES, SpareState, SW_FAILURES, SW_PREPARED, SW_STATE } from './spare_thread_layout.js';

export const SPARE_WORKER_URL = new URL('./spare_segment_worker.js', import.meta.url);

/** Pacing of the background zeroing (spare_segment_worker.ts): see bench/journal/spare_chunk_cost.ts. */
export const SPARE_PAUSE_MS = 1;
export const SPARE_SYNC_EVERY_BYTES = 1024 * 1024;

export class SpareSegmentThread implements SpareSupply {
  private readonly words = new Int32Array(new SharedArrayBuffer(SPARE_THREAD_BYTES));
  private readonly worker: Worker;
  /** The thread's own crash (a bug: it catches every I/O error), seen once this thread's event loop runs. */
  crash: Error | null = null;

  constructor(directory: string, segment_bytes: number, pacing: { pause_ms: number; sync_every_bytes: number } =
  { pause_ms: SPARE_PAUSE_MS, sync_every_bytes: SPARE_SYNC_EVERY_BYTES }) {
    const init: SpareWorkerInit = { directory, segment_bytes, words: this.words.buffer as SharedArrayBuffer, ...pacing };
    this.worker = new Worker(SPARE_WORKER_URL, { workerData: init, name: 'journal_spare' });
    this.worker.on('error', (error) => { this.crash = error; });
  }

  claim(): boolean {
    if (Atomics.load(this.words, SW_STATE) !== SpareState.READY) return false;
    Atomics.store(this.words, SW_STATE, SpareState.IDLE);
    return true;
  }

  prepareNext(): void {
    const state = Atomics.load(this.words, SW_STATE);
    // After a failure the thread tries again (the disk may have room by now): once per segment.
    if (state === SpareState.IDLE || state === SpareState.FAILED) {
      Atomics.store(this.words, SW_STATE, SpareState.PREPARING);
      Atomics.notify(this.words, SW_STATE);
    }
  }

  get failures(): number {
    return Atomics.load(this.words, SW_FAILURES);
  }

  /** Spares the thread finished since it started. */
  get prepared(): number {
    return Atomics.load(this.words, SW_PREPARED);
  }

  /** True while a ready spare waits to be claimed. */
  get ready(): boolean {
    return Atomics.load(this.words, SW_STATE) === SpareState.READY;
  }

  /** Stops the thread between two chunks; it deletes a half-prepared spare and exits. */
  close(): void {
    Atomics.store(this.words, SW_STATE, SpareState.STOP);
    Atomics.notify(this.words, SW_STATE);
  }

  /** Resolves once the thread has exited (after close). */
  exited(): Promise<number> {
    return new Promise((resolve) => {
      if (this.worker.threadId === -1) resolve(0);
      else this.worker.once('exit', resolve);
    });
  }
}
