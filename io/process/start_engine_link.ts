/**
 * Start-up step 8: the io thread's link to the engine. It submits commands, hands each
 * reply to its caller only once its events are durable, and applies durable events to the
 * read model and the admin state rebuilt in step 3, so they carry on from the recovered
 * sequence.
 */
import { FlushLog } from '../../engine/telemetry/flush_log.js';
import { LATENCY_BUCKETS_SECONDS } from '../../services/health/metrics.js';
import { EngineLink } from '../engine_link/engine_link.js';
import { watchGcPauses } from '../engine_link/slowest_orders.js';
import { StageTimer } from '../engine_link/stage_timer.js';

/** The stage histogram's Prometheus buckets: the order latency histogram's, in µs. */
const STAGE_BUCKETS_US = LATENCY_BUCKETS_SECONDS.map((seconds) => Math.round(seconds * 1e6));
import type { OmsConfig } from '../config/oms_config.js';
import type { SharedMemory } from './allocate_shared_memory.js';
import type { ReadModel } from './read_model_recovery.js';

export function startEngineLink(config: OmsConfig, memory: SharedMemory, read_model: ReadModel): EngineLink {
  const { buffers } = memory;
  const stage_timer = new StageTimer(config.stage_sample_every, config.durability === 'none' ? null : new FlushLog(buffers.flush_log), STAGE_BUCKETS_US);
  if (config.stage_sample_every > 0) watchGcPauses(stage_timer);
  const link = new EngineLink({
    commands: buffers.commands,
    events: buffers.events,
    replies: buffers.replies,
    io_doorbell: buffers.io_doorbell,
    engine_doorbell: buffers.engine_doorbell,
    store: read_model.store,
    busy_journal_lag: config.busy_journal_lag,
    request_timeout_ms: config.request_timeout_ms,
    durable: config.durability !== 'none',
    reply_spin_us: config.io_reply_spin_us,
    stage_timer,
  });
  link.onEvent((views, base) => read_model.admin.apply(views, base));
  link.start();
  return link;
}
