/**
 * The PnL worker as a real worker thread over real shared memory: it replays the journal
 * (real segment files), attaches to the event ring behind the journal, skips ring events
 * it already replayed, writes the PnL and positions tables, revalues on new marks, and
 * stops when asked. The io thread's view functions render what it wrote.
 */
import t from 'tap';
import { Worker } from 'node:worker_threads';
import { EventType, OrderStatus, Side } from '../../../engine/protocol/enums.js';
import { EVENT_SLOT_BYTES } from '../../../engine/protocol/event_layout.js';
import { AccountTable, DEMO_ACCOUNTS } from '../../../engine/reference/accounts.js';
import { DEMO_INSTRUMENTS, InstrumentTable } from '../../../engine/reference/instruments.js';
import { allocateMarkTable, MARK_FIELD_COUNT, MarkField } from '../../../engine/reference/mark_table.js';
import { allocatePnlTable, PnlField } from '../../../engine/reference/pnl_table.js';
import { Doorbell } from '../../../engine/ring/doorbell.js';
import { RingConsumer, RingProducer, SharedRing } from '../../../engine/ring/ring.js';
import { EVENT_CONSUMER_COUNT, EventConsumer } from '../../../engine/shared_memory.js';
import { WorkerHealthBlock } from '../../../engine/telemetry/worker_health.js';
import { WorkerId, WorkerState } from '../../../engine/telemetry/worker_health_layout.js';
import type { PnlWorkerInit } from '../../../services/pnl/pnl_worker.js';
import { planFrom } from '../../../services/snapshot/recovery_plan.js';
import { allocatePositionsTable, PositionField } from '../../../engine/reference/positions_table.js';
import { renderAccountPnl, renderPositions } from '../../../services/pnl/positions_view.js';
import { EventInput, encodeEvent, TestJournal, waitFor } from '../support/journal_fixture.js';
import { FAST_THREAD } from '../support/worker_flags.js';

const WORKER_URL = new URL('../../../services/pnl/pnl_worker.js', import.meta.url);

function fill(account: number, symbol: number, side: number, qty: number, price: number, order_id: number): EventInput {
  return {
    type: EventType.FILL, status: OrderStatus.PARTIALLY_FILLED, account, symbol, side, order_id,
    qty_lots: 1000, price_ticks: price, last_fill_qty_lots: qty, last_fill_price_ticks: price, filled_qty_lots: qty, fill_notional: qty * price,
  };
}

