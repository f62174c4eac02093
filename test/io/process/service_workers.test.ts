/**
 * The service wiring: which workers a configuration runs, and all of them started from
 * their specs under supervisors over one set of shared buffers, against real NATS and
 * Redis, then stopped.
 */
import t from 'tap';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_ENGINE_CONFIG } from '../../../engine/config/engine_config.js';
import { EventType, OrderStatus, Side } from '../../../engine/protocol/enums.js';
import { AccountTable } from '../../../engine/reference/accounts.js';
import { InstrumentTable } from '../../../engine/reference/instruments.js';
import { MarkField } from '../../../engine/reference/mark_table.js';
import { SeqlockTable } from '../../../engine/reference/seqlock_table.js';
import { SharedRing } from '../../../engine/ring/ring.js';
import { allocateOmsBuffers, EventConsumer } from '../../../engine/shared_memory.js';
import { WorkerHealthBlock } from '../../../engine/telemetry/worker_health.js';
import { WorkerId, WorkerState } from '../../../engine/telemetry/worker_health_layout.js';
import { loadOmsConfig } from '../../../io/config/oms_config.js';
import { JOURNAL_PROGRESS_FIELDS } from '../../../engine/reference/journal_progress.js';
import { renderPositions } from '../../../services/pnl/positions_view.js';
import { SERVICE_WORKER_URLS, serviceWorkerSpecs } from '../../../io/process/service_workers.js';
import { WorkerSupervisor } from '../../../services/supervisor/worker_supervisor.js';
import type { PnlWorkerInit } from '../../../services/pnl/pnl_worker.js';
import { planFrom, START_EMPTY } from '../../../services/snapshot/recovery_plan.js';
import { VerifiedSnapshot } from '../../../services/snapshot/verified_snapshot.js';
import { startNatsServer, startRedisServer } from '../../support/servers.js';
import { TestJournal, waitFor } from '../../services/support/journal_fixture.js';
import { FAST_THREAD } from '../../services/support/worker_flags.js';

const SMALL_ENGINE = { ...DEFAULT_ENGINE_CONFIG, event_ring_capacity: 1024, command_ring_capacity: 256, reply_ring_capacity: 256 };

t.test('every service worker entry file exists next to the compiled wiring', async (t) => {
  for (const [name, url] of Object.entries(SERVICE_WORKER_URLS)) t.ok(fs.existsSync(fileURLToPath(url)), `${name}: ${url.pathname}`);
});

t.test('sinks run only when configured and when there is a journal; manual market data has no worker', async (t) => {
  const config = loadOmsConfig({ OMS_DATA_DIR: '/tmp/oms-unused', NATS_URL: 'nats://127.0.0.1:4222' });
  const instruments = new InstrumentTable(config.instruments);
  const accounts = new AccountTable(config.accounts, instruments);
  const buffers = allocateOmsBuffers(SMALL_ENGINE, accounts.count, instruments.count);
  const specs = serviceWorkerSpecs({ config, buffers, instruments, accounts, recovery: START_EMPTY, verified: new VerifiedSnapshot(null) });
  t.same(specs.enabled.map((s) => s.name), ['market_data', 'pnl', 'sink_nats']);
  t.same(specs.disabled, [WorkerId.SINK_REDIS, WorkerId.SINK_QUESTDB]);
  const none = serviceWorkerSpecs({ config: { ...config, durability: 'none', market_data: 'manual' }, buffers, instruments, accounts, recovery: START_EMPTY, verified: new VerifiedSnapshot(null) });
  t.same(none.enabled.map((s) => s.name), ['pnl'], 'no journal: no sinks; manual marks: no market-data worker');
  // The PnL worker's start record is built at each (re)start, from the latest verified snapshot.
  t.equal((none.enabled[0].workerData as () => PnlWorkerInit)().journal_dir, null);
});

