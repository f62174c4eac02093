/**
 * Runs a plan: starts every scenario the plan needs once (servers stay up across
 * rounds), runs the items round by round, and stops everything at the end, whatever
 * happened. A scenario that cannot run in this build (ScenarioUnavailableError) is
 * reported as unavailable; one that fails while running is reported as failed and not
 * run again; the other scenarios go on.
 */
import { createScenario } from '../scenarios/scenario_registry.js';
import { Scenario, ScenarioName, ScenarioSettings, ScenarioUnavailableError, Topology } from '../scenarios/scenario.js';
import { BenchPlan, PlanItem } from './bench_plan.js';
import { Histogram } from './latency_histogram.js';
import { ProgressLine } from './progress_line.js';
import { aggregateRounds, ScenarioAggregate } from './round_aggregate.js';
import { newRunTag } from './run_spec.js';
import { RunSummary, summarize } from './run_summary.js';
import { StageHistograms } from './stage_histograms.js';

export interface ItemOutcome {
  readonly item: PlanItem;
  readonly status: 'ok' | 'unavailable' | 'failed';
  readonly reason: string | null;
  readonly topology: Topology | null;
  readonly aggregate: ScenarioAggregate | null;
}

interface ScenarioSlot {
  readonly scenario: Scenario;
  status: 'ok' | 'unavailable' | 'failed';
  reason: string | null;
  started: boolean;
}

export async function runPlan(plan: BenchPlan, settings: ScenarioSettings, progress: ProgressLine): Promise<ItemOutcome[]> {
  const slots = new Map<ScenarioName, ScenarioSlot>();
  for (const item of plan.items) {
    if (!slots.has(item.scenario)) slots.set(item.scenario, { scenario: createScenario(item.scenario, settings), status: 'ok', reason: null, started: false });
  }
  const runs = new Map<string, { summaries: RunSummary[]; histograms: Histogram[]; stages: (StageHistograms | null)[] }>();
  for (const item of plan.items) runs.set(item.label, { summaries: [], histograms: [], stages: [] });
  try {
    for (const [name, slot] of slots) {
      try {
        progress.note(`starting ${name}`);
        await slot.scenario.start();
        slot.started = true;
      } catch (error) {
        slot.status = error instanceof ScenarioUnavailableError ? 'unavailable' : 'failed';
        slot.reason = (error as Error).message;
        progress.note(`${name} ${slot.status}: ${slot.reason}`);
      }
    }
    for (let round = 1; round <= plan.rounds; round++) {
      for (const item of plan.items) {
        const slot = slots.get(item.scenario)!;
        if (slot.status !== 'ok') continue;
        const spec = { ...item.spec, id_tag: newRunTag() };
        progress.begin(`${item.label} round ${round}/${plan.rounds}`, spec.warmup_s + spec.duration_s);
        try {
          const load = await slot.scenario.run(spec, (p) => progress.update(p));
          const summary = summarize(item.scenario, item.label, spec, load, settings.durability);
          const done = runs.get(item.label)!;
          done.summaries.push(summary);
          done.histograms.push(load.latency);
          done.stages.push(load.server?.stages ?? null);
          progress.note(`${item.label} round ${round}/${plan.rounds}: ${summary.completed} ok, ${summary.errors} errors, `
            + `p50 ${summary.p50_us} µs, p99 ${summary.p99_us} µs, ${summary.throughput}/s`);
        } catch (error) {
          slot.status = 'failed';
          slot.reason = (error as Error).message;
          progress.note(`${item.label} failed: ${slot.reason}`);
        } finally {
          progress.end();
        }
      }
    }
  } finally {
    for (const slot of slots.values()) {
      if (!slot.started) continue;
      try {
        await slot.scenario.stop();
      } catch (error) {
        progress.note(`stopping ${slot.scenario.name} failed: ${(error as Error).message}`);
      }
    }
  }
  return plan.items.map((item) => {
    const slot = slots.get(item.scenario)!;
    const done = runs.get(item.label)!;
    const aggregate = done.summaries.length > 0 ? aggregateRounds(done.summaries, done.histograms, done.stages) : null;
    return {
      item,
      status: slot.status,
      reason: slot.reason,
      topology: slot.scenario.topology,
      aggregate,
    };
  });
}
