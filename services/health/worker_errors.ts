/**
 * The last error of each worker, for /health/ready and /health/workers to name what a
 * degraded or failed worker is stuck on. An error's text does not fit the fixed-size
 * shared health block, and only the main thread serves /health, so the text travels the
 * way Node already offers from a worker thread to the main thread: a message on the
 * worker's port, which its supervisor hands to this table (WorkerSupervisor, and the
 * snapshot scheduler for its own failures). Off the order path: a worker posts only when
 * it fails, which a backoff bounds.
 *
 *   worker thread:  reportWorkerError(error)        -> parentPort message {type: 'worker_error', ...}
 *   main thread:    WorkerSupervisor 'message'      -> errors.record(worker_id, message, at_ms)
 *   /health:        errors.last(worker_id)          -> { message, at_ms } | null
 */
import { parentPort } from 'node:worker_threads';
import { WORKER_COUNT } from '../../engine/telemetry/worker_health_layout.js';
import { redactSecretsInText } from './logger.js';

export const WORKER_ERROR_MESSAGE = 'worker_error';

/** Longest error text kept: enough for a broker's message, bounded against a runaway one. */
export const WORKER_ERROR_TEXT_MAX = 500;

export interface WorkerErrorMessage {
  readonly type: typeof WORKER_ERROR_MESSAGE;
  readonly message: string;
  readonly at_ms: number;
}

export interface LastWorkerError {
  readonly message: string;
  readonly at_ms: number;
}

export class WorkerErrors {
  private readonly last_errors: (LastWorkerError | null)[] = new Array(WORKER_COUNT).fill(null);

  /** Keeps the text with credentials masked as in the log: /health is served without a key. */
  record(worker: number, message: string, at_ms = Date.now()): void {
    this.last_errors[worker] = { message: boundedText(message), at_ms };
  }

  last(worker: number): LastWorkerError | null {
    return this.last_errors[worker] ?? null;
  }

  /** Takes a message from a worker's port if it is a worker error; false for any other message. */
  receive(worker: number, message: unknown): boolean {
    const m = message as Partial<WorkerErrorMessage> | null;
    if (m === null || typeof m !== 'object' || m.type !== WORKER_ERROR_MESSAGE || typeof m.message !== 'string') return false;
    this.record(worker, m.message, typeof m.at_ms === 'number' ? m.at_ms : Date.now());
    return true;
  }
}

/** From a worker thread: tells the main thread the error it is failing on now. */
export function reportWorkerError(error: unknown, at_ms = Date.now()): void {
  const text = error instanceof Error ? error.message || error.name : String(error);
  const message: WorkerErrorMessage = { type: WORKER_ERROR_MESSAGE, message: boundedText(text), at_ms };
  parentPort?.postMessage(message);
}

/** Masked first, then cut: a cut could leave half a URL that the masking no longer recognizes. */
function boundedText(text: string): string {
  return redactSecretsInText(text).slice(0, WORKER_ERROR_TEXT_MAX);
}
