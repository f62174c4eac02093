/**
 * Turns off V8's memory reducer for the whole process.
 *
 * Why: some seconds after a full collection, the memory reducer judges an isolate that
 * allocates little to be idle and starts incremental marking to shrink its heap. The
 * engine worker allocates nothing per order, so it always looks idle: the bench saw
 * 0-1 such collection per 10 s run, pauses up to 4.7 ms, plus marking steps of up to
 * 4.4 ms (`--trace-gc`; a `gc` PerformanceObserver does not report steps). The workers
 * size their memory once at start-up, so shrinking gains nothing.
 *
 * V8 reads the flag when an isolate's heap is set up: call this at process start, before
 * any worker exists. It cannot reach the main thread's heap, which already exists; the
 * io thread allocates while it serves orders, so the reducer only acts on it when idle.
 */
import v8 from 'node:v8';

export function disableMemoryReducer(): void {
  v8.setFlagsFromString('--no-memory-reducer');
}
