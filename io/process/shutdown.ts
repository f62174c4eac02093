/**
 * Graceful shutdown, in the reverse order of start-up, within OMS_SHUTDOWN_TIMEOUT_MS:
 * refuse new orders, end WebSocket sessions while the engine still runs (so
 * cancel-on-disconnect is carried out), let in-flight orders finish, stop the engine so
 * nothing new reaches the event ring, let the journal drain and fsync, stop the services
 * (the sinks flush what the journal holds), then the snapshot scheduler and the sockets.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { WorkerId } from '../../engine/telemetry/worker_health_layout.js';
import type { SnapshotScheduler } from '../../services/snapshot/snapshot_scheduler.js';
import type { OmsConfig } from '../config/oms_config.js';
import type { EngineLink } from '../engine_link/engine_link.js';
import type { SharedMemory } from './allocate_shared_memory.js';
import type { ReadModel } from './read_model_recovery.js';
import type { FrontEnds } from './start_servers.js';
import type { Services } from './start_services.js';
import { stopWorker } from './worker_lifecycle.js';

/** How long WebSocket sessions get to close (and their mass cancels to be answered). */
const SESSIONS_END_MS = 2_000;
/** Kept back from the wait for in-flight orders, so the engine and journal can stop before the deadline. */
const WORKER_STOP_RESERVE_MS = 2_000;
const POLL_MS = 5;

export interface RunningOms {
  readonly config: OmsConfig;
  readonly log: Logger;
  readonly memory: SharedMemory;
  readonly read_model: ReadModel;
  readonly engine: Worker;
  readonly journal: Worker;
  readonly services: Services;
  readonly link: EngineLink;
  readonly snapshots: SnapshotScheduler | null;
  readonly front: FrontEnds;
}

/** The OMS's stop(reason): the first call shuts down, later calls join it. */
export function shutdownSequence(oms: RunningOms): (reason: string) => Promise<void> {
  let stopping: Promise<void> | null = null;
  return (reason) => {
    stopping ??= shutDown(oms, reason);
    return stopping;
  };
}

async function shutDown(oms: RunningOms, reason: string): Promise<void> {
  const { config, log, memory, front, link } = oms;
  const { buffers, health } = memory;
  log.info({ reason }, 'shutting down: refusing new orders, finishing in-flight ones');
  front.refuseNewOrders();
  const deadline = Date.now() + config.shutdown_timeout_ms;
  front.gateway.endAllSessions();
  await waitUntil(() => front.gateway.openSessions === 0 && front.gateway.pendingMassCancels === 0, SESSIONS_END_MS);
  await waitUntil(() => link.in_flight === 0, Math.max(0, deadline - Date.now() - WORKER_STOP_RESERVE_MS));
  await stopWorker(oms.engine, health, WorkerId.ENGINE, buffers.engine_doorbell, deadline);
  await stopWorker(oms.journal, health, WorkerId.JOURNAL, buffers.journal_doorbell, deadline);
  await Promise.all(oms.services.supervisors.map((supervisor) => supervisor.stop()));
  link.drain();
  await oms.snapshots?.close();
  link.stop();
  front.server.close();
  log.info({ durable_seq: oms.read_model.store.last_seq }, 'stopped');
}

async function waitUntil(condition: () => boolean, timeout_ms: number): Promise<void> {
  const deadline = Date.now() + timeout_ms;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
}
