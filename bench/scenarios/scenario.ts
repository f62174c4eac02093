/**
 * What every scenario provides to the harness. A scenario owns whatever must outlive a
 * single run (a server process), runs one load run at a time on request, and describes
 * its topology so every result says what was measured where.
 */
import { MergedLoad } from '../harness/load_result.js';
import { RunSpec } from '../harness/run_spec.js';
import { GeneratorProgress } from '../load/generator_process.js';

export const SCENARIO_NAMES = ['engine', 'ring-echo', 'http-json', 'echo', 'ws-binary', 'ws-echo', 'durable-echo', 'ws-durable-echo', 'hop-echo', 'ws-hop-echo'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** The scenarios that measure the real OMS (they serve stage histograms and can take --target-url). */
export const OMS_SCENARIOS: readonly ScenarioName[] = ['http-json', 'ws-binary'];

export const Durability = ['fsync', 'write', 'none'] as const;
export type Durability = (typeof Durability)[number];

export interface ScenarioSettings {
  /** OMS_DURABILITY for the OMS server (recorded in every result, whether or not the scenario uses it). */
  readonly durability: Durability;
  /** http-json / ws-binary: measure an OMS already running here instead of launching one. */
  readonly target_url: string | null;
  /** Show server output as it comes instead of only on failure. */
  readonly verbose: boolean;
  /**
   * OMS_STAGE_SAMPLE_EVERY of a launched OMS (default 1: every order traced). The CLI sets
   * it from --stage-sample-every, else 1 in open loop and the OMS's own default for
   * saturation runs: tracing every order cost ws-binary fsync
   * 2-19% of its closed-loop rate (bench/README.md, "Eighth pass"), a cost the deployed
   * OMS does not pay, while one order in 16 of hundreds of thousands still fills the table.
   */
  readonly stage_sample_every?: number;
}

export interface Topology {
  /** Who generates load, in which process/thread. */
  readonly generator: string;
  /** What answers, in which process/thread. */
  readonly server: string;
  /** The path one order takes. */
  readonly path: string;
}

/** Load settings a scenario needs unless the user says otherwise (its baseline runs the same load). */
export interface LoadDefaults {
  readonly connections: number;
  /** HTTP requests in flight per connection at most (0 = no cap). */
  readonly pipeline: number;
  /** Closed loop (--saturate): requests in flight per connection when --window is not given. */
  readonly window: number;
}

export const DEFAULT_LOAD: LoadDefaults = { connections: 4, pipeline: 0, window: 16 };

export interface Scenario {
  readonly name: ScenarioName;
  readonly load_defaults: LoadDefaults;
  /** The scenario that runs beside this one as its baseline (null: this is a baseline). */
  readonly baseline: ScenarioName | null;
  /**
   * The echo that also makes every request durable the OMS's way (durable-echo,
   * ws-durable-echo), run beside this one too when the run's durability is fsync or
   * write; null for every scenario but the OMS's.
   */
  readonly durable_baseline: ScenarioName | null;
  readonly topology: Topology;
  /** Starts servers; throws ScenarioUnavailableError when this build cannot run the scenario. */
  start(): Promise<void>;
  run(spec: RunSpec, on_progress: (p: GeneratorProgress) => void): Promise<MergedLoad>;
  stop(): Promise<void>;
}

/** The scenario cannot run in this build or on this machine (e.g. the OMS server is not built yet). */
export class ScenarioUnavailableError extends Error {
  constructor(readonly scenario: ScenarioName, reason: string) {
    super(`${scenario}: ${reason}`);
    this.name = 'ScenarioUnavailableError';
  }
}
