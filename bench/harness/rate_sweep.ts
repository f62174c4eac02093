/**
 * The rate sweep: runs one scenario open loop at rising rates (each step `factor` times
 * the last) and stops at the first step that breaks: p99 above the budget, any error, or
 * a throughput below 95% of the intended rate (the system, or the generator, could not
 * keep up). The answer is the highest rate that held. The scenario's server is started
 * once for the whole sweep.
 */
import { createScenario } from '../scenarios/scenario_registry.js';
import { ScenarioName, ScenarioSettings, ScenarioUnavailableError } from '../scenarios/scenario.js';
import { ItemSpec } from './bench_plan.js';
import { SweepReport, SweepStep } from './bench_report.js';
import { ItemOutcome } from './plan_runner.js';
import { ProgressLine } from './progress_line.js';
import { aggregateRounds } from './round_aggregate.js';
import { newRunTag } from './run_spec.js';
import { summarize } from './run_summary.js';

export interface SweepOptions {
  readonly start_rate: number;
  readonly factor: number;
  readonly max_steps: number;
  readonly p99_budget_us: number;
}

/** A step holds if throughput reaches this share of the intended rate. */
const KEPT_UP_SHARE = 0.95;

export async function runSweep(
  scenario_name: ScenarioName,
  base: ItemSpec,
  options: SweepOptions,
  settings: ScenarioSettings,
  progress: ProgressLine,
): Promise<{ outcomes: ItemOutcome[]; sweep: SweepReport }> {
  const scenario = createScenario(scenario_name, settings);
  const outcomes: ItemOutcome[] = [];
  const steps: SweepStep[] = [];
  try {
    await scenario.start();
  } catch (error) {
    const status = error instanceof ScenarioUnavailableError ? 'unavailable' : 'failed';
    const item = { scenario: scenario_name, label: scenario_name, spec: base, baseline_label: null, durable_baseline_label: null };
    return { outcomes: [{ item, status, reason: (error as Error).message, topology: scenario.topology, aggregate: null }], sweep: { p99_budget_us: options.p99_budget_us, steps, max_rate_held: null } };
  }
  try {
    let rate = options.start_rate;
    for (let step = 0; step < options.max_steps; step++) {
      const spec = { ...base, mode: 'open' as const, rate_per_s: rate, id_tag: newRunTag() };
      const label = `${scenario_name}@${rate}/s`;
      const item = { scenario: scenario_name, label, spec, baseline_label: null, durable_baseline_label: null };
      progress.begin(`sweep ${label}`, spec.warmup_s + spec.duration_s);
      try {
        const load = await scenario.run(spec, (p) => progress.update(p));
        const summary = summarize(scenario_name, label, spec, load, settings.durability);
        outcomes.push({ item, status: 'ok', reason: null, topology: scenario.topology, aggregate: aggregateRounds([summary], [load.latency], [load.server?.stages ?? null]) });
        const why_not = summary.errors > 0 ? `${summary.errors} errors`
          : summary.p99_us > options.p99_budget_us ? `p99 ${summary.p99_us} µs over the budget`
            : summary.throughput < KEPT_UP_SHARE * rate ? `achieved only ${summary.throughput}/s`
              : null;
        steps.push({ rate, throughput: summary.throughput, p99_us: summary.p99_us, errors: summary.errors, held: why_not === null, why_not });
        progress.note(`sweep ${label}: p99 ${summary.p99_us} µs, ${summary.throughput}/s, ${summary.errors} errors: ${why_not ?? 'held'}`);
        if (why_not !== null) break;
      } catch (error) {
        outcomes.push({ item, status: 'failed', reason: (error as Error).message, topology: scenario.topology, aggregate: null });
        steps.push({ rate, throughput: 0, p99_us: 0, errors: 0, held: false, why_not: `failed: ${(error as Error).message}` });
        break;
      } finally {
        progress.end();
      }
      rate = Math.round(rate * options.factor);
    }
  } finally {
    await scenario.stop();
  }
  const held = steps.filter((s) => s.held).map((s) => s.rate);
  return { outcomes, sweep: { p99_budget_us: options.p99_budget_us, steps, max_rate_held: held.length > 0 ? Math.max(...held) : null } };
}
