/**
 * Runs one HTTP load run against host:port from `spec.generators` generator processes.
 * Open loop: the rate is split evenly and each generator is offset by its share of one
 * interval, so together they send the single schedule `start + i / rate`. Connections
 * are split between generators too (at least one each).
 */
import { mergeLoadResults, MergedLoad } from '../harness/load_result.js';
import { RunSpec } from '../harness/run_spec.js';
import { GeneratorProgress, ProgressTotals, runGeneratorProcess } from './generator_process.js';
import { HttpLoadConfig } from './http_load.js';
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

export async function runHttpLoadProcesses(
  target: HttpTarget,
  spec: RunSpec,
  on_progress: (p: GeneratorProgress) => void = () => {},
): Promise<MergedLoad> {
  const generators = Math.max(1, Math.min(spec.generators, spec.connections));
  const totals = new ProgressTotals(generators);
  const start_at_epoch_ms = Date.now() + START_DELAY_MS;
  const timeout_ms = START_DELAY_MS + (spec.warmup_s + spec.duration_s) * 1000 + spec.drain_timeout_ms + 30_000;
  const runs = Array.from({ length: generators }, (_, g) => {
    const config: HttpLoadConfig = {
      host: target.host,
      port: target.port,
      request: { ...target.request, host: target.host, port: target.port, id_prefix: `b${spec.id_tag}g${g}-` },
      connections: Math.floor(spec.connections / generators) + (g < spec.connections % generators ? 1 : 0),
      mode: spec.mode,
      rate_per_s: spec.rate_per_s / generators,
      phase_ms: spec.rate_per_s > 0 ? (g * 1000) / spec.rate_per_s : 0,
      window: spec.window,
      max_in_flight: spec.pipeline,
      warmup_s: spec.warmup_s,
      duration_s: spec.duration_s,
      start_at_epoch_ms,
      drain_timeout_ms: spec.drain_timeout_ms,
      progress_interval_ms: spec.progress_interval_ms,
    };
    return runGeneratorProcess(GENERATOR_ENTRY, { config }, (p) => on_progress(totals.update(g, p)), timeout_ms);
  });
  return mergeLoadResults(await Promise.all(runs));
}
