/**
 * `ws-binary`: the real OMS over its binary WebSocket protocol (io/binary, io/PROTOCOL.md).
 * Each generator connection logs on once, then sends NewOrders open loop, several per
 * WebSocket frame (--batch), and matches execution reports to orders by client order id.
 * Latency: intended send time -> the order's first report (sent once it is durable).
 * Baselines: ws-echo, and ws-durable-echo when the run is durable (fsync or write).
 *
 * Topology: OMS server process (node dist/io/main.js) <- loopback WebSocket -> load
 * generator process(es). The codec is loaded only when this scenario runs, so a build
 * without it can still run every other scenario.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MergedLoad } from '../harness/load_result.js';
import { RunSpec } from '../harness/run_spec.js';
import { GeneratorProgress, ScheduleListener } from '../load/generator_process.js';
import { runWsLoadProcesses } from '../load/ws_load_client.js';
import { OmsEndpoint } from '../servers/oms_process.js';
import { OmsScenario } from './oms_scenario.js';
import { LoadDefaults, ScenarioUnavailableError, Topology } from './scenario.js';

const CODEC_ENTRY = fileURLToPath(new URL('../../io/binary/index.js', import.meta.url));

export class WsBinaryScenario extends OmsScenario {
  readonly name = 'ws-binary';
  readonly baseline = 'ws-echo';
  readonly durable_baseline = 'ws-durable-echo';
  /**
   * One session: every session of an account receives the reports of all the account's
   * orders (PROTOCOL.md §7.2), so each extra connection multiplies the reports the server
   * sends and the generator decodes. Batching (--batch) carries the rate instead. With
   * one session its closed-loop window is the whole system's: 16 in flight would measure
   * the round trip (about 1 ms here), not the capacity.
   */
  readonly load_defaults: LoadDefaults = { connections: 1, pipeline: 0, window: 1024 };
  readonly topology: Topology = {
    generator: 'WebSocket load-generator process(es): ws client, io/binary codec, several NewOrders per frame',
    server: this.server_description,
    path: 'NewOrder over loopback WebSocket -> io decode -> command ring -> engine -> journal (durable) -> ExecutionReport',
  };

  override async start(): Promise<void> {
    if (!existsSync(CODEC_ENTRY)) {
      throw new ScenarioUnavailableError(this.name, `the binary codec ${CODEC_ENTRY} is not built yet (io/binary)`);
    }
    await super.start();
  }

  protected drive(oms: OmsEndpoint, spec: RunSpec, on_progress: (p: GeneratorProgress) => void, on_schedule: ScheduleListener): Promise<MergedLoad> {
    return runWsLoadProcesses(`ws://${oms.host}:${oms.port}`, 'oms-binary', spec, on_progress, on_schedule);
  }
}
