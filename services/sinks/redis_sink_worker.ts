/** Entry point of the Redis sink worker thread (see redis_sink.ts and sink_worker_main.ts). */
import { workerData } from 'node:worker_threads';
import { WorkerId } from '../../engine/telemetry/worker_health_layout.js';
import { RedisSinkOptions, RedisSinkTarget } from './redis_sink.js';
import { runSinkWorker, SinkWorkerCommonInit } from './sink_worker_main.js';

export interface RedisSinkWorkerInit extends SinkWorkerCommonInit {
  readonly redis: RedisSinkOptions;
}

const init = workerData as RedisSinkWorkerInit;
runSinkWorker(init, WorkerId.SINK_REDIS, ({ mapper, journal_dir, log }) => new RedisSinkTarget(init.redis, mapper, journal_dir, log));
