/** Starts a scenario for one test (stopped at the test's end) and runs it once. */
import { newRunTag } from '../../../bench/harness/run_spec.js';
import { MergedLoad } from '../../../bench/harness/load_result.js';
import { RunSpec } from '../../../bench/harness/run_spec.js';
import { Scenario } from '../../../bench/scenarios/scenario.js';

interface Teardown {
  teardown(fn: () => unknown): void;
}

export async function runScenarioOnce(t: Teardown, scenario: Scenario, spec: Omit<RunSpec, 'id_tag'>): Promise<MergedLoad> {
  await scenario.start();
  t.teardown(() => scenario.stop());
  return scenario.run({ ...spec, id_tag: newRunTag() }, () => {});
}
