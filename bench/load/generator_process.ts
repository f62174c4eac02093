/**
 * Parent side of a load-generator process: forks the entry, hands it its config, relays
 * progress and resolves with its result. Generators get their own execArgv, so they do
 * not inherit loaders or inspector flags from the parent (tap, --inspect).
 */
import { ChildProcess, fork } from 'node:child_process';
import os from 'node:os';
import { LoadResult, mergeLoadResults, MergedLoad } from '../harness/load_result.js';
import { RunSpec } from '../harness/run_spec.js';

/**
 * A fixed 64 MB young generation. The pacing loop (setImmediate turns, clock reads) makes
 * garbage at a steady rate; with V8's default 1 MB start the generator scavenged ~300
 * times a second here, and each pause delayed the orders due meanwhile (measured: p99
 * send lateness 3.7 ms at 5000/s, against 0.17 ms with this setting). Only the generator
 * gets it; servers run with Node's defaults.
 */
export const GENERATOR_EXEC_ARGV: readonly string[] = ['--min-semi-space-size=64', '--max-semi-space-size=64'];

export interface GeneratorProgress {
  readonly sent: number;
  readonly answered: number;
  readonly errors: number;
  readonly in_flight: number;
}

/** Told the run's common start (epoch ms): warm-up begins there, the measured window warmup_s later. */
export type ScheduleListener = (start_at_epoch_ms: number) => void;

/** `payload` is sent as `{ type: 'run', ...payload }`. */
export function runGeneratorProcess(
  entry: URL,
  payload: Readonly<Record<string, unknown>>,
  on_progress: (p: GeneratorProgress) => void,
  timeout_ms: number,
  nice = 0,
): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = fork(entry, [], { execArgv: [...GENERATOR_EXEC_ARGV], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    // Before it is sent its work; raising a nice value needs no privilege.
    if (nice !== 0 && child.pid !== undefined) os.setPriority(child.pid, nice);
    let settled = false;
    const finish = (error: Error | null, result?: LoadResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error !== null) {
        child.kill('SIGKILL');
        reject(error);
      } else {
        resolve(result!);
      }
    };
    const timer = setTimeout(() => finish(new Error(`load generator did not finish within ${timeout_ms} ms`)), timeout_ms);
    child.on('message', (message: { type: string; progress?: GeneratorProgress; result?: LoadResult; message?: string }) => {
      if (message.type === 'progress' && message.progress !== undefined) on_progress(message.progress);
      else if (message.type === 'result') finish(null, message.result);
      else if (message.type === 'error') finish(new Error(`load generator failed: ${message.message}`));
    });
    child.on('error', (error) => finish(new Error(`load generator could not start: ${error.message}`)));
    child.on('exit', (code, signal) => finish(new Error(`load generator exited early (code ${code}, signal ${signal})`)));
    child.send({ type: 'run', ...payload });
  });
}

/** One generator's part of a run: its connections and its slice of the one open-loop schedule. */
export interface GeneratorShare {
  readonly index: number;
  readonly connections: number;
  readonly rate_per_s: number;
  /** Offset of this generator's first order, so together they send `start + i / rate`. */
  readonly phase_ms: number;
  /** The common start, `start_delay_ms` from now, leaving the processes time to connect. */
  readonly start_at_epoch_ms: number;
}

/**
 * Runs one load run from `spec.generators` generator processes (at most one per
 * connection). The rate is split evenly and each generator is offset by its share of one
 * interval, so together they send the single schedule `start + i / rate`; connections
 * are split too (at least one each). `payloadFor` turns a share into what its process gets.
 * `on_schedule` learns the common start at once, so the harness can sample the server
 * when the measured window opens (start + warm-up).
 */
export async function runGeneratorProcesses(
  entry: URL,
  spec: RunSpec,
  start_delay_ms: number,
  payloadFor: (share: GeneratorShare) => Readonly<Record<string, unknown>>,
  on_progress: (p: GeneratorProgress) => void,
  on_schedule: ScheduleListener = () => {},
): Promise<MergedLoad> {
  const generators = Math.max(1, Math.min(spec.generators, spec.connections));
  const totals = new ProgressTotals(generators);
  const start_at_epoch_ms = Date.now() + start_delay_ms;
  on_schedule(start_at_epoch_ms);
  const timeout_ms = start_delay_ms + (spec.warmup_s + spec.duration_s) * 1000 + spec.drain_timeout_ms + 30_000;
  const runs = Array.from({ length: generators }, (_, g) => {
    const share: GeneratorShare = {
      index: g,
      connections: Math.floor(spec.connections / generators) + (g < spec.connections % generators ? 1 : 0),
      rate_per_s: spec.rate_per_s / generators,
      phase_ms: spec.rate_per_s > 0 ? (g * 1000) / spec.rate_per_s : 0,
      start_at_epoch_ms,
    };
    return runGeneratorProcess(entry, payloadFor(share), (p) => on_progress(totals.update(g, p)), timeout_ms, spec.generator_nice);
  });
  return mergeLoadResults(await Promise.all(runs));
}

/** Sums the latest progress of several generators. */
export class ProgressTotals {
  private readonly latest: GeneratorProgress[];

  constructor(generators: number) {
    this.latest = Array.from({ length: generators }, () => ({ sent: 0, answered: 0, errors: 0, in_flight: 0 }));
  }

  update(generator: number, progress: GeneratorProgress): GeneratorProgress {
    this.latest[generator] = progress;
    const total = { sent: 0, answered: 0, errors: 0, in_flight: 0 };
    for (const p of this.latest) {
      total.sent += p.sent;
      total.answered += p.answered;
      total.errors += p.errors;
      total.in_flight += p.in_flight;
    }
    return total;
  }
}
