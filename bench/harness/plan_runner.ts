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

export interface ScenarioSlot {
  readonly scenario: Scenario;
  status: 'ok' | 'unavailable' | 'failed';
  reason: string | null;
  started: boolean;
}

/** The rate of the start-up warm-up: well below every server's saturation, well above the suites' rates. */
const SERVER_WARMUP_RATE = 10_000;
/** Scenarios that run in this process's threads, with nothing to warm over a network. */
const IN_PROCESS: readonly ScenarioName[] = ['engine', 'ring-echo'];

/**
 * Sends each network server `plan.server_warmup_orders` orders, unmeasured, before round
 * 1. A server just started spends its first seconds compiling: V8's compiler threads took
 * ~1 s of CPU during the first 6 s at 1 000 orders/s after the OMS started, and ~0.1 s in
 * the next 6 s, and the io and engine threads used 1.5-1.9x the CPU per order
 * (bench/README.md, "Fifth pass"). A deployed OMS runs for weeks; the rounds measure it
 * warm, as the echo servers (whose few lines compile in a moment) always are.
 */
export async function warmServers(plan: BenchPlan, slots: ReadonlyMap<ScenarioName, ScenarioSlot>, progress: ProgressLine): Promise<void> {
  const orders = plan.server_warmup_orders ?? 0;
  if (orders <= 0) return;
  for (const [name, slot] of slots) {
    const item = plan.items.find((i) => i.scenario === name);
    if (slot.status !== 'ok' || item === undefined || IN_PROCESS.includes(name)) continue;
    const spec = { ...item.spec, mode: 'open' as const, rate_per_s: SERVER_WARMUP_RATE, warmup_s: 0, duration_s: orders / SERVER_WARMUP_RATE, id_tag: newRunTag() };
    progress.begin(`warming ${name} (${orders} orders)`, spec.duration_s);
    try {
      await slot.scenario.run(spec, (p) => progress.update(p));
      // Let the compiler threads finish what the warm-up queued.
      await new Promise((resolve) => setTimeout(resolve, 500));
    } catch (error) {
      slot.status = 'failed';
      slot.reason = `warming it up: ${(error as Error).message}`;
      progress.note(`${name} failed: ${slot.reason}`);
    } finally {
      progress.end();
    }
  }
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
    await warmServers(plan, slots, progress);
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
