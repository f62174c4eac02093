/**
 * Runs the real journal worker thread in this process and feeds it `count` events the way
 * the engine does, until the worker has journaled them all (then asks it to stop) or exits
 * on its own; then prints one JSON line (exit code, health state, durable sequence, the
 * worker's error) and exits 0.
 *
 * The journal tests start it as a child process under a file-size limit (ulimit -f, with
 * SIGXFSZ ignored, which Node does by default, so a write past the limit fails with EFBIG):
 * a real fault, which a test cannot put on its own process.
 *
 * Usage: node journal_worker_host.js <data_dir> <count>
 */
import { Worker } from 'node:worker_threads';
import { EventType } from '../../../engine/protocol/enums.js';
import { EV_SEQ, EV_TYPE, EVENT_SLOT_BYTES } from '../../../engine/protocol/event_layout.js';
import { allocateJournalProgress, durableSeq } from '../../../engine/reference/journal_progress.js';
import { Doorbell } from '../../../engine/ring/doorbell.js';
import { RingProducer, SharedRing } from '../../../engine/ring/ring.js';
import { WorkerHealthBlock } from '../../../engine/telemetry/worker_health.js';
import { WorkerId } from '../../../engine/telemetry/worker_health_layout.js';
import { Durability } from '../../../services/journal/durability.js';
import type { JournalWorkerInit } from '../../../services/journal/journal_worker.js';
import { FAST_THREAD } from './worker_flags.js';

export interface JournalWorkerOutcome {
  readonly exit_code: number;
  readonly state: string;
  readonly durable_seq: number;
  readonly published: number;
  readonly error: string | null;
}

const [data_dir, count_text] = process.argv.slice(2);
const count = Number(count_text);
const ring = SharedRing.create(256, EVENT_SLOT_BYTES, 1);
const journal_doorbell = new Doorbell();
const producer = new RingProducer(ring, [journal_doorbell]);
const progress = allocateJournalProgress();
const health = new WorkerHealthBlock();
const init: JournalWorkerInit = {
  events: ring.buffer,
  consumer: 0,
  own_doorbell: journal_doorbell.buffer,
  wake_on_release: [],
  engine_doorbell: new Doorbell().buffer,
  data_dir,
  durability: Durability.FSYNC,
  segment_bytes: 1 << 20,
  buffer_records: 16,
  last_seq: 0,
  progress: progress.buffer,
  health: health.buffer,
  spin_limit: 10,
};
const worker = new Worker(new URL('../../../services/journal/journal_worker.js', import.meta.url), { workerData: init, execArgv: FAST_THREAD });
let error: Error | null = null;
let exit_code: number | null = null;
worker.on('error', (e) => { error = e; });
const exited = new Promise<number>((resolve) => worker.on('exit', (code) => { exit_code = code; resolve(code); }));
const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

let seq = 1;
while (exit_code === null && (seq <= count || durableSeq(progress) < count)) {
  while (seq <= count && producer.hasCapacity(1)) {
    const off = producer.claim();
    ring.u8.fill(0, off, off + EVENT_SLOT_BYTES);
    ring.f64[(off + EV_SEQ) >> 3] = seq++;
    ring.u8[off + EV_TYPE] = EventType.REJECTED;
  }
  producer.publish();
  await tick();
}
if (exit_code === null) {
  health.requestStop(WorkerId.JOURNAL);
  journal_doorbell.wake();
}
const outcome: JournalWorkerOutcome = {
  exit_code: await exited,
  state: health.view(WorkerId.JOURNAL).state,
  durable_seq: durableSeq(progress),
  published: seq - 1,
  error: (error as Error | null)?.message ?? null,
};
process.stdout.write(`${JSON.stringify(outcome)}\n`);
