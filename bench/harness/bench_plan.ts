/**
 * What one invocation runs: a list of items (scenario + load), each scenario next to
 * its baseline, repeated in rounds. Built by the CLI from its arguments or a suite.
 */
import { ScenarioName } from '../scenarios/scenario.js';
import { RunSpec } from './run_spec.js';

export type ItemSpec = Omit<RunSpec, 'id_tag'>;

export interface PlanItem {
  readonly scenario: ScenarioName;
  /** Unique within the plan: the scenario name, or name@rate when a scenario appears twice. */
  readonly label: string;
  readonly spec: ItemSpec;
  /** Label of this item's baseline item, if it has one in the plan. */
  readonly baseline_label: string | null;
}

export interface BenchPlan {
  readonly title: string;
  readonly items: readonly PlanItem[];
  /** Each round runs every item once, in order (baseline, scenario, baseline, scenario...). */
  readonly rounds: number;
}

/** Items for `scenario` at `spec`, preceded by its baseline at the same load unless `with_baseline` is false. */
export function pairWithBaseline(scenario: ScenarioName, baseline: ScenarioName | null, spec: ItemSpec, with_baseline: boolean): PlanItem[] {
  if (!with_baseline || baseline === null) return [{ scenario, label: scenario, spec, baseline_label: null }];
  return [
    { scenario: baseline, label: baseline, spec, baseline_label: null },
    { scenario, label: scenario, spec, baseline_label: baseline },
  ];
}

/** Makes labels unique (name@rate/s, then name#n) when a scenario appears more than once. */
export function uniqueLabels(items: readonly PlanItem[]): PlanItem[] {
  const count = new Map<string, number>();
  for (const item of items) count.set(item.label, (count.get(item.label) ?? 0) + 1);
  const renamed = new Map<PlanItem, string>();
  const seen = new Set<string>();
  for (const item of items) {
    let label = item.label;
    if ((count.get(label) ?? 0) > 1) label = `${label}@${item.spec.mode === 'open' ? `${item.spec.rate_per_s}/s` : `w${item.spec.window}`}`;
    for (let n = 2; seen.has(label); n++) label = `${item.label}#${n}`;
    seen.add(label);
    renamed.set(item, label);
  }
  // Baseline references follow their item: a baseline is the nearest earlier item with that original label.
  return items.map((item, k) => {
    let baseline_label: string | null = null;
    if (item.baseline_label !== null) {
      for (let j = k - 1; j >= 0; j--) {
        if (items[j].label === item.baseline_label) { baseline_label = renamed.get(items[j])!; break; }
      }
    }
    return { ...item, label: renamed.get(item)!, baseline_label };
  });
}
