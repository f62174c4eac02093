/**
 * What the two echo baselines share: one echo server process for the scenario's lifetime
 * (bench/servers/echo_server.js: POST /orders answers, /ws echoes frames), and a run that
 * fails loudly if the server died under the load. Each baseline says only how it drives
 * the server.
 */
import { MergedLoad } from '../harness/load_result.js';
import { RunSpec } from '../harness/run_spec.js';
import { GeneratorProgress } from '../load/generator_process.js';
import { startEchoServer } from '../servers/echo_process.js';
import { ServerProcess } from '../servers/server_process.js';
import { DEFAULT_LOAD, Scenario, ScenarioName, ScenarioSettings, Topology } from './scenario.js';

export abstract class EchoServerScenario implements Scenario {
  abstract readonly name: ScenarioName;
  abstract readonly topology: Topology;
  readonly baseline = null;
  readonly load_defaults = DEFAULT_LOAD;
  private server: ServerProcess | null = null;

  constructor(private readonly settings: ScenarioSettings) {}

  /** Runs the load against the started echo server. */
  protected abstract drive(server: ServerProcess, spec: RunSpec, on_progress: (p: GeneratorProgress) => void): Promise<MergedLoad>;

  async start(): Promise<void> {
    this.server = await startEchoServer(this.settings.verbose);
  }

  async run(spec: RunSpec, on_progress: (p: GeneratorProgress) => void): Promise<MergedLoad> {
    const server = this.server;
    if (server === null) throw new Error(`${this.name} scenario not started`);
    const result = await this.drive(server, spec, on_progress);
    if (server.hasExited()) throw new Error(`echo server died during the run (${server.exitDescription()}):\n${server.outputTail()}`);
    return result;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = null;
  }
}
