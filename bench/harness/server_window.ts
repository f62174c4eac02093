/**
 * What the server did during a round's measured window, read beside the load: its CPU
 * per completed order by thread (when the bench launched the process, so its /proc is
 * ours to read) and, for the OMS, its stage histograms.
 *
 * The server is read twice: when the measured window opens (the generators' common start
 * plus the warm-up, learnt from the load client's schedule) and when the load run
 * returns (every measured order answered or given up on). So both readings bracket the
 * orders the generator measured, not the warm-up. At the open the bench reads /proc
 * (free for the server), asks for thread names and starts the OMS's stage window
 * (POST /metrics/stages/window: a reset per stage); the stage histograms are read and
 * encoded only at the close, when no measured order waits behind the io thread.
 */
import type { ScheduleListener } from '../load/generator_process.js';
import { CpuPerOrder, cpuPerOrder, ThreadCpuSample } from './cpu_per_order.js';
import { getJson, requestJson } from './get_json.js';
import { MergedLoad } from './load_result.js';
import { RunSpec } from './run_spec.js';
import { parseStageHistograms, StageHistograms } from './stage_histograms.js';
import { readThreadSchedNs, ThreadSchedNs } from './thread_cpu.js';
import { mainThreadOnly, ThreadNames, threadNamesFromWorkers } from './thread_names.js';

export interface ServerUnderTest {
  readonly host: string;
  readonly port: number;
  /** The server's process id when the bench launched it; null: its CPU is not measured (e.g. an OMS at --target-url). */
  readonly pid: number | null;
  /** Where its threads' names come from: GET /health/workers, or none but the main thread (io). */
  readonly thread_names: 'health_workers' | 'main_thread_only';
  /** Whether to read the stage window (POST then GET /metrics/stages/window; a 404 means the server has none: stages null). */
  readonly reads_stages: boolean;
}

/** A round's server-side figures. */
export interface ServerWindow {
  /** null: not measured, or no order completed. */
  readonly cpu_us_per_order: CpuPerOrder | null;
  /**
   * The same per thread for the time spent runnable but waiting for a CPU: on a machine
   * whose cores the load generator shares, where an order's time goes that no stage of the
   * server's own can show (bench/README.md, "Eighth pass").
   */
  readonly wait_us_per_order: CpuPerOrder | null;
  /** null: the server serves no stage histograms, or the readings do not describe one window. */
  readonly stages: StageHistograms | null;
}

export const NOT_MEASURED: ServerWindow = { cpu_us_per_order: null, wait_us_per_order: null, stages: null };

interface OpeningReading {
  readonly cpu: ThreadCpuSample | null;
  readonly wait: ThreadCpuSample | null;
  /** The server's stage window was started (false: it has none, or it was not asked). */
  readonly stage_window: boolean;
}

interface ClosingReading {
  readonly cpu: ThreadCpuSample | null;
  readonly wait: ThreadCpuSample | null;
  /** The stage window's histograms; null: no window. */
  readonly stages: StageHistograms | null;
}

/**
 * Runs one load run (`run` passes the listener on to the load client) and reads `server`
 * at the edges of its measured window; the result is the run's, with `server` added.
 */
export async function measureServerWindow(
  server: ServerUnderTest,
  spec: RunSpec,
  run: (on_schedule: ScheduleListener) => Promise<MergedLoad>,
): Promise<MergedLoad> {
  const opened: { reading: Promise<OpeningReading> | null } = { reading: null };
  let timer: NodeJS.Timeout | undefined;
  let load: MergedLoad;
  try {
    load = await run((start_at_epoch_ms) => {
      const opens_in_ms = start_at_epoch_ms + spec.warmup_s * 1000 - Date.now();
      timer = setTimeout(() => {
        opened.reading = openWindow(server);
        // Awaited after the run; until then a failure must not count as unhandled.
        opened.reading.catch(() => {});
      }, Math.max(0, opens_in_ms));
    });
  } finally {
    clearTimeout(timer);
  }
  // The run ended before its measured window opened (it failed early): nothing to bracket.
  if (opened.reading === null) return { ...load, server: NOT_MEASURED };
  const first = await opened.reading;
  const last = await closeWindow(server, first.stage_window);
  return { ...load, server: windowBetween(first, last, load.completed) };
}

export function windowBetween(first: OpeningReading, last: ClosingReading, completed: number): ServerWindow {
  return {
    cpu_us_per_order: first.cpu !== null && last.cpu !== null ? cpuPerOrder(first.cpu, last.cpu, completed) : null,
    wait_us_per_order: first.wait !== null && last.wait !== null ? cpuPerOrder(first.wait, last.wait, completed) : null,
    stages: last.stages,
  };
}

async function openWindow(server: ServerUnderTest): Promise<OpeningReading> {
  // The CPU first, at once: this instant is the window's edge. The requests come after it.
  const sched = server.pid === null ? null : readThreadSchedNs(server.pid);
  const [names, stage_window] = await Promise.all([
    sched === null ? null : threadNames(server, server.pid!),
    server.reads_stages ? startStageWindow(server) : false,
  ]);
  return { ...samples(sched, names), stage_window };
}

async function closeWindow(server: ServerUnderTest, stage_window: boolean): Promise<ClosingReading> {
  const sched = server.pid === null ? null : readThreadSchedNs(server.pid);
  const [names, stages] = await Promise.all([
    sched === null ? null : threadNames(server, server.pid!),
    stage_window ? readStageWindow(server) : null,
  ]);
  return { ...samples(sched, names), stages };
}

/** One reading as two samples for cpuPerOrder: time on a CPU, and time waiting for one. */
function samples(sched: ThreadSchedNs | null, names: ThreadNames | null): { cpu: ThreadCpuSample | null; wait: ThreadCpuSample | null } {
  if (sched === null || names === null) return { cpu: null, wait: null };
  return { cpu: { cpu_ns: sched.on_cpu, names }, wait: { cpu_ns: sched.waited, names } };
}

async function threadNames(server: ServerUnderTest, pid: number): Promise<ThreadNames> {
  if (server.thread_names === 'main_thread_only') return mainThreadOnly(pid);
  const answer = await getJson(server.host, server.port, '/health/workers');
  return threadNamesFromWorkers(answer.body, pid);
}

async function startStageWindow(server: ServerUnderTest): Promise<boolean> {
  const answer = await requestJson(server.host, server.port, 'POST', '/metrics/stages/window');
  if (answer.status === 404) return false;
  if (answer.status !== 200) throw new Error(`POST /metrics/stages/window answered ${answer.status}`);
  return true;
}

/** The window's histograms; null if the OMS has no window open (it restarted since the open: no one window). */
async function readStageWindow(server: ServerUnderTest): Promise<StageHistograms | null> {
  const answer = await getJson(server.host, server.port, '/metrics/stages/window');
  if (answer.status !== 200) throw new Error(`GET /metrics/stages/window answered ${answer.status}`);
  if ((answer.body as { started_at_us?: unknown } | null)?.started_at_us === null) return null;
  return parseStageHistograms(answer.body);
}
