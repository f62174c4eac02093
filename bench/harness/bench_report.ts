/**
 * The report of one invocation, from the plan's outcomes: every item's medians, its
 * ratios to its baseline and its durable baseline, and everything needed to reproduce and judge it (settings,
 * machine, topology). The table, the JSON line and summary.json are all printed from it.
 */
import { ScenarioSettings, Topology } from '../scenarios/scenario.js';
import { MachineInfo } from './machine.js';
import { ItemOutcome } from './plan_runner.js';
import { PERCENTILE_FIELDS, percentiles, RunSummary } from './run_summary.js';

export interface Ratio {
  readonly baseline: string;
  /** scenario / baseline: above 1 for throughput is faster, above 1 for latency is slower. */
  readonly throughput: number | null;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
  readonly p999: number | null;
  readonly p9999: number | null;
  readonly max: number | null;
}

export interface ItemReport {
  readonly label: string;
  readonly scenario: string;
  readonly status: 'ok' | 'unavailable' | 'failed';
  readonly reason: string | null;
  readonly topology: Topology | null;
  readonly rounds: number;
  readonly summary: RunSummary | null;
  readonly all_rounds: ReturnType<typeof percentiles> | null;
  readonly per_round: readonly RunSummary[];
  readonly baseline: string | null;
  readonly ratio_to_baseline: Ratio | null;
  /** Label of the durable baseline (durable-echo, ws-durable-echo) run beside it, if any. */
  readonly durable_baseline: string | null;
  readonly ratio_to_durable_baseline: Ratio | null;
}

/** Everything the invocation was told, as given (per-item load as run is in each result's `load`). */
export interface BenchSettings extends ScenarioSettings {
  readonly mode: 'open' | 'saturate' | 'sweep';
  readonly rounds: number;
  readonly duration_s: number;
  readonly warmup_s: number;
  readonly baseline: boolean;
  readonly command_line: readonly string[];
  /** V8 flags of the load-generator processes. */
  readonly generator_exec_argv: readonly string[];
  /** The engine configuration the engine scenario runs with (OMS_* environment applied). */
  readonly engine_config: Record<string, unknown>;
  readonly sweep: { readonly p99_budget_us: number; readonly factor: number; readonly max_steps: number } | null;
}

export interface BenchReport {
  readonly title: string;
  readonly suite: string | null;
  readonly created_at: string;
  readonly settings: BenchSettings;
  readonly machine: MachineInfo;
  readonly items: readonly ItemReport[];
  /** The scenario asked for (single-scenario runs): its line is also the JSON line's top level. */
  readonly primary: string | null;
  readonly sweep: SweepReport | null;
}

export interface SweepStep {
  readonly rate: number;
  readonly throughput: number;
  readonly p99_us: number;
  readonly errors: number;
  readonly held: boolean;
  readonly why_not: string | null;
}

export interface SweepReport {
  readonly p99_budget_us: number;
  readonly steps: readonly SweepStep[];
  /** Highest rate at which p99 stayed within the budget with no errors and the rate achieved; null if none. */
  readonly max_rate_held: number | null;
}

export function itemReports(outcomes: readonly ItemOutcome[]): ItemReport[] {
  const by_label = new Map(outcomes.map((o) => [o.item.label, o]));
  return outcomes.map((o) => {
    const summary = o.aggregate?.summary ?? null;
    const against = (label: string | null): Ratio | null => {
      const base = label === null ? undefined : by_label.get(label)?.aggregate?.summary;
      return summary !== null && base !== undefined ? ratio(label!, summary, base) : null;
    };
    return {
      label: o.item.label,
      scenario: o.item.scenario,
      status: o.status,
      reason: o.reason,
      topology: o.topology,
      rounds: o.aggregate?.rounds ?? 0,
      summary,
      all_rounds: o.aggregate?.all_rounds ?? null,
      per_round: o.aggregate?.per_round ?? [],
      baseline: o.item.baseline_label,
      ratio_to_baseline: against(o.item.baseline_label),
      durable_baseline: o.item.durable_baseline_label,
      ratio_to_durable_baseline: against(o.item.durable_baseline_label),
    };
  });
}

function ratio(baseline: string, s: RunSummary, b: RunSummary): Ratio {
  const timed = s.samples > 0 && b.samples > 0;
  const r = (a: number, z: number) => (z > 0 && timed ? Math.round((a / z) * 100) / 100 : null);
  return {
    baseline,
    throughput: b.throughput > 0 ? Math.round((s.throughput / b.throughput) * 100) / 100 : null,
    p50: r(s.p50_us, b.p50_us),
    p90: r(s.p90_us, b.p90_us),
    p99: r(s.p99_us, b.p99_us),
    p999: r(s.p999_us, b.p999_us),
    p9999: r(s.p9999_us, b.p9999_us),
    max: r(s.max_us, b.max_us),
  };
}

export { PERCENTILE_FIELDS };
