/**
 * Runs one HTTP load run against host:port from `spec.generators` generator processes,
 * splitting rate and connections between them (runGeneratorProcesses).
 */
import { MergedLoad } from '../harness/load_result.js';
import { RunSpec } from '../harness/run_spec.js';
import { GeneratorProgress, runGeneratorProcesses, ScheduleListener } from './generator_process.js';
import { HttpLoadConfig } from './http_load.js';
import { loadRunConfigFor } from './load_run.js';
import { OrderRequestOptions } from './order_request.js';

export interface HttpTarget {
  readonly host: string;
  readonly port: number;
  /** Request body fields and headers; host/port/id_prefix are filled in here. */
  readonly request?: Partial<Omit<OrderRequestOptions, 'host' | 'port' | 'id_prefix'>>;
}

const GENERATOR_ENTRY = new URL('./http_load_process.js', import.meta.url);
/** Time for the generators to start and connect before the common start. */
const START_DELAY_MS = 300;

export function runHttpLoadProcesses(
  target: HttpTarget,
  spec: RunSpec,
  on_progress: (p: GeneratorProgress) => void = () => {},
  on_schedule?: ScheduleListener,
): Promise<MergedLoad> {
  return runGeneratorProcesses(GENERATOR_ENTRY, spec, START_DELAY_MS, (share) => {
    const config: HttpLoadConfig = {
      ...loadRunConfigFor(spec, share),
      host: target.host,
      port: target.port,
      request: { ...target.request, host: target.host, port: target.port, id_prefix: `b${spec.id_tag}g${share.index}-` },
      max_in_flight: spec.pipeline,
    };
    return { config };
  }, on_progress, on_schedule);
}
