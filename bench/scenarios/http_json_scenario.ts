/**
 * `http-json`: the real OMS over HTTP JSON, the same load as `echo` (its baseline).
 * Latency: intended send time -> the HTTP answer, which the OMS sends only once the
 * order's event is durable (OMS_DURABILITY decides what durable means: fsync, write or
 * none); so this measures validation, the rings, the engine, the journal and the reply.
 * Besides `echo` (what any HTTP order entry costs), it runs beside `durable-echo` when the
 * run is durable (what an answer that waits for the journal costs).
 *
 * Topology: OMS server process (node dist/io/main.js: io thread + engine, journal and
 * other workers) <- loopback TCP -> load-generator process(es).
 */
import { MergedLoad } from '../harness/load_result.js';
import { RunSpec } from '../harness/run_spec.js';
import { GeneratorProgress, ScheduleListener } from '../load/generator_process.js';
import { runHttpLoadProcesses } from '../load/http_load_client.js';
import { OmsEndpoint } from '../servers/oms_process.js';
import { OmsScenario } from './oms_scenario.js';
import { LoadDefaults, Topology } from './scenario.js';

export class HttpJsonScenario extends OmsScenario {
  readonly name = 'http-json';
  readonly baseline = 'echo';
  readonly durable_baseline = 'durable-echo';
  /**
   * One request in flight per connection, and enough connections to carry the rate: the
   * OMS answers an order only once it is durable (asynchronously), and uWebSockets.js
   * closes a connection on which a pipelined request arrives while an earlier answer is
   * still pending (seen with uws-pack 20.0.8). --pipeline 0 lifts the cap.
   */
  readonly load_defaults: LoadDefaults = { connections: 32, pipeline: 1, window: 1 };
  readonly topology: Topology = {
    generator: 'HTTP load-generator process(es): node:net, pre-encoded pipelined HTTP/1.1',
    server: this.server_description,
    path: 'POST /orders over loopback TCP -> io validation -> command ring -> engine -> journal (durable) -> 200',
  };

  protected drive(oms: OmsEndpoint, spec: RunSpec, on_progress: (p: GeneratorProgress) => void, on_schedule: ScheduleListener): Promise<MergedLoad> {
    return runHttpLoadProcesses({ host: oms.host, port: oms.port }, spec, on_progress, on_schedule);
  }
}
