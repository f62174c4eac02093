/** Entry point of the NATS JetStream sink worker thread (see nats_sink.ts and sink_worker_main.ts). */
import { workerData } from 'node:worker_threads';
import { WorkerId } from '../../engine/telemetry/worker_health_layout.js';
import { NatsSinkOptions, NatsSinkTarget } from './nats_sink.js';
import { runSinkWorker, SinkWorkerCommonInit } from './sink_worker_main.js';

export interface NatsSinkWorkerInit extends SinkWorkerCommonInit {
  readonly nats: NatsSinkOptions;
}

const init = workerData as NatsSinkWorkerInit;
runSinkWorker(init, WorkerId.SINK_NATS, ({ mapper, journal_dir, log }) => new NatsSinkTarget(init.nats, mapper, journal_dir, log));
