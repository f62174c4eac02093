/**
 * The machine-readable report: one JSON object, printed as the last line of stdout with
 * --json. For a single-scenario run the object's top level is that scenario's line
 * (scenario, rate, duration_s, sent, completed, errors, throughput, p50_us ... max_us,
 * durability, cpu_us_per_order, stages) plus its baseline and durable baseline, the
 * ratios to each, every scenario of the run (`results`),
 * settings, machine and file paths. For a suite, the top level carries `suite` and
 * `results`.
 */
import { BenchReport, ItemReport } from './bench_report.js';

export interface ReportFiles {
  readonly dir: string;
  readonly svg: string;
  readonly summary: string;
  readonly hgrm: Record<string, string>;
}

export function reportJson(report: BenchReport, files: ReportFiles | null): Record<string, unknown> {
  const results = report.items.map(itemJson);
  const common = {
    durability: report.settings.durability,
    rounds: report.settings.rounds,
    settings: report.settings,
    machine: report.machine,
    created_at: report.created_at,
    results,
    sweep: report.sweep,
    files,
  };
  const primary = report.primary === null ? undefined : report.items.find((i) => i.label === report.primary);
  if (primary === undefined) return { suite: report.suite, title: report.title, ...common };
  const item = (label: string | null) => (label === null ? undefined : report.items.find((i) => i.label === label));
  const base = item(primary.baseline);
  const durable_base = item(primary.durable_baseline);
  return {
    ...(primary.summary ?? {}),
    scenario: primary.scenario,
    status: primary.status,
    reason: primary.reason,
    topology: primary.topology,
    baseline: base === undefined ? null : itemJson(base),
    ratio_to_baseline: primary.ratio_to_baseline,
    durable_baseline: durable_base === undefined ? null : itemJson(durable_base),
    ratio_to_durable_baseline: primary.ratio_to_durable_baseline,
    all_rounds: primary.all_rounds,
    ...common,
  };
}

function itemJson(item: ItemReport): Record<string, unknown> {
  return {
    ...(item.summary ?? { scenario: item.scenario }),
    label: item.label,
    status: item.status,
    reason: item.reason,
    rounds: item.rounds,
    baseline: item.baseline,
    ratio_to_baseline: item.ratio_to_baseline,
    durable_baseline: item.durable_baseline,
    ratio_to_durable_baseline: item.ratio_to_durable_baseline,
    all_rounds: item.all_rounds,
    topology: item.topology,
    per_round: item.per_round,
  };
}