t.test('the PnL worker replays the journal, follows the ring without double counting, and revalues on marks', async (t) => {
  const instruments = new InstrumentTable(DEMO_INSTRUMENTS);
  const accounts = new AccountTable(DEMO_ACCOUNTS, instruments);
  const journal = new TestJournal();
  t.teardown(() => journal.remove());
  // Account 0 buys 10 + 10 BTCUSDT lots at 45000.00 and 45100.00 and sells 5 at 45200.00;
  // account 1 shorts 3 SOL at 100.00 and buys 1 back at 99.00.
  const flow: EventInput[] = [
    { type: EventType.ACCEPTED, status: OrderStatus.ACCEPTED, order_id: 1, qty_lots: 20, price_ticks: 4_510_000 },
    fill(0, 0, Side.BUY, 10, 4_500_000, 1),
    fill(0, 0, Side.BUY, 10, 4_510_000, 1),
    fill(1, 2, Side.SELL, 300, 10_000, 2),
    fill(0, 0, Side.SELL, 5, 4_520_000, 1),
    fill(1, 2, Side.BUY, 100, 9_900, 3),
  ];
  const recorded = journal.append(flow.slice(0, 4));
  const recovered = journal.durable_seq; // 4: what recovery found at start-up

  const ring = SharedRing.create(64, EVENT_SLOT_BYTES, EVENT_CONSUMER_COUNT);
  ring.detach(EventConsumer.PNL); // as the process wiring leaves it until a PnL worker runs
  const producer = new RingProducer(ring);
  const journal_reader = new RingConsumer(ring, EventConsumer.JOURNAL);
  const io_reader = new RingConsumer(ring, EventConsumer.IO);
  const publish = (events: readonly { seq: number; ts_us: number }[], inputs: readonly EventInput[]) => {
    inputs.forEach((input, i) => encodeEvent({ ...input, ...events[i] }, ring, producer.claim()));
    producer.publish();
  };
  // The engine emitted seq 3..6 after start-up; the journal wrote 3 and 4 (recovered) and
  // released them; it has written 5 and 6 and published "durable up to 6", but not yet
  // released them from the ring when the PnL worker attaches.
  publish(recorded.slice(2), flow.slice(2, 4));
  const later = journal.append(flow.slice(4));
  publish(later, flow.slice(4));
  journal_reader.release(2);
  io_reader.release(4);

  const health = new WorkerHealthBlock();
  const marks = allocateMarkTable(instruments.count);
  const pnl = allocatePnlTable(accounts.count);
  const positions = allocatePositionsTable(accounts.count, instruments.count);
  const pnl_doorbell = new Doorbell();
  const init: PnlWorkerInit = {
    events: ring.buffer,
    own_doorbell: pnl_doorbell.buffer,
    engine_doorbell: new Doorbell().buffer,
    marks: marks.buffer,
    pnl: pnl.buffer,
    positions: positions.buffer,
    journal_progress: journal.progress.buffer,
    health: health.buffer,
    journal_dir: journal.journal_dir,
    recovery: planFrom(null, recovered),
    accounts: accounts.count,
    notional_scale: instruments.instruments.map((i) => i.notional_scale),
    session_end_utc_minutes: 0,
  };
  const worker = new Worker(WORKER_URL, { workerData: init, execArgv: FAST_THREAD });
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  t.teardown(() => worker.terminate());

  await waitFor(() => health.state(WorkerId.PNL) === WorkerState.RUNNING, 10_000, 'the PnL worker to run');
  t.ok(ring.isGating(EventConsumer.PNL), 'a running PnL worker holds its place on the ring');
  t.equal(health.view(WorkerId.PNL).position, 6, 'it replayed the journal up to the durable sequence');
  journal_reader.release(2); // the journal releases 5 and 6: the PnL worker sees them on the ring
  await waitFor(() => ring.consumerPosition(EventConsumer.PNL) === 4, 10_000, 'the PnL worker to take seq 5 and 6 off the ring');

  const view = { positions, pnl, instruments, account_names: accounts.accounts.map((a) => a.name) };
  const rows = renderPositions(view);
  t.same(rows.map((r) => [r.account, r.symbol, r.quantity, r.average_price, r.realized_pnl]), [
    // 20 lots (0.002 BTC) at an average of 45050; sold 5 lots at 45200: 0.0005 * 150 = 0.075 realized.
    ['test', 'BTCUSDT', 0.0015, 45050, 0.075],
    // short 3 SOL at 100, bought 1 back at 99: 1 realized.
    ['demo2', 'SOLUSDT', -2, 100, 1],
  ], 'seq 5 and 6, replayed from the journal, were not applied again from the ring');
  t.equal(rows[0].mark_price, 45200, 'without a price in the mark table, the last fill is the mark');
  t.equal(rows[0].unrealized_pnl, 0.225, '15 lots * (45200 - 45050)');
  t.equal(rows[1].unrealized_pnl, 2, 'short 2 SOL from 100, marked at 99');

  const mark = new Float64Array(MARK_FIELD_COUNT);
  mark[MarkField.LAST_TICKS] = 4_600_000;
  mark[MarkField.BID_TICKS] = 4_599_999;
  mark[MarkField.ASK_TICKS] = 4_600_001;
  mark[MarkField.UPDATED_AT_MS] = Date.now();
  marks.write(0, mark);
  await waitFor(() => positions.readField(0, PositionField.MARK_TICKS) === 4_600_000, 5_000, 'a revaluation at the new mark');
  t.equal(renderPositions(view, { account: 0 })[0].unrealized_pnl, 1.425, '15 lots (0.0015 BTC) * (46000 - 45050)');
  t.equal(renderPositions(view, { account: 0 })[0].mark_price, 46000);
  const summary = renderAccountPnl(view, 0)[0];
  t.equal(summary.unrealized_pnl, 1.425);
  t.equal(summary.realized_pnl, 0.075);
  t.equal(pnl.readField(0, PnlField.DAILY_PNL_MICROS), 75_000 + 1_425_000, 'daily PnL feeds the engine\'s daily loss check');
  t.equal(renderAccountPnl(view).length, 2, 'one summary per account');

  // A new fill arrives on the ring (durable, released by the journal): applied once.
  const closing = fill(0, 0, Side.SELL, 15, 4_600_000, 1);
  publish(journal.append([closing]), [closing]);
  journal_reader.release(1);
  await waitFor(() => positions.readField(0, PositionField.POSITION_LOTS) === 0, 5_000, 'the closing fill');
  t.same(renderPositions(view, { account: 0 }).map((r) => [r.quantity, r.average_price, r.realized_pnl, r.unrealized_pnl]), [[0, null, 1.5, 0]],
    'closed 15 lots at 46000: 0.075 + 1.425 realized');

  health.requestStop(WorkerId.PNL);
  pnl_doorbell.wake();
  t.equal(await exited, 0, 'the worker exits cleanly when asked');
  t.equal(health.state(WorkerId.PNL), WorkerState.STOPPED);
  t.notOk(ring.isGating(EventConsumer.PNL), 'a stopped PnL worker no longer holds the ring back');
});
