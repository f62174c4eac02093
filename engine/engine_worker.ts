/**
 * Entry point of the engine worker thread: builds the engine from the shared buffers in
 * workerData, then runs the hot loop until the main thread sets the engine's stop flag
 * in the health block (and rings the engine's doorbell).
 */
import { workerData } from 'node:worker_threads';
import { runAgent } from './agent/agent.js';
import { createEngine, EngineInit } from './engine_factory.js';
import { WorkerId, WorkerState } from './telemetry/worker_health_layout.js';

const init = workerData as EngineInit;
const engine = createEngine(init);
const reporter = engine.health?.reporter(WorkerId.ENGINE) ?? null;
reporter?.setState(WorkerState.STARTING);
runAgent(engine.agent, engine.idle, () => reporter !== null && reporter.stopRequested());
