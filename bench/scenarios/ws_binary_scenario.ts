/**
 * `ws-binary`: the real OMS over its binary WebSocket protocol (io/binary, io/PROTOCOL.md).
 * Each generator connection logs on once, then sends NewOrders open loop, several per
 * WebSocket frame (--batch), and matches execution reports to orders by client order id.
 * Latency: intended send time -> the order's first report (sent once it is durable).
 * Baseline: ws-echo.
 *
 * Topology: OMS server process (node dist/io/main.js) <- loopback WebSocket -> load
 * generator process(es). The codec is loaded only when this scenario runs, so a build
 * without it can still run every other scenario.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MergedLoad } from '../harness/load_result.js';
import { RunSpec } from '../harness/run_spec.js';
import { GeneratorProgress } from '../load/generator_process.js';
import { runWsLoadProcesses } from '../load/ws_load_client.js';
import { OmsEndpoint, startOms } from '../servers/oms_process.js';
import { LoadDefaults, Scenario, ScenarioSettings, ScenarioUnavailableError, Topology } from './scenario.js';

const CODEC_ENTRY = fileURLToPath(new URL('../../io/binary/index.js', import.meta.url));

export class WsBinaryScenario implements Scenario {
  readonly name = 'ws-binary';
  readonly baseline = 'ws-echo';
  /**
   * One session: every session of an account receives the reports of all the account's
   * orders (PROTOCOL.md §7.2), so each extra connection multiplies the reports the server
   * sends and the generator decodes. Batching (--batch) carries the rate instead. With
   * one session its closed-loop window is the whole system's: 16 in flight would measure
   * the round trip (about 1 ms here), not the capacity.
   */
  readonly load_defaults: LoadDefaults = { connections: 1, pipeline: 0, window: 1024 };
  readonly topology: Topology;
  private oms: OmsEndpoint | null = null;

  constructor(private readonly settings: ScenarioSettings) {
    this.topology = {
      generator: 'WebSocket load-generator process(es): ws client, io/binary codec, several NewOrders per frame',
      server: settings.target_url !== null
        ? `an OMS already running at ${settings.target_url}`
        : `OMS server process (node dist/io/main.js, OMS_DURABILITY=${settings.durability})`,
      path: 'NewOrder over loopback WebSocket -> io decode -> command ring -> engine -> journal (durable) -> ExecutionReport',
    };
  }

  async start(): Promise<void> {
    if (!existsSync(CODEC_ENTRY)) {
      throw new ScenarioUnavailableError(this.name, `the binary codec ${CODEC_ENTRY} is not built yet (io/binary)`);
    }
    this.oms = await startOms(this.name, this.settings.durability, this.settings.target_url, this.settings.verbose);
  }

  async run(spec: RunSpec, on_progress: (p: GeneratorProgress) => void): Promise<MergedLoad> {
    if (this.oms === null) throw new Error('ws-binary scenario not started');
    return runWsLoadProcesses(`ws://${this.oms.host}:${this.oms.port}`, 'oms-binary', spec, on_progress);
  }

  async stop(): Promise<void> {
    await this.oms?.stop();
    this.oms = null;
  }
}
