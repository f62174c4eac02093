/**
 * Entry point of the engine load-generator thread (see engine_load.ts). Posts progress
 * now and then and one `{ type: 'result', result }` at the end.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { EngineLoadConfig, runEngineLoad } from './engine_load.js';

const result = runEngineLoad(workerData as EngineLoadConfig, (progress) => parentPort?.postMessage({ type: 'progress', progress }));
parentPort?.postMessage({ type: 'result', result });
