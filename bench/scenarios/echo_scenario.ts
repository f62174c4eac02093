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
import { GeneratorProgress } from '../load/generator_process.js';
import { runHttpLoadProcesses } from '../load/http_load_client.js';
import { startEchoServer } from '../servers/echo_process.js';
import { ServerProcess } from '../servers/server_process.js';
import { DEFAULT_LOAD, Scenario, ScenarioSettings, Topology } from './scenario.js';

export class EchoScenario implements Scenario {
  readonly name = 'echo';
  readonly baseline = null;
  readonly load_defaults = DEFAULT_LOAD;
  readonly topology: Topology = {
    generator: 'HTTP load-generator process(es): node:net, pre-encoded pipelined HTTP/1.1',
    server: 'echo server process (bench/servers/echo_server.js, one uWebSockets.js event loop)',
    path: 'POST /orders over loopback TCP -> JSON.parse -> 200 with a small JSON body',
  };
  private server: ServerProcess | null = null;

  constructor(private readonly settings: ScenarioSettings) {}

  async start(): Promise<void> {
    this.server = await startEchoServer(this.settings.verbose);
  }

  async run(spec: RunSpec, on_progress: (p: GeneratorProgress) => void): Promise<MergedLoad> {
    const server = this.server;
    if (server === null) throw new Error('echo scenario not started');
    const result = await runHttpLoadProcesses({ host: server.options.host, port: server.options.port }, spec, on_progress);
    if (server.hasExited()) throw new Error(`echo server died during the run (${server.exitDescription()}):\n${server.outputTail()}`);
    return result;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = null;
  }
}
