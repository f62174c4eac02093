/**
 * Entry point of the PnL worker thread.
 *
 * Start-up: while the worker is not running, its ring position is detached (it does not
 * hold the engine back; see SharedRing.detach). It first attaches at the journal's
 * position (SharedRing.attachAt), then reads J = max(the plan's last sequence, durable
 * sequence now) and rebuilds the book: from the book in its recovery plan's snapshot (if
 * any) and the journal after it, up to J. The plan comes from the main thread: at
 * start-up the process's recovery plan, after a crash one from the newest snapshot
 * verified since (it never picks a snapshot itself: the newest file on disk may be one
 * that recovery skipped as damaged).
 * Every slot behind the attach point was released by the journal, which publishes
 * "durable up to" before it releases, so those events are at or below J and came from the
 * replay; ring events at or below J that are still ahead of the attach point are skipped.
 * On exit the worker detaches again (the supervisor's onExit does it after a crash).
 *
 * Runs the PnL agent under the spin-then-park idle strategy on the PnL doorbell (the
 * journal rings it after each release) until the main thread sets the stop flag in the
 * health block and wakes the doorbell.
 */
import { workerData } from 'node:worker_threads';
import { runAgent } from '../../engine/agent/agent.js';
import { SeqlockTable } from '../../engine/reference/seqlock_table.js';
import { Doorbell } from '../../engine/ring/doorbell.js';
import { NapPolicy, SpinThenParkIdleStrategy } from '../../engine/ring/idle_strategy.js';
import { RingConsumer, SharedRing } from '../../engine/ring/ring.js';
import { EventConsumer } from '../../engine/shared_memory.js';
import { WorkerHealthBlock } from '../../engine/telemetry/worker_health.js';
import { WorkerId, WorkerState } from '../../engine/telemetry/worker_health_layout.js';
import { durableSeq } from '../../engine/reference/journal_progress.js';
import { replayJournal } from '../journal/replay.js';
import { PnlAgent } from './pnl_agent.js';
import { readSnapshotMeta } from '../snapshot/columnar_file.js';
import { checkRecoveryPlan, RecoveryPlan } from '../snapshot/recovery_plan.js';
import { PnlBook, PnlBookJson } from './pnl_book.js';
import { applyEventToBook } from './pnl_events.js';
import { exitAfter } from '../runtime/test_fault.js';

export interface PnlWorkerInit {
  readonly events: SharedArrayBuffer;
  /** The PnL doorbell: this worker parks on it; the journal rings it after each release. */
  readonly own_doorbell: SharedArrayBuffer;
  /** Rung after the worker releases ring slots (the engine may be waiting for room). */
  readonly engine_doorbell: SharedArrayBuffer;
  readonly marks: SharedArrayBuffer | null;
  readonly pnl: SharedArrayBuffer;
  readonly positions: SharedArrayBuffer;
  readonly journal_progress: SharedArrayBuffer;
  readonly health: SharedArrayBuffer;
  /** OMS_DATA_DIR/journal, or null with OMS_DURABILITY=none (nothing to replay). */
  readonly journal_dir: string | null;
  /**
   * Which snapshot to start from and the journal range after it: the process's recovery
   * plan at start-up, or one from the latest verified snapshot on a restart. Its to_seq
   * is a floor; the worker replays up to the durable sequence when it attaches.
   */
  readonly recovery: RecoveryPlan;
  readonly accounts: number;
  /** Per symbol, InstrumentTable.notional_scale. */
  readonly notional_scale: readonly number[];
  readonly session_end_utc_minutes: number;
  readonly spin_limit?: number;
  readonly park_timeout_ms?: number;
  /** Poll in naps no one rings while events come; parked announced (and rung by the journal) once idle. */
  readonly naps?: NapPolicy;
  /** TEST FAULT ONLY (services/runtime/test_fault.ts): exit abruptly after this many ring events. 0 or absent: never. */
  readonly fault_exit_after_events?: number;
}

const init = workerData as PnlWorkerInit;
const health = new WorkerHealthBlock(init.health);
const reporter = health.reporter(WorkerId.PNL);
reporter.setState(WorkerState.STARTING);

const ring = new SharedRing(init.events);
// Attach first, then read the durable sequence: see the comment at the top.
ring.attachAt(EventConsumer.PNL, EventConsumer.JOURNAL);
const plan = checkRecoveryPlan(init.recovery);
const replay_to = Math.max(plan.to_seq, durableSeq(new SeqlockTable(init.journal_progress)));
// The plan's snapshot carries the book; journal segments before it may be retired.
let book = new PnlBook({
  accounts: init.accounts,
  notional_scale: init.notional_scale,
  session_end_utc_minutes: init.session_end_utc_minutes,
});
let replay_from = 1;
if (init.journal_dir !== null && plan.snapshot !== null) {
  const meta = readSnapshotMeta(plan.snapshot.path);
  if (meta.pnl !== undefined) {
    book = PnlBook.fromJSON(meta.pnl as PnlBookJson);
    replay_from = plan.from_seq;
  }
}
if (init.journal_dir !== null && replay_to >= replay_from) {
  replayJournal(init.journal_dir, replay_from, replay_to, (views, base) => { applyEventToBook(book, views, base, true); });
}
const events = new RingConsumer(ring, EventConsumer.PNL, [], EventConsumer.JOURNAL, new Doorbell(init.engine_doorbell));
const agent = new PnlAgent({
  book,
  events,
  marks: init.marks === null ? null : new SeqlockTable(init.marks),
  pnl_table: new SeqlockTable(init.pnl),
  positions_table: new SeqlockTable(init.positions),
  health: reporter,
  replayed_through_seq: replay_to,
});
const idle = new SpinThenParkIdleStrategy(new Doorbell(init.own_doorbell), init.spin_limit ?? 100, init.park_timeout_ms ?? 50, undefined, init.naps);
try {
  runAgent(agent, idle, exitAfter(init.fault_exit_after_events ?? 0, () => agent.processed, () => reporter.stopRequested()));
} finally {
  ring.detach(EventConsumer.PNL);
}
