/** Runs the harness's HTTP load (generator in its own process) against a test server and summarises it. */
import { ItemSpec } from '../../../bench/harness/bench_plan.js';
import { Histogram } from '../../../bench/harness/latency_histogram.js';
import { newRunTag } from '../../../bench/harness/run_spec.js';
import { RunSummary, summarize } from '../../../bench/harness/run_summary.js';
import { runHttpLoadProcesses } from '../../../bench/load/http_load_client.js';

export const QUICK_SPEC: ItemSpec = {
  mode: 'open',
  rate_per_s: 200,
  window: 1,
  warmup_s: 0,
  duration_s: 2,
  connections: 1,
  generators: 1, generator_nice: 0,
  batch: 1,
  pipeline: 0,
  drain_timeout_ms: 3000,
  progress_interval_ms: 0,
};

export async function httpRun(port: number, spec: Partial<ItemSpec> = {}): Promise<{ summary: RunSummary; latency: Histogram }> {
  const full = { ...QUICK_SPEC, ...spec, id_tag: newRunTag() };
  const load = await runHttpLoadProcesses({ host: '127.0.0.1', port }, full);
  return { summary: summarize('test', 'test', full, load, 'none'), latency: load.latency };
}
