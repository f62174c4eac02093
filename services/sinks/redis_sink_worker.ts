/** Entry point of the Redis sink worker thread (see redis_sink.ts and sink_worker_main.ts). */
import { workerData } from 'node:worker_threads';
import { WorkerId } from '../../engine/telemetry/worker_health_layout.js';
import type { RecoveryPlan } from '../snapshot/recovery_plan.js';
import { RedisSinkOptions, RedisSinkTarget } from './redis_sink.js';
import { runSinkWorker, SinkWorkerCommonInit } from './sink_worker_main.js';

export interface RedisSinkWorkerInit extends SinkWorkerCommonInit {
  readonly redis: RedisSinkOptions;
  /**
   * Where positions are rebuilt from at this (re)start: the latest verified snapshot and
   * the journal after it (VerifiedSnapshot.planFromLatest; START_EMPTY without a journal
   * to snapshot). Only its snapshot is used: the sink replays up to its own cursor.
   */
  readonly recovery: RecoveryPlan;
}

const init = workerData as RedisSinkWorkerInit;
runSinkWorker(init, WorkerId.SINK_REDIS, ({ mapper, journal_dir, log }) => new RedisSinkTarget(init.redis, mapper, journal_dir, init.recovery, log));
