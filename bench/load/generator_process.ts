/**
 * Parent side of a load-generator process: forks the entry, hands it its config, relays
 * progress and resolves with its result. Generators get their own execArgv, so they do
 * not inherit loaders or inspector flags from the parent (tap, --inspect).
 */
import { ChildProcess, fork } from 'node:child_process';
import { LoadResult } from '../harness/load_result.js';

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

/** `payload` is sent as `{ type: 'run', ...payload }`. */
export function runGeneratorProcess(
  entry: URL,
  payload: Readonly<Record<string, unknown>>,
  on_progress: (p: GeneratorProgress) => void,
  timeout_ms: number,
): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = fork(entry, [], { execArgv: [...GENERATOR_EXEC_ARGV], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
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
