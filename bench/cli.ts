/**
 * `npm run bench -- ...` / `make bench`: the OMS latency benchmark. Parses the arguments
 * (cli_args.ts), builds the plan (each scenario beside its baseline, and beside its
 * durable baseline when the run is durable, in rounds), runs it,
 * prints the table on stdout (and, with --json, one JSON object as the very last line),
 * and writes .hgrm files, the SVG chart and summary.json under bench/results/.
 *
 * Exit status: 0 when every scenario that could run ran; 1 when a scenario failed or the
 * scenario asked for cannot run in this build; 2 for a usage error.
 */
import { join } from 'node:path';
import { DEFAULT_ENGINE_CONFIG, engineConfigFromEnv } from '../engine/config/engine_config.js';
import { OMS_STAGE_SAMPLE_EVERY } from '../io/config/oms_config.js';
import { BenchOptions, parseArgs, USAGE, UsageError } from './cli_args.js';
import { BenchPlan, ItemSpec, pairWithBaseline, PlanItem, uniqueLabels } from './harness/bench_plan.js';
import { BenchReport, BenchSettings, itemReports, SweepReport } from './harness/bench_report.js';
import { Histogram } from './harness/latency_histogram.js';
import { describeMachine } from './harness/machine.js';
import { ItemOutcome, runPlan } from './harness/plan_runner.js';
import { ProgressLine } from './harness/progress_line.js';
import { planTitle, rateSweepTitle } from './harness/titles.js';
import { runSweep } from './harness/rate_sweep.js';
import { renderTable } from './harness/report_table.js';
import { reportJson, ReportFiles } from './harness/report_json.js';
import { DEFAULT_RESULTS_DIR, runDirectoryName, writeResultFiles } from './harness/result_files.js';
import { SUITES } from './harness/suites.js';
import { GENERATOR_EXEC_ARGV } from './load/generator_process.js';
import { scenarioTraits } from './scenarios/scenario_registry.js';
import { ScenarioName, ScenarioSettings } from './scenarios/scenario.js';

/** Closed-loop window of the engine scenarios (in total) when --window is not given. */
const DEFAULT_ENGINE_WINDOW = 1024;
const ENGINE_SCENARIOS: readonly ScenarioName[] = ['engine', 'ring-echo'];

async function main(argv: readonly string[]): Promise<number> {
  let options: BenchOptions;
  try {
    const parsed = parseArgs(argv);
    if (parsed.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    options = parsed.options;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`bench: ${error.message}\n(npm run bench -- --help lists every option)\n`);
    return 2;
  }

  const settings: ScenarioSettings = {
    durability: options.durability, target_url: options.target_url, verbose: options.verbose,
    stage_sample_every: options.stage_sample_every ?? (options.mode === 'saturate' ? OMS_STAGE_SAMPLE_EVERY : 1),
  };
  const progress = new ProgressLine(!options.quiet);
  let outcomes: ItemOutcome[];
  let sweep: SweepReport | null = null;
  let title: string;
  let primary: string | null = null;

  if (options.mode === 'sweep') {
    const scenario = options.scenario!;
    title = rateSweepTitle(scenario, options);
    const result = await runSweep(scenario, itemSpec(scenario, options, 'open', options.rate_per_s), {
      start_rate: options.rate_per_s,
      factor: options.sweep_factor,
      max_steps: options.sweep_steps,
      p99_budget_us: options.p99_budget_us,
    }, settings, progress);
    outcomes = result.outcomes;
    sweep = result.sweep;
    // The JSON line's top level is the highest step that held (else the last step run).
    const held = sweep.max_rate_held === null ? undefined : outcomes.find((o) => o.item.spec.rate_per_s === sweep!.max_rate_held);
    primary = (held ?? outcomes[outcomes.length - 1])?.item.label ?? null;
  } else {
    const plan = buildPlan(options);
    title = plan.title;
    outcomes = await runPlan(plan, settings, progress);
    if (options.scenario !== null) primary = plan.items[plan.items.length - 1].label;
  }

  const report: BenchReport = {
    title,
    suite: options.suite,
    created_at: new Date().toISOString(),
    settings: benchSettings(options, settings, argv),
    machine: describeMachine(),
    items: itemReports(outcomes),
    primary,
    sweep,
  };
  const histograms = new Map<string, Histogram>();
  for (const outcome of outcomes) if (outcome.aggregate !== null) histograms.set(outcome.item.label, outcome.aggregate.latency);
  let files: ReportFiles | null = null;
  if (histograms.size > 0) {
    const dir = options.out ?? join(DEFAULT_RESULTS_DIR, runDirectoryName(options.suite ?? `${options.scenario}-${options.mode}`));
    files = writeResultFiles(dir, report, histograms);
    progress.note(`results written to ${dir}`);
  }
  process.stdout.write(renderTable(report));
  if (options.json) process.stdout.write(`${JSON.stringify(reportJson(report, files))}\n`);

  const asked_for_missing = options.scenario !== null && report.items.some((i) => i.label === primary && i.status !== 'ok');
  const failed = report.items.some((i) => i.status === 'failed');
  return failed || asked_for_missing || (options.mode === 'sweep' && report.items.every((i) => i.status !== 'ok')) ? 1 : 0;
}

