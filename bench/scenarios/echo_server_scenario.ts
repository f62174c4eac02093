/**
 * What the echo baselines share: one echo server process for the scenario's lifetime
 * (bench/servers/echo_server.js: POST /orders answers, /ws echoes frames; the durable
 * ones journal every request first, the hop ones pass it through a worker standing where
 * the engine stands), a run that fails loudly if the server died under
 * the load, the server's CPU per order by thread over each measured window, and the
 * two ways of driving it (HTTP orders, or WebSocket frames in the echo framing). Each
 * baseline says only which way, and what its server does.
 */
import { MergedLoad } from '../harness/load_result.js';
import { RunSpec } from '../harness/run_spec.js';
import { measureServerWindow, ServerUnderTest } from '../harness/server_window.js';
import { GeneratorProgress, ScheduleListener } from '../load/generator_process.js';
import { runHttpLoadProcesses } from '../load/http_load_client.js';
import { runWsLoadProcesses } from '../load/ws_load_client.js';
import { EchoServer, startEchoServer } from '../servers/echo_process.js';
import { ServerProcess } from '../servers/server_process.js';
import { DEFAULT_LOAD, LoadDefaults, Scenario, ScenarioName, ScenarioSettings, Topology } from './scenario.js';

export abstract class EchoServerScenario implements Scenario {
  abstract readonly name: ScenarioName;
  abstract readonly topology: Topology;
  /** The echoes are baselines; the hop echoes run beside the plain echo (their ratio is the handoff's cost). */
  readonly baseline: ScenarioName | null = null;
  readonly durable_baseline = null;
  readonly load_defaults: LoadDefaults = DEFAULT_LOAD;
  /** True for the durable echoes: the server journals every request (the run's durability) before it answers. */
  protected readonly durable: boolean = false;
  /** True for the hop echoes: every request goes through the engine's stand-in worker (ECHO_HOP=1) before it is answered. */
  protected readonly hop: boolean = false;
  private server: EchoServer | null = null;

  constructor(protected readonly settings: ScenarioSettings) {}

  /** How the load reaches the server: POST /orders over HTTP, or binary frames on /ws. */
  protected abstract readonly transport: 'http' | 'ws';

  async start(): Promise<void> {
    this.server = await startEchoServer(this.settings.verbose, this.durable ? this.settings.durability : null, this.hop);
  }

  /** The durable echo's data directory (its journal is under it); null for the plain echo or before start. */
  get data_dir(): string | null {
    return this.server?.data_dir ?? null;
  }

  async run(spec: RunSpec, on_progress: (p: GeneratorProgress) => void): Promise<MergedLoad> {
    const server = this.server?.process;
    if (server === undefined) throw new Error(`${this.name} scenario not started`);
    const target: ServerUnderTest = {
      host: server.options.host,
      port: server.options.port,
      pid: server.pid ?? null,
      // The plain echo has one thread of its own, its main thread; the durable echo names its journal, the hop echo its worker.
      thread_names: this.durable || this.hop ? 'health_workers' : 'main_thread_only',
      reads_stages: false,
    };
    const died = () => new Error(`${this.name} server died during the run (${server.exitDescription()}):\n${server.outputTail()}`);
    let result: MergedLoad;
    try {
      result = await measureServerWindow(target, spec, (on_schedule) => this.drive(server, spec, on_progress, on_schedule));
    } catch (error) {
      throw server.hasExited() ? died() : error;
    }
    if (server.hasExited()) throw died();
    return result;
  }

  /** Runs the load against the started echo server; `on_schedule` goes to the load client. */
  private drive(server: ServerProcess, spec: RunSpec, on_progress: (p: GeneratorProgress) => void, on_schedule: ScheduleListener): Promise<MergedLoad> {
    const { host, port } = server.options;
    return this.transport === 'http'
      ? runHttpLoadProcesses({ host, port }, spec, on_progress, on_schedule)
      : runWsLoadProcesses(`ws://${host}:${port}`, 'echo-framing', spec, on_progress, on_schedule);
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = null;
  }
}