t.test('the test fault OMS_FAULT_WORKER_EXIT reaches the named worker at its first start only', async (t) => {
  const config = loadOmsConfig({ OMS_DATA_DIR: '/tmp/oms-unused', NATS_URL: 'nats://127.0.0.1:4222', OMS_FAULT_WORKER_EXIT: 'sink_nats:7' });
  const instruments = new InstrumentTable(config.instruments);
  const accounts = new AccountTable(config.accounts, instruments);
  const buffers = allocateOmsBuffers(SMALL_ENGINE, accounts.count, instruments.count);
  const specs = serviceWorkerSpecs({ config, buffers, instruments, accounts, recovery: START_EMPTY, verified: new VerifiedSnapshot(null) });
  const start = (name: string) => (specs.enabled.find((s) => s.name === name)!.workerData as () => Record<string, unknown>)();
  t.equal(start('sink_nats').fault_exit_after_events, 7, 'first start: the fault');
  t.equal(start('sink_nats').fault_exit_after_events, 0, 'a restart runs on, as after a real crash');
  t.equal(start('pnl').fault_exit_after_events, 0, 'no other worker gets it');
  t.equal(start('market_data').fault_exit_after_marks, 0);
});

t.test('all services start from their specs, do their jobs on shared memory, and stop', async (t) => {
  const nats = await startNatsServer(t);
  const redis = await startRedisServer(t);
  const journal = new TestJournal();
  t.teardown(() => journal.remove());
  journal.append([
    { type: EventType.ACCEPTED, status: OrderStatus.ACCEPTED, order_id: 1, account: 0, symbol: 0, side: Side.BUY, qty_lots: 10, price_ticks: 4_500_000 },
    { type: EventType.FILL, status: OrderStatus.FILLED, order_id: 1, account: 0, symbol: 0, side: Side.BUY, qty_lots: 10, price_ticks: 4_500_000,
      filled_qty_lots: 10, fill_notional: 45_000_000, last_fill_qty_lots: 10, last_fill_price_ticks: 4_500_000 },
  ]);
  const config = loadOmsConfig({
    OMS_DATA_DIR: journal.data_dir, NATS_URL: nats.url, REDIS_URL: redis.url, OMS_LOG_LEVEL: 'error',
  });
  const instruments = new InstrumentTable(config.instruments);
  const accounts = new AccountTable(config.accounts, instruments);
  const buffers = allocateOmsBuffers(SMALL_ENGINE, accounts.count, instruments.count);
  // What the journal worker would publish: durable up to the last recovered sequence.
  const progress = new SeqlockTable(buffers.journal_progress);
  const values = new Float64Array(JOURNAL_PROGRESS_FIELDS);
  values[0] = journal.durable_seq;
  progress.write(0, values);
  const health = new WorkerHealthBlock(buffers.health);
  const specs = serviceWorkerSpecs({ config, buffers, instruments, accounts, recovery: planFrom(null, journal.durable_seq), verified: new VerifiedSnapshot(null) });
  const supervisors = specs.enabled.map((spec) => new WorkerSupervisor({ ...spec, execArgv: FAST_THREAD }, health));
  t.teardown(() => Promise.all(supervisors.map((s) => s.stop())));
  supervisors.forEach((s) => s.start());

  const all = [WorkerId.MARKET_DATA, WorkerId.PNL, WorkerId.SINK_NATS, WorkerId.SINK_REDIS];
  await waitFor(() => all.every((w) => health.state(w) === WorkerState.RUNNING), 20_000, 'every service to run');
  const events = new SharedRing(buffers.events);
  t.ok(events.isGating(EventConsumer.PNL), 'the running PnL worker attached its ring position');
  const marks = new SeqlockTable(buffers.marks);
  t.ok(marks.readField(0, MarkField.LAST_TICKS) > 0, 'market data writes marks');
  await waitFor(() => health.view(WorkerId.SINK_NATS).position === 2 && health.view(WorkerId.SINK_REDIS).position === 2, 20_000,
    'both sinks to deliver the journal');
  const view = { positions: new SeqlockTable(buffers.positions), pnl: new SeqlockTable(buffers.pnl), instruments, account_names: accounts.accounts.map((a) => a.name) };
  await waitFor(() => renderPositions(view).length === 1 && renderPositions(view)[0].mark_price !== 45000, 10_000, 'PnL valued at the live mark');
  const [position] = renderPositions(view);
  t.equal(position.quantity, 0.001);
  t.equal(position.average_price, 45000);
  await Promise.all(supervisors.map((s) => s.stop()));
  t.ok(all.every((w) => health.state(w) === WorkerState.STOPPED), 'every service stopped cleanly');
  t.notOk(events.isGating(EventConsumer.PNL), 'a stopped PnL worker no longer holds the ring back');
});
