/**
 * The worker thread around an async agent (the sink workers, market data): run the agent
 * until the main thread asks it to stop, then exit; crash loudly on an error the agent
 * does not handle itself.
 *
 * Stopping: the main thread sets the worker's stop flag in the health block and posts
 * {type: 'stop'} (WorkerSupervisor.stop does both). The flag is what ends the loop; the
 * message only cuts short an idle wait or a retry backoff, so the flag is seen at once.
 * Once the agent has closed, the thread closes its port and exits with code 0.
 *
 * Crashing: the error is logged, then rethrown outside the promise chain, so the Worker
 * emits 'error' and exits non-zero and its supervisor restarts it. A rejected promise
 * alone would only be an unhandled rejection that leaves the thread half alive.
 */
import { parentPort } from 'node:worker_threads';
import { Logger } from '../health/logger.js';
import { AsyncAgent, AsyncIdleStrategy, runAsyncAgent } from './async_agent.js';

/** The stop flag the main thread sets (WorkerHealthReporter.stopRequested). */
export interface StopFlag {
  stopRequested(): boolean;
}

/** Runs `agent` on this worker thread until `stop` is set; `crash_message` is the log line of a crash. */
export function runAsyncAgentThread(agent: AsyncAgent, idle: AsyncIdleStrategy, stop: StopFlag, log: Logger, crash_message: string): void {
  parentPort?.on('message', (message: unknown) => {
    if ((message as { type?: string } | null)?.type === 'stop') idle.wake();
  });
  runAsyncAgent(agent, idle, () => stop.stopRequested()).then(
    () => {
      parentPort?.close();
      process.exit(0);
    },
    (error: unknown) => {
      log.fatal({ err: error }, crash_message);
      setImmediate(() => { throw error; });
    },
  );
}
