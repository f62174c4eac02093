/**
 * Starting and stopping the two workers the order path cannot run without (engine and
 * journal). They are not supervised: if one dies, its health turns FAILED here and the OMS
 * is fail-stop (fail_stop.ts: orders refused NOT_READY, health 503, exit non-zero), so its
 * own supervisor restarts the process, where recovery takes over.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { Doorbell } from '../../engine/ring/doorbell.js';
import { WorkerHealthBlock } from '../../engine/telemetry/worker_health.js';
import { WorkerState } from '../../engine/telemetry/worker_health_layout.js';

const WORKER_START_TIMEOUT_MS = 60_000;
const START_POLL_MS = 5;

/**
 * Resolves once the worker reports RUNNING in the health block; rejects if it throws,
 * exits or takes longer than WORKER_START_TIMEOUT_MS (recovery replays the journal first).
 * From then on an exit nobody asked for marks the worker FAILED.
 */
export async function waitForWorker(worker: Worker, health: WorkerHealthBlock, id: number, name: string, log: Logger): Promise<void> {
  let failure: Error | null = null;
  const on_error = (error: Error) => { failure = error; };
  const on_exit = (code: number) => { failure ??= new Error(`${name} worker exited with code ${code} while starting`); };
  worker.on('error', on_error);
  worker.on('exit', on_exit);
  const deadline = Date.now() + WORKER_START_TIMEOUT_MS;
  while (health.state(id) !== WorkerState.RUNNING) {
    if (failure !== null) throw failure;
    if (Date.now() > deadline) throw new Error(`${name} worker did not start within ${WORKER_START_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, START_POLL_MS));
  }
  worker.off('error', on_error);
  worker.off('exit', on_exit);
  worker.on('error', (error) => log.error({ err: error, worker: name }, 'worker failed'));
  worker.on('exit', (code) => {
    if (health.state(id) !== WorkerState.STOPPED) {
      health.setState(id, WorkerState.FAILED);
      log.error({ worker: name, code }, 'worker exited unexpectedly: the OMS is not ready');
    }
  });
}

/**
 * Sets the worker's stop flag and rings its doorbell (it may be parked), then waits for it
 * to exit until `deadline` (epoch ms, at least 100 ms from now) and terminates it after.
 */
export async function stopWorker(worker: Worker, health: WorkerHealthBlock, id: number, doorbell: SharedArrayBuffer, deadline: number): Promise<void> {
  if (worker.threadId < 0) return;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  health.requestStop(id);
  new Doorbell(doorbell).wake();
  const timeout = Math.max(100, deadline - Date.now());
  const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeout).unref());
  if ((await Promise.race([exited, timer])) === 'timeout') await worker.terminate();
}
