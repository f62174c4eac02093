/**
 * `http-json`: the real OMS over HTTP JSON, the same load as `echo` (its baseline).
 * Latency: intended send time -> the HTTP answer, which the OMS sends only once the
 * order's event is durable (OMS_DURABILITY decides what durable means: fsync, write or
 * none); so this measures validation, the rings, the engine, the journal and the reply.
 *
 * Topology: OMS server process (node dist/io/main.js: io thread + engine, journal and
 * other workers) <- loopback TCP -> load-generator process(es).
 */
import { MergedLoad } from '../harness/load_result.js';
import { RunSpec } from '../harness/run_spec.js';
import { GeneratorProgress } from '../load/generator_process.js';
import { runHttpLoadProcesses } from '../load/http_load_client.js';
import { OmsEndpoint, startOms } from '../servers/oms_process.js';
import { LoadDefaults, Scenario, ScenarioSettings, Topology } from './scenario.js';

export class HttpJsonScenario implements Scenario {
  readonly name = 'http-json';
  readonly baseline = 'echo';
  /**
   * One request in flight per connection, and enough connections to carry the rate: the
   * OMS answers an order only once it is durable (asynchronously), and uWebSockets.js
   * closes a connection on which a pipelined request arrives while an earlier answer is
   * still pending (seen with uws-pack 20.0.8). --pipeline 0 lifts the cap.
   */
  readonly load_defaults: LoadDefaults = { connections: 32, pipeline: 1, window: 1 };
  readonly topology: Topology;
  private oms: OmsEndpoint | null = null;

  constructor(private readonly settings: ScenarioSettings) {
    this.topology = {
      generator: 'HTTP load-generator process(es): node:net, pre-encoded pipelined HTTP/1.1',
      server: settings.target_url !== null
        ? `an OMS already running at ${settings.target_url}`
        : `OMS server process (node dist/io/main.js, OMS_DURABILITY=${settings.durability})`,
      path: 'POST /orders over loopback TCP -> io validation -> command ring -> engine -> journal (durable) -> 200',
    };
  }

  async start(): Promise<void> {
    this.oms = await startOms(this.name, this.settings.durability, this.settings.target_url, this.settings.verbose);
  }

  async run(spec: RunSpec, on_progress: (p: GeneratorProgress) => void): Promise<MergedLoad> {
    if (this.oms === null) throw new Error('http-json scenario not started');
    return runHttpLoadProcesses({ host: this.oms.host, port: this.oms.port }, spec, on_progress);
  }

  async stop(): Promise<void> {
    await this.oms?.stop();
    this.oms = null;
  }
}
