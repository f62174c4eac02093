/**
 * The service workers (market data, PnL, sinks) as supervisor specs, built from the OMS
 * configuration and the shared buffers, so the process wiring (io/process/start_services.ts)
 * only has to do:
 *
 *   const { enabled, disabled } = serviceWorkerSpecs({ config, buffers, instruments, accounts, recovery, verified });
 *   for (const id of disabled) health.setState(id, WorkerState.DISABLED);
 *   const supervisors = enabled.map((spec) => new WorkerSupervisor(spec, health, log));
 *   supervisors.forEach((s) => s.start());
 *   ...
 *   await Promise.all(supervisors.map((s) => s.stop()));   // after the engine and journal stopped
 *
 * Which run:
 *  - market data: with OMS_MARKET_DATA=sim or nats (NATS_URL); not with manual, where the
 *    io thread is the mark table's one writer;
 *  - PnL: always; with OMS_DURABILITY=none it cannot replay a journal on (re)start. Its
 *    start record is built at every (re)start: it rebuilds from the latest verified
 *    snapshot (the start-up recovery plan's until a newer one is verified), never from
 *    whichever file is newest on disk;
 *  - each sink when its setting is present (NATS_URL, REDIS_URL, QDB_CLIENT_CONF) and the
 *    journal exists (OMS_DURABILITY is not none: sinks read the journal, not the ring).
 *    The Redis sink, which computes positions, gets a plan like the PnL worker's at every
 *    (re)start and rebuilds from its snapshot, not from sequence 1.
 *
 * The test fault OMS_FAULT_WORKER_EXIT reaches the named worker at its first start only:
 * the restarted worker runs on, as it would after a real crash (else the supervisor would
 * see a crash loop and give up).
 *
 * Entry files resolve relative to this compiled module, so they run from dist/ and dist-d/ alike.
 */
import path from 'node:path';
import type { NapPolicy } from '../../engine/ring/idle_strategy.js';
import { SharedRing } from '../../engine/ring/ring.js';
import { EventConsumer, type OmsBuffers } from '../../engine/shared_memory.js';
import type { AccountTable } from '../../engine/reference/accounts.js';
import type { InstrumentTable } from '../../engine/reference/instruments.js';
import { WorkerId } from '../../engine/telemetry/worker_health_layout.js';
import type { OmsConfig } from '../config/oms_config.js';
import type { MarketDataWorkerInit } from '../../services/market_data/market_data_worker.js';
import type { PnlWorkerInit } from '../../services/pnl/pnl_worker.js';
import type { NatsSinkWorkerInit } from '../../services/sinks/nats_sink_worker.js';
import type { QuestDbSinkWorkerInit } from '../../services/sinks/questdb_sink_worker.js';
import type { RedisSinkWorkerInit } from '../../services/sinks/redis_sink_worker.js';
import type { SinkWorkerCommonInit } from '../../services/sinks/sink_worker_main.js';
import type { SupervisedWorkerSpec } from '../../services/supervisor/worker_supervisor.js';
import type { RecoveryPlan } from '../../services/snapshot/recovery_plan.js';
import type { FaultableWorker } from '../../services/runtime/test_fault.js';
import type { VerifiedSnapshot } from '../../services/snapshot/verified_snapshot.js';

/**
 * How often the PnL worker looks for new durable events while they come. The journal does
 * not ring it on every release: on two cores each wake-up is a context switch taken from
 * the order path, and positions and the daily-loss figure may trail the journal by a few
 * ms. Under load it does not park at all. After ten empty polls (50 ms with no fill) it
 * parks announced until its slow tick, and the journal's next release rings it: an idle
 * OMS wakes it 20 times a second instead of 200.
 */
export const PNL_POLL: NapPolicy = { nap_ms: 5, naps_before_sleep: 10 };
/** The PnL worker's longest announced park; its slow tick (50 ms) comes sooner. */
const PNL_PARK_TIMEOUT_MS = 50;

export const SERVICE_WORKER_URLS = {
  market_data: new URL('../../services/market_data/market_data_worker.js', import.meta.url),
  pnl: new URL('../../services/pnl/pnl_worker.js', import.meta.url),
  sink_nats: new URL('../../services/sinks/nats_sink_worker.js', import.meta.url),
  sink_redis: new URL('../../services/sinks/redis_sink_worker.js', import.meta.url),
  sink_questdb: new URL('../../services/sinks/questdb_sink_worker.js', import.meta.url),
} as const;

export interface ServiceWiring {
  readonly config: OmsConfig;
  readonly buffers: OmsBuffers;
  readonly instruments: InstrumentTable;
  readonly accounts: AccountTable;
  /** The process's recovery plan, computed once at start-up. */
  readonly recovery: RecoveryPlan;
  /** The newest snapshot known to be whole; a restarted PnL worker starts from it. */
  readonly verified: VerifiedSnapshot;
  /** JetStream stream for order events (default ORDERS). */
  readonly nats_stream?: string;
  /** Message id prefix, one per OMS shard (default "oms"). */
  readonly nats_msg_id_prefix?: string;
}

export interface ServiceWorkerSpecs {
  readonly enabled: SupervisedWorkerSpec[];
  /** Health lines of workers this configuration does not run (set them DISABLED). */
  readonly disabled: number[];
}

