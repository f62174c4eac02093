/** Entry point of the QuestDB sink worker thread (see questdb_sink.ts and sink_worker_main.ts). */
import { workerData } from 'node:worker_threads';
import { WorkerId } from '../../engine/telemetry/worker_health_layout.js';
import { QuestDbSinkOptions, QuestDbSinkTarget } from './questdb_sink.js';
import { runSinkWorker, SinkWorkerCommonInit } from './sink_worker_main.js';

export interface QuestDbSinkWorkerInit extends SinkWorkerCommonInit {
  readonly questdb: QuestDbSinkOptions;
}

const init = workerData as QuestDbSinkWorkerInit;
runSinkWorker(init, WorkerId.SINK_QUESTDB, ({ mapper, log }) => new QuestDbSinkTarget(init.questdb, mapper, log));
