/**
 * The health probes as pure functions of shared memory, for the io thread to mount:
 *
 *   /health/live     always 200: the process can answer.
 *   /health/ready    200 only if orders can be taken now: the engine and the journal are
 *                    RUNNING, their heartbeats are younger than `max_heartbeat_age_ms`,
 *                    and the journal is at most `max_journal_lag` events behind the
 *                    engine; the workers whose output risk reads (PnL: the daily loss;
 *                    market data: the marks), when the configuration runs them, are
 *                    RUNNING, and market data has published a first mark. Else 503 with
 *                    every reason. Without its inputs, a worker the risk check needs
 *                    would soon (or, before its first write, at once) make every order a
 *                    STALE_PNL, STALE_MARK or NO_REFERENCE_PRICE refusal.
 *                    Its body also names every degraded worker (`degraded`), which does
 *                    not make it 503: a sink whose broker is down, or a snapshot that
 *                    failed, does not stop order entry (orders are durable in the journal
 *                    and a sink catches up from its cursor), but the operator must see it.
 *   /health/workers  200 with every worker's line: state and since when, heartbeat age,
 *                    processed, lag, errors, restarts, last error, its thread's heap;
 *                    the process's resident memory and the io thread's heap; a worker the
 *                    configuration turned off says "disabled"; and the same `degraded`
 *                    list.
 *
 * A degraded worker is an enabled one in state DEGRADED (running, but not doing its job:
 * a broker or a feed is down, a snapshot failed) or FAILED (its supervisor gave up), with
 * the time it entered that state and its last error.
 *
 * Nothing here asks a worker anything: it reads the health block, the journal progress
 * and the engine counters, which their owners keep current, and the last errors the
 * supervisors received (worker_errors.ts).
 */
import { MarkField } from '../../engine/reference/mark_table.js';
import { SeqlockTable } from '../../engine/reference/seqlock_table.js';
import { EngineCounter } from '../../engine/telemetry/engine_counters.js';
import { heapFigures, WorkerHealthBlock } from '../../engine/telemetry/worker_health.js';
import { WORKER_COUNT, WORKER_NAMES, WorkerId, WorkerState } from '../../engine/telemetry/worker_health_layout.js';
import { durableSeq } from '../../engine/reference/journal_progress.js';
import type { WorkerErrors } from './worker_errors.js';

export interface HealthResponse<T> {
  readonly status: number;
  readonly body: T;
}

export function liveReport(): HealthResponse<{ status: 'ok' }> {
  return { status: 200, body: { status: 'ok' } };
}

export interface ReadinessInputs {
  readonly health: WorkerHealthBlock;
  /** The journal's "durable up to" table; with the engine counters it gives the journal lag. */
  readonly journal_progress?: SeqlockTable | null;
  readonly engine_counters?: Float64Array | null;
  /** Default 2000 ms. */
  readonly max_heartbeat_age_ms?: number;
  /** Events the engine may be ahead of the journal (default 32768). */
  readonly max_journal_lag?: number;
  /**
   * Worker names the configuration runs (as for workersReport). PnL and market data count
   * for readiness only when listed here: without the set, neither is checked.
   */
  readonly enabled?: ReadonlySet<string>;
  /** The mark table, to tell whether an enabled market-data worker has published a first mark. */
  readonly marks?: SeqlockTable | null;
  /** The workers' last errors, named for degraded workers (absent: null). */
  readonly errors?: WorkerErrors | null;
  readonly now_ms?: number;
}

/** The workers whose output pre-trade risk reads, checked for readiness when enabled. */
const RISK_INPUT_WORKERS = [WorkerId.PNL, WorkerId.MARKET_DATA] as const;

export interface ReadyBody {
  readonly status: 'ready' | 'not_ready';
  readonly reasons: string[];
  /** Engine's last sequence minus the durable sequence (null if unknown). */
  readonly journal_lag: number | null;
  /** Enabled workers that are degraded or failed; readiness does not depend on this list. */
  readonly degraded: DegradedWorker[];
}

