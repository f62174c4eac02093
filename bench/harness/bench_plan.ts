/**
 * What one invocation runs: a list of items (scenario + load), each scenario next to
 * its baseline (and, when the run is durable, its durable baseline), repeated in rounds.
 * Built by the CLI from its arguments or a suite.
 */
import { Durability, ScenarioName } from '../scenarios/scenario.js';
import { RunSpec } from './run_spec.js';

export type ItemSpec = Omit<RunSpec, 'id_tag'>;

export interface PlanItem {
  readonly scenario: ScenarioName;
  /** Unique within the plan: the scenario name, or name@rate when a scenario appears twice. */
  readonly label: string;
  readonly spec: ItemSpec;
  /** Label of this item's baseline item, if it has one in the plan. */
  readonly baseline_label: string | null;
  /** Label of this item's durable baseline item (durable-echo, ws-durable-echo), if it has one in the plan. */
  readonly durable_baseline_label: string | null;
}

/** A scenario's baselines, as its Scenario declares them. */
export interface ScenarioBaselines {
  readonly baseline: ScenarioName | null;
  readonly durable_baseline: ScenarioName | null;
}

export interface BenchPlan {
  readonly title: string;
  readonly items: readonly PlanItem[];
  /** Each round runs every item once, in order (baseline, durable baseline, scenario, baseline...). */
  readonly rounds: number;
  /** Orders sent to each network server when it starts, unmeasured, before round 1 (absent: 0). */
  readonly server_warmup_orders?: number;
}

/**
 * Items for `scenario` at `spec`, preceded by its baselines at the same load unless
 * `with_baseline` is false. The durable baseline runs only when the run is durable
 * (fsync or write): with durability none the OMS writes nothing, so an echo that does
 * would not be the same discipline.
 */
export function pairWithBaseline(
  scenario: ScenarioName,
  baselines: ScenarioBaselines,
  spec: ItemSpec,
  with_baseline: boolean,
  durability: Durability,
): PlanItem[] {
  if (!with_baseline) return [{ scenario, label: scenario, spec, baseline_label: null, durable_baseline_label: null }];
  const durable = durability === 'none' ? null : baselines.durable_baseline;
  const items: PlanItem[] = [];
  for (const baseline of [baselines.baseline, durable]) {
    if (baseline !== null) items.push({ scenario: baseline, label: baseline, spec, baseline_label: null, durable_baseline_label: null });
  }
  items.push({ scenario, label: scenario, spec, baseline_label: baselines.baseline, durable_baseline_label: durable });
  return items;
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
  const follow = (k: number, original: string | null): string | null => {
    if (original === null) return null;
    for (let j = k - 1; j >= 0; j--) if (items[j].label === original) return renamed.get(items[j])!;
    return null;
  };
  return items.map((item, k) => ({
    ...item,
    label: renamed.get(item)!,
    baseline_label: follow(k, item.baseline_label),
    durable_baseline_label: follow(k, item.durable_baseline_label),
  }));
}
