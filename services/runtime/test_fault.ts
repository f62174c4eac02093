/**
 * TEST FAULT ONLY: makes a worker thread end abruptly, as a crash would, once it has done a
 * given amount of work, so that an end-to-end test can see what the OMS does when that
 * worker dies mid-flow (fail-stop for the engine and the journal, a supervised restart for
 * the others). Set through OMS_FAULT_ENGINE_EXIT_AFTER_COMMANDS and
 * OMS_FAULT_WORKER_EXIT=<worker>:<count> (io/config/oms_config.ts); off unless set, and
 * never to be set in production.
 *
 * The thread ends with `process.exit(FAULT_EXIT_CODE)`: in a worker that ends the thread
 * only, skipping its onClose and its STOPPED state, which is what a crash looks like to
 * the main thread.
 */

/** The exit code of a worker thread that the test fault ended. */
export const FAULT_EXIT_CODE = 99;

/** The workers OMS_FAULT_WORKER_EXIT may name (the engine has its own variable). */
export const FAULTABLE_WORKERS = ['journal', 'pnl', 'market_data', 'sink_nats', 'sink_redis', 'sink_questdb'] as const;
export type FaultableWorker = (typeof FAULTABLE_WORKERS)[number];

export interface WorkerExitFault {
  readonly worker: FaultableWorker;
  /** Items of work (events, marks) after which the worker's thread exits. */
  readonly after: number;
}

/**
 * A loop's stop check with the fault on top: the thread exits once `done()` reaches
 * `after`. With `after` 0 (no fault) the stop check is returned as it is, so a run
 * without the fault pays nothing for it.
 */
export function exitAfter(after: number, done: () => number, stop: () => boolean): () => boolean {
  if (after <= 0) return stop;
  return () => {
    if (done() >= after) process.exit(FAULT_EXIT_CODE);
    return stop();
  };
}

/** Parses `<worker>:<count>`; throws a message that names what is wrong. */
export function parseWorkerExitFault(text: string): WorkerExitFault {
  const match = /^([a-z_]+):(\d+)$/.exec(text.trim());
  const worker = match?.[1] as FaultableWorker | undefined;
  const after = Number(match?.[2]);
  if (worker === undefined || !FAULTABLE_WORKERS.includes(worker) || !Number.isSafeInteger(after) || after < 1) {
    throw new Error(`OMS_FAULT_WORKER_EXIT must be <worker>:<count> with worker one of ${FAULTABLE_WORKERS.join(', ')} and count >= 1, got ${JSON.stringify(text)}`);
  }
  return { worker, after };
}
