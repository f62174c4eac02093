/**
 * Runs one service worker thread on the main thread's behalf and keeps it running:
 *
 *  - start: clears the worker's stop flag, sets its health state STARTING, starts the
 *    thread (the worker itself reports RUNNING once it is up);
 *  - a crash (the thread emits 'error', or exits while nobody asked it to stop, whatever
 *    the exit code) is followed by a restart after a backoff that doubles from
 *    `backoff_initial_ms` up to `backoff_max_ms`; each restart adds one to the worker's
 *    RESTARTS in the health block. A restarted worker resumes from its own durable state
 *    (sinks: the cursor file; PnL: a journal replay);
 *  - after `max_rapid_failures` crashes within `rapid_window_ms` it gives up: state
 *    FAILED, event 'failed', no more restarts until `start()` is called again;
 *  - stop: sets the stop flag, posts {type: 'stop'}, wakes the worker's doorbell if it
 *    parks on one, waits up to `stop_timeout_ms` for the thread to exit, then terminates it.
 *
 * Events: 'spawn' (worker), 'crash' ({code, error, failures}), 'restart' (count),
 * 'failed' (error), 'stopped'.
 *
 * Errors: with a WorkerErrors table, the supervisor keeps there the last error of its
 * worker, whether the worker reported it (services/health/worker_errors.ts: a sink that
 * cannot deliver) or crashed with it, so /health can name it.
 */
