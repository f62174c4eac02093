/**
 * Launches the real OMS server for the http-json and ws-binary scenarios:
 * `node dist/io/main.js` (found next to this file's compiled location) with OMS_HOST,
 * OMS_PORT (a free port), OMS_DATA_DIR (a fresh temporary directory, removed on stop),
 * OMS_DURABILITY, and OMS_STAGE_SAMPLE_EVERY (by default 1, so that every order of the
 * benchmark is traced through the stages; scenario.ts says when not). Or, with a target
 * URL, uses an OMS that is already running.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MALLOC_ENV } from '../../io/process/malloc_env.js';
import { ScenarioName, ScenarioSettings, ScenarioUnavailableError } from '../scenarios/scenario.js';
import { freePort } from './free_port.js';
import { isReady, ServerProcess } from './server_process.js';
import { startWithDataDir } from './server_with_data_dir.js';

export const OMS_ENTRY = fileURLToPath(new URL('../../io/main.js', import.meta.url));

export interface OmsEndpoint {
  readonly host: string;
  readonly port: number;
  /** The OMS process when the bench launched it; null for an OMS at --target-url (not ours to read). */
  readonly pid: number | null;
  stop(): Promise<void>;
}

/** By default trace every order: the benchmark wants the stage table of all of them, not a sample. */
const STAGE_SAMPLE_EVERY = 1;

export async function startOms(scenario: ScenarioName, settings: ScenarioSettings): Promise<OmsEndpoint> {
  const { durability, target_url, verbose } = settings;
  if (target_url !== null) {
    const url = new URL(target_url);
    const host = url.hostname;
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    if (!(await isReady(host, port))) throw new Error(`${scenario}: no OMS ready at ${target_url} (GET /health/ready did not answer 200)`);
    return { host, port, pid: null, stop: async () => {} };
  }
  if (!existsSync(OMS_ENTRY)) {
    throw new ScenarioUnavailableError(scenario,
      `the OMS server ${OMS_ENTRY} does not exist yet (io/main.ts not written or not built: run npm run build), `
      + 'or pass --target-url http://host:port of a running OMS');
  }
  const host = '127.0.0.1';
  const started = await startWithDataDir('oms-bench-', async (data_dir) => ServerProcess.start({
    name: 'oms',
    entry: OMS_ENTRY,
    host,
    port: await freePort(host),
    env: { ...MALLOC_ENV, OMS_DATA_DIR: data_dir, OMS_DURABILITY: durability, OMS_STAGE_SAMPLE_EVERY: String(settings.stage_sample_every ?? STAGE_SAMPLE_EVERY) },
    verbose,
  }));
  return { host, port: started.server.options.port, pid: started.server.pid ?? null, stop: started.stop };
}
