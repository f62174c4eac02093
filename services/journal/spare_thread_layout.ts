/**
 * The words the journal writer and its spare thread share (spare_segment_thread.ts,
 * spare_segment_worker.ts): one small Int32Array. The state word is the only one both
 * sides write, and each side moves it only out of the states it owns:
 *
 *   writer: IDLE/FAILED -> PREPARING (prepare the next spare), any -> STOP
 *   thread: PREPARING -> READY (the ready spare is on disk) or FAILED
 *           (compareExchange, so a STOP the writer stored meanwhile is never overwritten)
 *   writer: READY -> IDLE when it takes the spare
 */
export const SpareState = { IDLE: 0, PREPARING: 1, READY: 2, FAILED: 3, STOP: 4 } as const;
export type SpareState = (typeof SpareState)[keyof typeof SpareState];

/** The state word (Atomics.wait/notify on it). */
export const SW_STATE = 0;
/** Spares the thread finished (its own counter). */
export const SW_PREPARED = 1;
/** Preparations that failed (its own counter). */
export const SW_FAILURES = 2;
export const SPARE_THREAD_WORDS = 3;
export const SPARE_THREAD_BYTES = SPARE_THREAD_WORDS * Int32Array.BYTES_PER_ELEMENT;
