/**
 * Runs one WebSocket load run from `spec.generators` generator processes, splitting rate
 * and connections between them (runGeneratorProcesses).
 */
import { MergedLoad } from '../harness/load_result.js';
import { RunSpec } from '../harness/run_spec.js';
import { GeneratorProgress, runGeneratorProcesses, ScheduleListener } from './generator_process.js';
import { loadRunConfigFor } from './load_run.js';
import { WsLoadConfig } from './ws_load.js';
import { WsProtocolName } from './ws_protocol.js';

const GENERATOR_ENTRY = new URL('./ws_load_process.js', import.meta.url);
const START_DELAY_MS = 500;

export function runWsLoadProcesses(
  url: string,
  protocol: WsProtocolName,
  spec: RunSpec,
  on_progress: (p: GeneratorProgress) => void = () => {},
  on_schedule?: ScheduleListener,
): Promise<MergedLoad> {
  return runGeneratorProcesses(GENERATOR_ENTRY, spec, START_DELAY_MS, (share) => {
    const config: WsLoadConfig = {
      ...loadRunConfigFor(spec, share),
      url,
      batch: spec.batch,
      id_prefix: `w${spec.id_tag}g${share.index}-`,
    };
    return { config, protocol };
  }, on_progress, on_schedule);
}
