/**
 * Command-line parsing for bench/cli.ts: `--name value` or `--name=value`, every value
 * checked, every mistake answered with a sentence that says what to type instead.
 */
import { Durability, SCENARIO_NAMES, ScenarioName } from './scenarios/scenario.js';
import { SUITES } from './harness/suites.js';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface BenchOptions {
  readonly scenario: ScenarioName | null;
  readonly suite: string | null;
  readonly mode: 'open' | 'saturate' | 'sweep';
  readonly rate_per_s: number;
  readonly duration_s: number;
  readonly warmup_s: number;
  /** Orders sent to each network server once, when it starts, before any round (0: none). */
  readonly server_warmup_orders: number;
  /** null: the scenario's default (4; http-json 32). */
  readonly connections: number | null;
  readonly generators: number;
  /** The generators' nice value (0: the harness's own). */
  readonly generator_nice: number;
  readonly batch: number;
  /** HTTP open loop: most requests in flight per connection; 0 = pipeline without a cap; null: the scenario's default. */
  readonly pipeline: number | null;
  /** null: the scenario's default (16 per connection for network scenarios, 1024 for the engine). */
  readonly window: number | null;
  readonly rounds: number;
  readonly baseline: boolean;
  readonly durability: Durability;
  readonly target_url: string | null;
  /** OMS_STAGE_SAMPLE_EVERY of a launched OMS; null: 1 in open loop (every order traced), the OMS's default with --saturate. */
  readonly stage_sample_every: number | null;
  readonly p99_budget_us: number;
  readonly sweep_factor: number;
  readonly sweep_steps: number;
  readonly drain_timeout_ms: number;
  readonly json: boolean;
  readonly out: string | null;
  readonly quiet: boolean;
  readonly verbose: boolean;
}

export const USAGE = `Usage:
  npm run bench -- --scenario <${SCENARIO_NAMES.join('|')}> --rate R --duration S [options]
  npm run bench -- --scenario NAME --saturate [--duration S]
  npm run bench -- --scenario NAME --sweep --rate START [--p99-budget-us US]
  npm run bench -- --suite ${Object.keys(SUITES).join('|')}            (make bench)

Load:
  --rate R              intended orders per second, open loop (sweep: the first rate)
  --duration S          measured seconds per run (default 10)
  --warmup S            seconds of unmeasured load before each run (default 2)
  --server-warmup-orders N  orders sent to each network server once, at 10 000/s, when it
                        starts and before any round, so that V8 has compiled its hot path
                        (default 20000; 0: measure a cold server, see bench/README.md "Method")
  --connections C       TCP/WebSocket connections, network scenarios (default 4; http-json 32)
  --generators N        load-generator processes, network scenarios (default 1)
  --generator-nice N    the generators' nice value, 0-19 (default 0: the harness's own; an
                        experiment, see bench/README.md "Method")
  --batch N             ws scenarios: messages per WebSocket frame at most (default 8)
  --pipeline N          HTTP: requests in flight per connection at most; 0 = no cap (default 0;
                        http-json 1, see bench/README.md). Orders due beyond it wait in the
                        generator and still count from their intended time.
  --rounds N            runs of each scenario, alternating with its baseline (default 3)
  --no-baseline         do not run the baselines (echo / ws-echo / ring-echo, and durable-echo /
                        ws-durable-echo) beside it
  --durability MODE     fsync | write | none: OMS_DURABILITY of the OMS server and ECHO_DURABILITY
                        of the durable echoes (default fsync); with fsync or write, http-json and
                        ws-binary also run beside their durable baseline
  --target-url URL      http-json / ws-binary: measure an OMS already running there
  --stage-sample-every N  trace one order in N in a launched OMS (OMS_STAGE_SAMPLE_EVERY; default 1
                        in open loop, so every order is in the stage table, and the OMS's own
                        default, 16, with --saturate). Tracing costs CPU the deployed OMS pays
                        only for its sampled orders: give 16 to read CPU per order as deployed
  --drain-timeout-ms MS wait this long for answers after the last send (default 5000)
Modes:
  --saturate            closed loop, to find the maximum throughput
  --window W            closed loop: requests in flight per connection (engine: in total;
                        default 1024 for engine and ws-binary, http-json 1, 16
                        otherwise; never more than --pipeline)
  --sweep               raise the rate step by step until p99 exceeds --p99-budget-us
  --p99-budget-us US    sweep budget (default 1000)
  --sweep-factor F      rate multiplier per step (default 1.5)
  --sweep-steps N       most steps (default 10)
Output:
  --json                print one JSON summary as the last line of stdout
  --out DIR             where to write .hgrm/.svg/summary.json (default bench/results/<time>-<what>)
  --quiet               no progress on stderr
  --verbose             show server output
  --help`;

const FLAGS = new Set(['saturate', 'sweep', 'no-baseline', 'json', 'quiet', 'verbose', 'help']);
const VALUES = new Set([
  'scenario', 'suite', 'rate', 'duration', 'warmup', 'server-warmup-orders', 'connections', 'generators', 'generator-nice', 'batch', 'pipeline', 'window', 'rounds',
  'durability', 'target-url', 'stage-sample-every', 'p99-budget-us', 'sweep-factor', 'sweep-steps', 'drain-timeout-ms', 'out',
]);

