/**
 * Start-up step 6: the journal worker, which appends from the recovered last sequence + 1,
 * group-commits, publishes "durable up to", and then releases the event ring to the io
 * thread and the PnL worker (ringing their doorbells).
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { NapPolicy } from '../../engine/ring/idle_strategy.js';
import { EventConsumer } from '../../engine/shared_memory.js';
import { WorkerId } from '../../engine/telemetry/worker_health_layout.js';
import type { JournalWorkerInit } from '../../services/journal/journal_worker.js';
import type { OmsConfig } from '../config/oms_config.js';
import type { SharedMemory } from './allocate_shared_memory.js';
import type { Recovery } from './recovery.js';
import { waitForWorker } from './worker_lifecycle.js';

/** Longest the journal parks when nothing rings it, with a journal to write (its heartbeat tick). */
const JOURNAL_PARK_TIMEOUT_MS = 50;
/**
 * With durability none the journal only releases slots, and polls this often in naps the
 * engine does not ring: a wake-up per order cost the engine and the journal ~20 µs of CPU
 * each at 5 000 orders/s on two cores (bench/README.md); under load the journal spins
 * rather than parks. Every 10 ms rather than every 1: each timed wake-up costs the
 * journal ~15 µs of CPU on this guest, and at 5 000 ws orders/s the 10 ms poll halved its
 * CPU per order (2.8-3.6 against 1.4-1.6 µs, bench/README.md "Ninth pass"). Ten
 * milliseconds of events at the engine's saturation is ~2 000 slots, far less than the
 * event ring holds (65 536) or the io thread's busy threshold (half of it). After 5 empty
 * polls in a row (50 ms with no event) it parks announced and the engine's next event
 * rings it (start_engine.ts eventWake): an idle OMS does not wake it at all.
 */
const RELEASE_POLL: NapPolicy = { nap_ms: 10, naps_before_sleep: 5 };

export const JOURNAL_WORKER_URL = new URL('../../services/journal/journal_worker.js', import.meta.url);

export async function startJournal(config: OmsConfig, memory: SharedMemory, recovery: Recovery, log: Logger): Promise<Worker> {
  const { buffers } = memory;
  const init: JournalWorkerInit = {
    events: buffers.events,
    consumer: EventConsumer.JOURNAL,
    own_doorbell: buffers.journal_doorbell,
    // The io thread waits for durable events to answer: ring it on every release. With
    // durability none it reads behind the engine instead (engine_link.ts) and the engine
    // rings it. The PnL worker polls in naps (service_workers.ts PNL_POLL): it is rung
    // only once it sleeps announced, idle.
    wake_on_release: config.durability === 'none' ? [buffers.pnl_doorbell] : [buffers.io_doorbell, buffers.pnl_doorbell],
    engine_doorbell: buffers.engine_doorbell,
    data_dir: config.data_dir,
    durability: config.durability,
    segment_bytes: config.journal_segment_bytes,
    buffer_records: config.journal_buffer_records,
    last_seq: recovery.last_seq,
    progress: buffers.journal_progress,
    health: buffers.health,
    spin_limit: 200,
    park_timeout_ms: JOURNAL_PARK_TIMEOUT_MS,
    naps: config.durability === 'none' ? RELEASE_POLL : undefined,
    flush_log: buffers.flush_log,
    fault_exit_after_events: config.fault_worker_exit?.worker === 'journal' ? config.fault_worker_exit.after : 0,
  };
  const worker = new Worker(JOURNAL_WORKER_URL, { workerData: init, name: 'journal' });
  await waitForWorker(worker, memory.health, WorkerId.JOURNAL, 'journal', log);
  return worker;
}
