/**
 * `echo`: the http-json load against the echo server, the physical limit of HTTP order
 * entry on this machine (uWebSockets.js parsing the order JSON and answering, nothing
 * else). Runs beside every HTTP scenario as its baseline.
 *
 * Topology: echo server process (one uWS event loop) <- loopback TCP -> load-generator
 * process(es) (node:net, pipelined HTTP/1.1); the bench process only orchestrates.
 */
import { MergedLoad } from '../harness/load_result.js';
import { RunSpec } from '../harness/run_spec.js';
import { GeneratorProgress, ScheduleListener } from '../load/generator_process.js';
import { runHttpLoadProcesses } from '../load/http_load_client.js';
import { ServerProcess } from '../servers/server_process.js';
import { EchoServerScenario } from './echo_server_scenario.js';
import { Topology } from './scenario.js';

export class EchoScenario extends EchoServerScenario {
  readonly name = 'echo';
  readonly topology: Topology = {
    generator: 'HTTP load-generator process(es): node:net, pre-encoded pipelined HTTP/1.1',
    server: 'echo server process (bench/servers/echo_server.js, one uWebSockets.js event loop)',
    path: 'POST /orders over loopback TCP -> JSON.parse -> 200 with a small JSON body',
  };

  protected drive(server: ServerProcess, spec: RunSpec, on_progress: (p: GeneratorProgress) => void, on_schedule: ScheduleListener): Promise<MergedLoad> {
    return runHttpLoadProcesses({ host: server.options.host, port: server.options.port }, spec, on_progress, on_schedule);
  }
}
