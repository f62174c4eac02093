/** Scenario name -> scenario object; the one place that knows every scenario. */
import type { ScenarioBaselines } from '../harness/bench_plan.js';
import { DurableEchoScenario } from './durable_echo_scenario.js';
import { EchoScenario } from './echo_scenario.js';
import { EngineScenario } from './engine_scenario.js';
import { HopEchoScenario } from './hop_echo_scenario.js';
import { HttpJsonScenario } from './http_json_scenario.js';
import { LoadDefaults, Scenario, ScenarioName, ScenarioSettings } from './scenario.js';
import { WsBinaryScenario } from './ws_binary_scenario.js';
import { WsDurableEchoScenario } from './ws_durable_echo_scenario.js';
import { WsEchoScenario } from './ws_echo_scenario.js';
import { WsHopEchoScenario } from './ws_hop_echo_scenario.js';

export function createScenario(name: ScenarioName, settings: ScenarioSettings): Scenario {
  switch (name) {
    case 'engine': return new EngineScenario('engine');
    case 'ring-echo': return new EngineScenario('ring-echo');
    case 'http-json': return new HttpJsonScenario(settings);
    case 'echo': return new EchoScenario(settings);
    case 'ws-binary': return new WsBinaryScenario(settings);
    case 'ws-echo': return new WsEchoScenario(settings);
    case 'durable-echo': return new DurableEchoScenario(settings);
    case 'ws-durable-echo': return new WsDurableEchoScenario(settings);
    case 'hop-echo': return new HopEchoScenario(settings);
    case 'ws-hop-echo': return new WsHopEchoScenario(settings);
  }
}

/** What a plan needs to know about a scenario before running it (constructors start nothing). */
export function scenarioTraits(name: ScenarioName): ScenarioBaselines & { readonly load_defaults: LoadDefaults } {
  const scenario = createScenario(name, { durability: 'none', target_url: null, verbose: false });
  return { baseline: scenario.baseline, durable_baseline: scenario.durable_baseline, load_defaults: scenario.load_defaults };
}