export function serviceWorkerSpecs(w: ServiceWiring): ServiceWorkerSpecs {
  const { config, buffers } = w;
  const enabled: SupervisedWorkerSpec[] = [];
  const disabled: number[] = [];
  const journal_exists = config.durability !== 'none';

  if (config.market_data === 'manual') {
    // The io thread writes the mark table itself (POST /admin/market): one writer only.
    disabled.push(WorkerId.MARKET_DATA);
  } else {
    const market_data: MarketDataWorkerInit = {
      instruments: config.instruments,
      marks: buffers.marks,
      wake: [buffers.engine_doorbell],
      health: buffers.health,
      source: config.market_data,
      nats_url: config.nats_url,
      log_level: config.log_level,
    };
    const fault = firstStartFault(config, 'market_data');
    enabled.push({
      name: 'market_data', worker_id: WorkerId.MARKET_DATA, url: SERVICE_WORKER_URLS.market_data,
      workerData: (): MarketDataWorkerInit => ({ ...market_data, fault_exit_after_marks: fault() }),
    });
  }

  const pnl: Omit<PnlWorkerInit, 'recovery'> = {
    events: buffers.events,
    own_doorbell: buffers.pnl_doorbell,
    engine_doorbell: buffers.engine_doorbell,
    marks: buffers.marks,
    pnl: buffers.pnl,
    positions: buffers.positions,
    journal_progress: buffers.journal_progress,
    health: buffers.health,
    journal_dir: journal_exists ? path.join(config.data_dir, 'journal') : null,
    accounts: w.accounts.count,
    notional_scale: w.instruments.instruments.map((i) => i.notional_scale),
    session_end_utc_minutes: config.session_end_utc_minutes,
    park_timeout_ms: PNL_PARK_TIMEOUT_MS,
    naps: PNL_POLL,
  };
  // The PnL worker parks in Atomics.wait: stop() must ring its doorbell. It attaches its ring
  // position when it starts; a crashed one cannot detach, so the supervisor does.
  const events = new SharedRing(buffers.events);
  const pnl_fault = firstStartFault(config, 'pnl');
  enabled.push({
    name: 'pnl', worker_id: WorkerId.PNL, url: SERVICE_WORKER_URLS.pnl, doorbell: buffers.pnl_doorbell,
    workerData: (): PnlWorkerInit => ({ ...pnl, recovery: w.verified.planFromLatest(w.recovery.to_seq), fault_exit_after_events: pnl_fault() }),
    onExit: () => events.detach(EventConsumer.PNL),
  });

  const common: SinkWorkerCommonInit = {
    data_dir: config.data_dir,
    journal_progress: buffers.journal_progress,
    health: buffers.health,
    instruments: config.instruments,
    account_names: w.accounts.accounts.map((a) => a.name),
    log_level: config.log_level,
  };
  if (journal_exists && config.nats_url) {
    const init: NatsSinkWorkerInit = {
      ...common,
      nats: { url: config.nats_url, stream: w.nats_stream ?? 'ORDERS', msg_id_prefix: w.nats_msg_id_prefix ?? 'oms' },
    };
    const fault = firstStartFault(config, 'sink_nats');
    enabled.push({
      name: 'sink_nats', worker_id: WorkerId.SINK_NATS, url: SERVICE_WORKER_URLS.sink_nats,
      workerData: (): NatsSinkWorkerInit => ({ ...init, fault_exit_after_events: fault() }),
    });
  } else {
    disabled.push(WorkerId.SINK_NATS);
  }
  if (journal_exists && config.redis_url) {
    const redis = { url: config.redis_url };
    const fault = firstStartFault(config, 'sink_redis');
    // Like the PnL worker, the sink rebuilds positions from the latest verified snapshot at
    // every (re)start: the journal before it may be retired.
    enabled.push({
      name: 'sink_redis', worker_id: WorkerId.SINK_REDIS, url: SERVICE_WORKER_URLS.sink_redis,
      workerData: (): RedisSinkWorkerInit => ({
        ...common, redis, recovery: w.verified.planFromLatest(w.recovery.to_seq), fault_exit_after_events: fault(),
      }),
    });
  } else {
    disabled.push(WorkerId.SINK_REDIS);
  }
  if (journal_exists && config.qdb_client_conf) {
    const init: QuestDbSinkWorkerInit = { ...common, questdb: { conf: config.qdb_client_conf, marks: buffers.marks } };
    const fault = firstStartFault(config, 'sink_questdb');
    enabled.push({
      name: 'sink_questdb', worker_id: WorkerId.SINK_QUESTDB, url: SERVICE_WORKER_URLS.sink_questdb,
      workerData: (): QuestDbSinkWorkerInit => ({ ...init, fault_exit_after_events: fault() }),
    });
  } else {
    disabled.push(WorkerId.SINK_QUESTDB);
  }
  return { enabled, disabled };
}

/**
 * The test fault's count for `worker` (0: none), handed out at its first start only; see
 * the top of this file.
 */
function firstStartFault(config: Pick<OmsConfig, 'fault_worker_exit'>, worker: FaultableWorker): () => number {
  let count = config.fault_worker_exit?.worker === worker ? config.fault_worker_exit.after : 0;
  return () => {
    const first = count;
    count = 0;
    return first;
  };
}