function buildPlan(options: BenchOptions): BenchPlan {
  const mode = options.mode === 'saturate' ? 'closed' : 'open';
  const items: PlanItem[] = [];
  if (options.suite !== null) {
    for (const entry of SUITES[options.suite]) {
      const spec = { ...itemSpec(entry.scenario, options, mode, entry.rate_per_s),
        ...(entry.connections === undefined ? {} : { connections: entry.connections }),
        ...(entry.batch === undefined ? {} : { batch: entry.batch }) };
      items.push(...pairWithBaseline(entry.scenario, scenarioTraits(entry.scenario), spec, options.baseline, options.durability));
    }
  } else {
    const scenario = options.scenario!;
    const spec = itemSpec(scenario, options, mode, options.rate_per_s);
    items.push(...pairWithBaseline(scenario, scenarioTraits(scenario), spec, options.baseline, options.durability));
  }
  return {
    title: planTitle(options, items.map((i) => i.label)),
    items: uniqueLabels(items),
    rounds: options.rounds,
    server_warmup_orders: options.server_warmup_orders,
  };
}

function itemSpec(scenario: ScenarioName, options: BenchOptions, mode: 'open' | 'closed', rate_per_s: number): ItemSpec {
  const engine = ENGINE_SCENARIOS.includes(scenario);
  const defaults = scenarioTraits(scenario).load_defaults;
  const pipeline = options.pipeline ?? defaults.pipeline;
  const window = options.window ?? (engine ? DEFAULT_ENGINE_WINDOW : defaults.window);
  return {
    mode,
    rate_per_s: mode === 'open' ? rate_per_s : 0,
    // A pipeline cap holds in closed loop too: more in flight than it allows would break
    // the connections the cap exists for (see --pipeline).
    window: !engine && pipeline > 0 ? Math.min(window, pipeline) : window,
    warmup_s: options.warmup_s,
    duration_s: options.duration_s,
    connections: engine ? 1 : options.connections ?? defaults.connections,
    generators: engine ? 1 : options.generators,
    generator_nice: engine ? 0 : options.generator_nice,
    batch: options.batch,
    pipeline,
    drain_timeout_ms: options.drain_timeout_ms,
    progress_interval_ms: options.quiet ? 0 : 1000,
  };
}

function benchSettings(options: BenchOptions, settings: ScenarioSettings, argv: readonly string[]): BenchSettings {
  let engine_config: Record<string, unknown>;
  try {
    engine_config = { ...engineConfigFromEnv(process.env) };
  } catch (error) {
    // The engine scenario will fail with the same message; the report still says what was meant.
    engine_config = { ...DEFAULT_ENGINE_CONFIG, error: (error as Error).message };
  }
  return {
    ...settings,
    mode: options.mode,
    rounds: options.mode === 'sweep' ? 1 : options.rounds,
    duration_s: options.duration_s,
    warmup_s: options.warmup_s,
    baseline: options.baseline && options.mode !== 'sweep',
    command_line: argv,
    generator_exec_argv: GENERATOR_EXEC_ARGV,
    engine_config,
    sweep: options.mode === 'sweep'
      ? { p99_budget_us: options.p99_budget_us, factor: options.sweep_factor, max_steps: options.sweep_steps }
      : null,
  };
}

// `npm run bench -- --json | head` closes stdout early: that is the reader's choice, not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    process.stderr.write(`bench: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
