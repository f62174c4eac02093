/** Starts a scenario for one test (stopped at the test's end) and runs it once. */
import { newRunTag } from '../../../bench/harness/run_spec.js';
import { MergedLoad } from '../../../bench/harness/load_result.js';
import { RunSpec } from '../../../bench/harness/run_spec.js';
import { Scenario } from '../../../bench/scenarios/scenario.js';

/**
 * A short, low-rate open-loop run for the echoes that answer asynchronously (the durable
 * and hop echoes): one request in flight per connection, as their scenarios default to.
 * The machine is shared, so the rate is low.
 */
export const ASYNC_ECHO_SPEC: Omit<RunSpec, 'id_tag'> = {
  mode: 'open', rate_per_s: 200, window: 8, warmup_s: 0.3, duration_s: 1, connections: 8, generators: 1, generator_nice: 0,
  batch: 4, pipeline: 1, drain_timeout_ms: 3000, progress_interval_ms: 0,
};

interface Teardown {
  teardown(fn: () => unknown): void;
}

export async function runScenarioOnce(t: Teardown, scenario: Scenario, spec: Omit<RunSpec, 'id_tag'>): Promise<MergedLoad> {
  await scenario.start();
  t.teardown(() => scenario.stop());
  return scenario.run({ ...spec, id_tag: newRunTag() }, () => {});
}
