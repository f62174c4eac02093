/**
 * What the two OMS scenarios share: the real OMS server for the scenario's lifetime
 * (launched with the run's durability, or the one at --target-url), described the same
 * way in every result, and read over each round's measured window: its CPU per order by
 * thread (when the bench launched it) and its stage histograms (GET /metrics/stages).
 * Each scenario says only how it drives the OMS.
 */
import { MergedLoad } from '../harness/load_result.js';
import { RunSpec } from '../harness/run_spec.js';
import { measureServerWindow } from '../harness/server_window.js';
import { GeneratorProgress, ScheduleListener } from '../load/generator_process.js';
import { OmsEndpoint, startOms } from '../servers/oms_process.js';
import { LoadDefaults, Scenario, ScenarioName, ScenarioSettings, Topology } from './scenario.js';

export abstract class OmsScenario implements Scenario {
  abstract readonly name: ScenarioName;
  abstract readonly baseline: ScenarioName;
  abstract readonly durable_baseline: ScenarioName;
  abstract readonly load_defaults: LoadDefaults;
  /** The topology's `server` line (subclasses' field initializers run after this constructor). */
  protected readonly server_description: string;
  private oms: OmsEndpoint | null = null;

  constructor(protected readonly settings: ScenarioSettings) {
    this.server_description = settings.target_url !== null
      ? `an OMS already running at ${settings.target_url}`
      : `OMS server process (node dist/io/main.js, OMS_DURABILITY=${settings.durability})`;
  }

  abstract readonly topology: Topology;

  /** Runs the load against the OMS at host:port; `on_schedule` goes to the load client. */
  protected abstract drive(
    oms: OmsEndpoint,
    spec: RunSpec,
    on_progress: (p: GeneratorProgress) => void,
    on_schedule: ScheduleListener,
  ): Promise<MergedLoad>;

  async start(): Promise<void> {
    this.oms = await startOms(this.name, this.settings);
  }

  async run(spec: RunSpec, on_progress: (p: GeneratorProgress) => void): Promise<MergedLoad> {
    const oms = this.oms;
    if (oms === null) throw new Error(`${this.name} scenario not started`);
    return measureServerWindow(
      { host: oms.host, port: oms.port, pid: oms.pid, thread_names: 'health_workers', reads_stages: true },
      spec,
      (on_schedule) => this.drive(oms, spec, on_progress, on_schedule),
    );
  }

  async stop(): Promise<void> {
    await this.oms?.stop();
    this.oms = null;
  }
}