export type ParsedArgs = { readonly help: true } | { readonly help: false; readonly options: BenchOptions };

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const given = new Map<string, string>();
  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k];
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}: options start with --`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (FLAGS.has(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      given.set(name, 'true');
    } else if (VALUES.has(name)) {
      const value = eq >= 0 ? arg.slice(eq + 1) : argv[++k];
      if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
      given.set(name, value);
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  if (given.has('help')) return { help: true };

  const scenario = given.get('scenario') ?? null;
  const suite = given.get('suite') ?? null;
  if ((scenario === null) === (suite === null)) throw new UsageError('give either --scenario NAME or --suite NAME');
  if (scenario !== null && !(SCENARIO_NAMES as readonly string[]).includes(scenario)) {
    throw new UsageError(`unknown scenario ${JSON.stringify(scenario)}; choose one of ${SCENARIO_NAMES.join(', ')}`);
  }
  if (suite !== null && SUITES[suite] === undefined) {
    throw new UsageError(`unknown suite ${JSON.stringify(suite)}; choose one of ${Object.keys(SUITES).join(', ')}`);
  }
  if (given.has('saturate') && given.has('sweep')) throw new UsageError('--saturate and --sweep are separate modes: pick one');
  const mode = given.has('saturate') ? 'saturate' : given.has('sweep') ? 'sweep' : 'open';
  if (suite !== null && given.has('rate')) throw new UsageError(`--suite ${suite} sets each scenario's rate; drop --rate (or run one --scenario)`);
  if (suite !== null && mode === 'sweep') throw new UsageError('--sweep works on one --scenario, not a suite');
  if (mode === 'saturate' && given.has('rate')) throw new UsageError('--saturate is closed loop and has no rate; drop --rate (use --window to set the load)');
  if (scenario !== null && mode !== 'saturate' && !given.has('rate')) {
    throw new UsageError(mode === 'sweep' ? '--sweep needs --rate, the first rate of the sweep' : '--rate is required (orders per second), or use --saturate');
  }
  if (given.has('window') && mode !== 'saturate') throw new UsageError('--window only applies to --saturate (closed loop)');
  const durability = given.get('durability') ?? 'fsync';
  if (!(Durability as readonly string[]).includes(durability)) {
    throw new UsageError(`--durability must be one of ${Durability.join(', ')}, got ${JSON.stringify(durability)}`);
  }
  const target_url = given.get('target-url') ?? null;
  if (target_url !== null && scenario !== null && scenario !== 'http-json' && scenario !== 'ws-binary') {
    throw new UsageError('--target-url applies to the OMS scenarios (http-json, ws-binary) only');
  }
  if (target_url !== null && given.has('stage-sample-every')) {
    throw new UsageError('--stage-sample-every sets how a launched OMS samples; an OMS at --target-url keeps its own OMS_STAGE_SAMPLE_EVERY');
  }
  if (target_url !== null) {
    let url: URL;
    try {
      url = new URL(target_url);
    } catch {
      throw new UsageError(`--target-url ${JSON.stringify(target_url)} is not a URL (e.g. http://127.0.0.1:8080)`);
    }
    if (url.protocol !== 'http:') throw new UsageError('--target-url must be an http:// URL');
  }
  return {
    help: false,
    options: {
      scenario: scenario as ScenarioName | null,
      suite,
      mode,
      rate_per_s: number(given, 'rate', 0, { min_exclusive: 0 }),
      duration_s: number(given, 'duration', 10, { min_exclusive: 0 }),
      warmup_s: number(given, 'warmup', 2, { min: 0 }),
      server_warmup_orders: integer(given, 'server-warmup-orders', 20_000, 0),
      connections: given.has('connections') ? integer(given, 'connections', 0, 1) : null,
      generators: integer(given, 'generators', 1, 1),
      generator_nice: niceValue(integer(given, 'generator-nice', 0, 0)),
      batch: integer(given, 'batch', 8, 1),
      pipeline: given.has('pipeline') ? integer(given, 'pipeline', 0, 0) : null,
      window: given.has('window') ? integer(given, 'window', 0, 1) : null,
      rounds: integer(given, 'rounds', 3, 1),
      baseline: !given.has('no-baseline'),
      durability: durability as Durability,
      target_url,
      stage_sample_every: given.has('stage-sample-every') ? integer(given, 'stage-sample-every', 1, 1) : null,
      p99_budget_us: number(given, 'p99-budget-us', 1000, { min_exclusive: 0 }),
      sweep_factor: number(given, 'sweep-factor', 1.5, { min_exclusive: 1 }),
      sweep_steps: integer(given, 'sweep-steps', 10, 1),
      drain_timeout_ms: integer(given, 'drain-timeout-ms', 5000, 0),
      json: given.has('json'),
      out: given.get('out') ?? null,
      quiet: given.has('quiet'),
      verbose: given.has('verbose'),
    },
  };
}

function number(given: Map<string, string>, name: string, fallback: number, bounds: { min?: number; min_exclusive?: number }): number {
  const text = given.get(name);
  if (text === undefined) return fallback;
  const value = Number(text);
  const ok = text.trim() !== '' && Number.isFinite(value)
    && (bounds.min === undefined || value >= bounds.min)
    && (bounds.min_exclusive === undefined || value > bounds.min_exclusive);
  if (!ok) {
    const bound = bounds.min !== undefined ? `>= ${bounds.min}` : `> ${bounds.min_exclusive}`;
    throw new UsageError(`--${name} must be a number ${bound}, got ${JSON.stringify(text)}`);
  }
  return value;
}

function niceValue(value: number): number {
  if (value > 19) throw new UsageError(`--generator-nice must be at most 19, got ${value}`);
  return value;
}

function integer(given: Map<string, string>, name: string, fallback: number, min: number): number {
  const text = given.get(name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`--${name} must be a whole number >= ${min}, got ${JSON.stringify(text)}`);
  }
  return value;
}