export interface DegradedWorker {
  readonly name: string;
  readonly state: 'degraded' | 'failed';
  /** When it entered that state (ISO 8601; null: unknown). */
  readonly since: string | null;
  /** The last error its supervisor heard of (the broker's or feed's message, or the crash), null if none. */
  readonly last_error: string | null;
  readonly last_error_at: string | null;
}

/** Every enabled worker in state DEGRADED or FAILED, with since when and its last error. */
export function degradedWorkers(health: WorkerHealthBlock, enabled?: ReadonlySet<string>, errors?: WorkerErrors | null): DegradedWorker[] {
  const degraded: DegradedWorker[] = [];
  for (let w = 0; w < WORKER_COUNT; w++) {
    const state = health.state(w);
    if (state !== WorkerState.DEGRADED && state !== WorkerState.FAILED) continue;
    if (enabled !== undefined && !enabled.has(WORKER_NAMES[w])) continue;
    const since = health.view(w).state_since_ms;
    const error = errors?.last(w) ?? null;
    degraded.push({
      name: WORKER_NAMES[w],
      state: state === WorkerState.DEGRADED ? 'degraded' : 'failed',
      since: isoOrNull(since),
      last_error: error?.message ?? null,
      last_error_at: isoOrNull(error?.at_ms ?? null),
    });
  }
  return degraded;
}

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

export function readyReport(inputs: ReadinessInputs): HealthResponse<ReadyBody> {
  const now = inputs.now_ms ?? Date.now();
  const max_age = inputs.max_heartbeat_age_ms ?? 2_000;
  const max_lag = inputs.max_journal_lag ?? 32_768;
  const reasons: string[] = [];
  for (const worker of [WorkerId.ENGINE, WorkerId.JOURNAL]) {
    const name = WORKER_NAMES[worker];
    const state = inputs.health.state(worker);
    if (state !== WorkerState.RUNNING) reasons.push(`${name} is ${inputs.health.view(worker, now).state}, not running`);
    const age = inputs.health.heartbeatAgeMs(worker, now);
    if (age === null) reasons.push(`${name} has no heartbeat`);
    else if (age > max_age) reasons.push(`${name} heartbeat is ${Math.round(age)} ms old (limit ${max_age} ms)`);
  }
  for (const worker of RISK_INPUT_WORKERS) {
    if (!runs(inputs, worker)) continue;
    const state = inputs.health.state(worker);
    if (state !== WorkerState.RUNNING) reasons.push(`${WORKER_NAMES[worker]} is ${inputs.health.view(worker, now).state}, not running`);
  }
  if (inputs.marks && runs(inputs, WorkerId.MARKET_DATA) && !anyMarkPublished(inputs.marks)) {
    reasons.push('market_data has published no mark yet');
  }
  const lag = journalLag(inputs);
  if (lag !== null && lag > max_lag) reasons.push(`journal is ${lag} events behind the engine (limit ${max_lag})`);
  const ready = reasons.length === 0;
  const degraded = degradedWorkers(inputs.health, inputs.enabled, inputs.errors);
  return { status: ready ? 200 : 503, body: { status: ready ? 'ready' : 'not_ready', reasons, journal_lag: lag, degraded } };
}

/** The configuration runs this worker: listed in `enabled` and not DISABLED in the block. */
function runs(inputs: ReadinessInputs, worker: number): boolean {
  return inputs.enabled !== undefined && inputs.enabled.has(WORKER_NAMES[worker])
    && inputs.health.state(worker) !== WorkerState.DISABLED;
}

/** True once any symbol's mark has been written (its UPDATED_AT_MS is set). */
function anyMarkPublished(marks: SeqlockTable): boolean {
  for (let symbol = 0; symbol < marks.record_count; symbol++) {
    if (marks.readField(symbol, MarkField.UPDATED_AT_MS) > 0) return true;
  }
  return false;
}

/** Events the engine emitted that are not durable yet; null without the inputs to tell. */
export function journalLag(inputs: Pick<ReadinessInputs, 'health' | 'journal_progress' | 'engine_counters'>): number | null {
  if (inputs.journal_progress && inputs.engine_counters) {
    return Math.max(0, inputs.engine_counters[EngineCounter.LAST_SEQ] - durableSeq(inputs.journal_progress));
  }
  // Without the counters, the journal's own line says how much of the ring it has not written.
  const view = inputs.health.view(WorkerId.JOURNAL);
  return view.heartbeat_age_ms === null ? null : view.lag;
}

