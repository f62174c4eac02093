/**
 * Runs one WebSocket load run from `spec.generators` generator processes, splitting rate
 * and connections between them like http_load_client.ts.
 */
import { mergeLoadResults, MergedLoad } from '../harness/load_result.js';
import { RunSpec } from '../harness/run_spec.js';
import { GeneratorProgress, ProgressTotals, runGeneratorProcess } from './generator_process.js';
import { WsLoadConfig } from './ws_load.js';
import { WsProtocolName } from './ws_protocol.js';

const GENERATOR_ENTRY = new URL('./ws_load_process.js', import.meta.url);
const START_DELAY_MS = 500;

export async function runWsLoadProcesses(
  url: string,
  protocol: WsProtocolName,
  spec: RunSpec,
  on_progress: (p: GeneratorProgress) => void = () => {},
): Promise<MergedLoad> {
  const generators = Math.max(1, Math.min(spec.generators, spec.connections));
  const totals = new ProgressTotals(generators);
  const start_at_epoch_ms = Date.now() + START_DELAY_MS;
  const timeout_ms = START_DELAY_MS + (spec.warmup_s + spec.duration_s) * 1000 + spec.drain_timeout_ms + 30_000;
  const runs = Array.from({ length: generators }, (_, g) => {
    const config: WsLoadConfig = {
      url,
      connections: Math.floor(spec.connections / generators) + (g < spec.connections % generators ? 1 : 0),
      mode: spec.mode,
      rate_per_s: spec.rate_per_s / generators,
      phase_ms: spec.rate_per_s > 0 ? (g * 1000) / spec.rate_per_s : 0,
      window: spec.window,
      batch: spec.batch,
      warmup_s: spec.warmup_s,
      duration_s: spec.duration_s,
      start_at_epoch_ms,
      drain_timeout_ms: spec.drain_timeout_ms,
      progress_interval_ms: spec.progress_interval_ms,
      id_prefix: `w${spec.id_tag}g${g}-`,
    };
    return runGeneratorProcess(GENERATOR_ENTRY, { config, protocol }, (p) => on_progress(totals.update(g, p)), timeout_ms);
  });
  return mergeLoadResults(await Promise.all(runs));
}
