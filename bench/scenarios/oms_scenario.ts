/**
 * What the two OMS scenarios share: the real OMS server for the scenario's lifetime
 * (launched with the run's durability, or the one at --target-url), described the same
 * way in every result. Each scenario says only how it drives the OMS.
 */
import { MergedLoad } from '../harness/load_result.js';
import { RunSpec } from '../harness/run_spec.js';
import { GeneratorProgress } from '../load/generator_process.js';
import { OmsEndpoint, startOms } from '../servers/oms_process.js';
import { LoadDefaults, Scenario, ScenarioName, ScenarioSettings, Topology } from './scenario.js';

export abstract class OmsScenario implements Scenario {
  abstract readonly name: ScenarioName;
  abstract readonly baseline: ScenarioName;
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

  /** Runs the load against the OMS at host:port. */
  protected abstract drive(oms: OmsEndpoint, spec: RunSpec, on_progress: (p: GeneratorProgress) => void): Promise<MergedLoad>;

  async start(): Promise<void> {
    this.oms = await startOms(this.name, this.settings.durability, this.settings.target_url, this.settings.verbose);
  }

  async run(spec: RunSpec, on_progress: (p: GeneratorProgress) => void): Promise<MergedLoad> {
    if (this.oms === null) throw new Error(`${this.name} scenario not started`);
    return this.drive(this.oms, spec, on_progress);
  }

  async stop(): Promise<void> {
    await this.oms?.stop();
    this.oms = null;
  }
}