export interface WorkerReport {
  readonly name: string;
  readonly state: string;
  readonly enabled: boolean;
  readonly heartbeat_age_ms: number | null;
  readonly processed: number;
  readonly lag: number;
  readonly errors: number;
  readonly restarts: number;
  readonly position: number;
  /** The worker thread's Linux thread id (its CPU time: /proc/<pid>/task/<os_tid>/schedstat). */
  readonly os_tid: number | null;
  /** The thread's nice value now (OMS_BACKGROUND_NICE for the workers off the order path; null: unknown). */
  readonly thread_nice: number | null;
  /** When it entered its current state (ISO 8601; null: unknown). */
  readonly state_since: string | null;
  /** The worker thread's V8 heap, used, reserved, and used outside the young generation, sampled each second (null: not yet). */
  readonly heap_used_bytes: number | null;
  readonly heap_total_bytes: number | null;
  readonly heap_old_bytes: number | null;
  /** The last error its supervisor heard of, whatever its state now (null if none). */
  readonly last_error: { readonly message: string; readonly at: string } | null;
}

export interface WorkersBody {
  /** "ok" when every enabled worker is running, else "degraded". */
  readonly status: 'ok' | 'degraded';
  /**
   * The process, whose main thread (tid = pid) is the io thread: its resident memory (all
   * threads) and the io thread's own V8 heap.
   */
  readonly process: {
    readonly pid: number;
    readonly io_tid: number;
    readonly rss_bytes: number;
    readonly io_heap_used_bytes: number;
    readonly io_heap_total_bytes: number;
    readonly io_heap_old_bytes: number;
  };
  readonly workers: WorkerReport[];
  /** As in the readiness body: enabled workers that are degraded or failed. */
  readonly degraded: DegradedWorker[];
}

/**
 * @param enabled worker names the configuration runs; any other worker is reported as
 *   disabled. Omit to report every worker as enabled.
 */
export function workersReport(health: WorkerHealthBlock, enabled?: ReadonlySet<string>, now_ms = Date.now(), errors: WorkerErrors | null = null): HealthResponse<WorkersBody> {
  const workers: WorkerReport[] = [];
  let degraded = false;
  for (let w = 0; w < WORKER_COUNT; w++) {
    const view = health.view(w, now_ms);
    const on = (enabled === undefined || enabled.has(view.name)) && health.state(w) !== WorkerState.DISABLED;
    if (on && health.state(w) !== WorkerState.RUNNING) degraded = true;
    workers.push({
      name: view.name,
      state: on ? view.state : 'disabled',
      enabled: on,
      heartbeat_age_ms: view.heartbeat_age_ms === null ? null : Math.round(view.heartbeat_age_ms),
      processed: view.processed,
      lag: view.lag,
      errors: view.errors,
      restarts: view.restarts,
      position: view.position,
      os_tid: view.os_tid,
      thread_nice: on ? view.thread_nice : null,
      state_since: on ? isoOrNull(view.state_since_ms) : null,
      heap_used_bytes: on ? view.heap_used_bytes : null,
      heap_total_bytes: on ? view.heap_total_bytes : null,
      heap_old_bytes: on ? view.heap_old_bytes : null,
      last_error: lastError(errors, w),
    });
  }
  return {
    status: 200,
    body: {
      status: degraded ? 'degraded' : 'ok', process: processMemory(), workers,
      degraded: degradedWorkers(health, enabled, errors),
    },
  };
}

function processMemory(): WorkersBody['process'] {
  const heap = heapFigures();
  return {
    pid: process.pid, io_tid: process.pid, rss_bytes: process.memoryUsage.rss(),
    io_heap_used_bytes: heap.used_bytes, io_heap_total_bytes: heap.total_bytes, io_heap_old_bytes: heap.old_bytes,
  };
}

function lastError(errors: WorkerErrors | null, worker: number): WorkerReport['last_error'] {
  const error = errors?.last(worker) ?? null;
  return error === null ? null : { message: error.message, at: new Date(error.at_ms).toISOString() };
}