import { EventEmitter } from 'node:events';
import { ResourceLimits, Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { Doorbell } from '../../engine/ring/doorbell.js';
import { WorkerHealthBlock } from '../../engine/telemetry/worker_health.js';
import { WorkerState } from '../../engine/telemetry/worker_health_layout.js';
import type { WorkerErrors } from '../health/worker_errors.js';

export interface SupervisedWorkerSpec {
  /** For logs and the thread's name. */
  readonly name: string;
  /** The worker's line in the health block (WorkerId). */
  readonly worker_id: number;
  /** The compiled entry file, e.g. new URL('../sinks/nats_sink_worker.js', import.meta.url). */
  readonly url: URL;
  /** workerData, or a function called at every (re)start for fresh values. */
  readonly workerData: unknown;
  /** Crashes within rapid_window_ms that make the supervisor give up (default 5 in 60 s). */
  readonly max_rapid_failures?: number;
  readonly rapid_window_ms?: number;
  /** Restart delay: first and cap (defaults 250 ms and 10 s). */
  readonly backoff_initial_ms?: number;
  readonly backoff_max_ms?: number;
  /** How long stop() waits before terminating the thread (default 5 s). */
  readonly stop_timeout_ms?: number;
  /** Woken on stop, for a worker that parks on a doorbell with Atomics.wait (the PnL worker). */
  readonly doorbell?: SharedArrayBuffer | null;
  readonly resourceLimits?: ResourceLimits;
  /** Node flags for the thread (default: the process's own, as for any Worker). */
  readonly execArgv?: string[];
  /**
   * Runs on the main thread after every exit of the thread (crash or stop), before any
   * restart: undo what a dead worker cannot (the PnL worker's ring gating).
   */
  readonly onExit?: (code: number) => void;
}

export type SupervisorStatus = 'idle' | 'running' | 'restarting' | 'failed' | 'stopping' | 'stopped';

export class WorkerSupervisor extends EventEmitter {
  readonly name: string;
  private readonly spec: SupervisedWorkerSpec;
  private readonly health: WorkerHealthBlock;
  private readonly log: Logger | null;
  private current: Worker | null = null;
  private status_: SupervisorStatus = 'idle';
  private failures: number[] = [];
  private restart_timer: NodeJS.Timeout | null = null;
  private last_error: Error | null = null;
  private exited: Promise<void> = Promise.resolve();
  /** Restarts since this supervisor was created. */
  restarts = 0;

  constructor(spec: SupervisedWorkerSpec, health: WorkerHealthBlock, log: Logger | null = null, private readonly errors: WorkerErrors | null = null) {
    super();
    this.spec = spec;
    this.name = spec.name;
    this.health = health;
    this.log = log;
  }

  get status(): SupervisorStatus {
    return this.status_;
  }

  /** The running thread, if any (tests use it to kill the worker). */
  get worker(): Worker | null {
    return this.current;
  }

  start(): void {
    if (this.status_ === 'running' || this.status_ === 'restarting' || this.status_ === 'stopping') return;
    this.failures = [];
    this.health.requestStop(this.spec.worker_id, false);
    this.spawn();
  }

  /** Stops the worker (and any pending restart); resolves once the thread is gone. */
  async stop(): Promise<void> {
    if (this.restart_timer !== null) {
      clearTimeout(this.restart_timer);
      this.restart_timer = null;
    }
    const worker = this.current;
    if (worker === null) {
      if (this.status_ !== 'failed') this.health.setState(this.spec.worker_id, WorkerState.STOPPED);
      this.status_ = this.status_ === 'failed' ? 'failed' : 'stopped';
      return;
    }
    this.status_ = 'stopping';
    this.health.setState(this.spec.worker_id, WorkerState.STOPPING);
    this.health.requestStop(this.spec.worker_id);
    worker.postMessage({ type: 'stop' });
    if (this.spec.doorbell) new Doorbell(this.spec.doorbell).wake();
    const timeout_ms = this.spec.stop_timeout_ms ?? 5_000;
    let timer: NodeJS.Timeout | undefined;
    const timed_out = await Promise.race([
      this.exited.then(() => false),
      new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(true), timeout_ms); }),
    ]);
    clearTimeout(timer);
    if (timed_out) {
      this.log?.warn({ worker: this.name, timeout_ms }, 'worker did not stop in time; terminating it');
      await worker.terminate();
      await this.exited;
    }
  }

  private spawn(): void {
    const spec = this.spec;
    const data = typeof spec.workerData === 'function' ? (spec.workerData as () => unknown)() : spec.workerData;
    this.health.setState(spec.worker_id, WorkerState.STARTING);
    this.last_error = null;
    const worker = new Worker(spec.url, { workerData: data, name: spec.name, resourceLimits: spec.resourceLimits, execArgv: spec.execArgv });
    this.current = worker;
    this.status_ = 'running';
    let resolve_exit!: () => void;
    this.exited = new Promise<void>((resolve) => { resolve_exit = resolve; });
    worker.on('error', (error) => {
      this.last_error = error;
      this.log?.error({ err: error, worker: this.name }, 'worker threw');
    });
    worker.on('message', (message: unknown) => { this.errors?.receive(spec.worker_id, message); });
    worker.on('exit', (code) => {
      this.current = null;
      try {
        spec.onExit?.(code);
      } catch (error) {
        this.log?.error({ err: error, worker: this.name }, 'onExit hook failed');
      }
      this.onExit(code);
      resolve_exit();
    });
    this.emit('spawn', worker);
  }

  private onExit(code: number): void {
    const id = this.spec.worker_id;
    if (this.status_ === 'stopping') {
      this.status_ = 'stopped';
      this.health.setState(id, WorkerState.STOPPED);
      this.log?.info({ worker: this.name, code }, 'worker stopped');
      this.emit('stopped');
      return;
    }
    const now = Date.now();
    const window_ms = this.spec.rapid_window_ms ?? 60_000;
    this.failures = this.failures.filter((at) => now - at < window_ms);
    this.failures.push(now);
    const error = this.last_error ?? new Error(`${this.name} worker exited with code ${code} without being asked to stop`);
    this.errors?.record(id, `crashed (exit code ${code}): ${error.message}`, now);
    this.emit('crash', { code, error, failures: this.failures.length });
    const max_failures = this.spec.max_rapid_failures ?? 5;
    if (this.failures.length >= max_failures) {
      this.status_ = 'failed';
      this.health.setState(id, WorkerState.FAILED);
      this.log?.error({ worker: this.name, code, err: error, failures: this.failures.length, window_ms },
        'worker keeps crashing; the supervisor gave up');
      this.emit('failed', error);
      return;
    }
    const initial = this.spec.backoff_initial_ms ?? 250;
    const delay_ms = Math.min(initial * 2 ** (this.failures.length - 1), this.spec.backoff_max_ms ?? 10_000);
    this.status_ = 'restarting';
    this.health.setState(id, WorkerState.STARTING);
    this.log?.warn({ worker: this.name, code, err: error, restart_in_ms: delay_ms, failures: this.failures.length }, 'worker crashed; restarting');
    this.restart_timer = setTimeout(() => {
      this.restart_timer = null;
      if (this.status_ !== 'restarting') return;
      this.restarts++;
      this.health.addRestart(id);
      this.health.requestStop(id, false);
      this.spawn();
      this.emit('restart', this.restarts);
    }, delay_ms);
  }
}
