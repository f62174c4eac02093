/**
 * The health probes as pure functions of shared memory: live is always 200; ready needs a
 * running, fresh engine and journal and a journal that keeps up; workers lists every line.
 */
import { Worker } from 'node:worker_threads';
import t from 'tap';
import { allocateEngineCounters, EngineCounter } from '../../../engine/telemetry/engine_counters.js';
import { WorkerHealthBlock } from '../../../engine/telemetry/worker_health.js';
import { WorkerId, WorkerState } from '../../../engine/telemetry/worker_health_layout.js';
import { liveReport, readyReport, workersReport } from '../../../services/health/health_report.js';
import { allocateJournalProgress, JournalProgressField } from '../../../engine/reference/journal_progress.js';
import { allocateMarkTable, MarkField } from '../../../engine/reference/mark_table.js';

const NOW = 1_800_000_000_000;
const HEALTH_MODULE = new URL('../../../engine/telemetry/worker_health.js', import.meta.url).href;

function running(health: WorkerHealthBlock, worker: number, heartbeat_at = NOW - 10): void {
  const r = health.reporter(worker);
  r.setState(WorkerState.RUNNING);
  r.heartbeat(heartbeat_at);
}

t.test('live is 200 whatever the workers do', async (t) => {
  t.same(liveReport(), { status: 200, body: { status: 'ok' } });
});

t.test('ready is 200 with a running, fresh engine and journal that keep up', async (t) => {
  const health = new WorkerHealthBlock();
  running(health, WorkerId.ENGINE);
  running(health, WorkerId.JOURNAL);
  const counters = allocateEngineCounters();
  const progress = allocateJournalProgress();
  counters[EngineCounter.LAST_SEQ] = 1000;
  progress.writeField(0, JournalProgressField.DURABLE_SEQ, 990);
  const report = readyReport({ health, engine_counters: counters, journal_progress: progress, now_ms: NOW, max_journal_lag: 100 });
  t.same(report, { status: 200, body: { status: 'ready', reasons: [], journal_lag: 10 } });
});

t.test('ready is 503 with every reason when something is wrong', async (t) => {
  const health = new WorkerHealthBlock();
  running(health, WorkerId.ENGINE, NOW - 5_000);
  health.setState(WorkerId.JOURNAL, WorkerState.FAILED);
  const counters = allocateEngineCounters();
  const progress = allocateJournalProgress();
  counters[EngineCounter.LAST_SEQ] = 5000;
  progress.writeField(0, JournalProgressField.DURABLE_SEQ, 100);
  const report = readyReport({ health, engine_counters: counters, journal_progress: progress, now_ms: NOW, max_heartbeat_age_ms: 2000, max_journal_lag: 1000 });
  t.equal(report.status, 503);
  t.equal(report.body.status, 'not_ready');
  t.same(report.body.reasons, [
    'engine heartbeat is 5000 ms old (limit 2000 ms)',
    'journal is failed, not running',
    'journal has no heartbeat',
    'journal is 4900 events behind the engine (limit 1000)',
  ]);
});

t.test('workers lists every worker by name; workers the configuration turned off say disabled', async (t) => {
  const health = new WorkerHealthBlock();
  running(health, WorkerId.ENGINE);
  running(health, WorkerId.SINK_NATS, NOW - 250);
  const nats = health.reporter(WorkerId.SINK_NATS);
  nats.progress(1200, 35, 1165);
  nats.addErrors(3);
  health.addRestart(WorkerId.SINK_NATS);
  const report = workersReport(health, new Set(['engine', 'sink_nats']), NOW);
  t.equal(report.status, 200);
  t.equal(report.body.status, 'ok');
  t.equal(report.body.workers.length, 8);
  t.same(report.body.workers.find((w) => w.name === 'sink_nats'), {
    name: 'sink_nats', state: 'running', enabled: true, heartbeat_age_ms: 250, processed: 1200, lag: 35, errors: 3, restarts: 1, position: 1165, os_tid: null,
  });
  t.same(report.body.workers.find((w) => w.name === 'sink_redis')?.state, 'disabled');
  health.setState(WorkerId.SINK_NATS, WorkerState.DEGRADED);
  t.equal(workersReport(health, new Set(['engine', 'sink_nats']), NOW).body.status, 'degraded', 'an enabled worker not running degrades the summary');
  health.setState(WorkerId.PNL, WorkerState.DISABLED);
  t.equal(workersReport(health, undefined, NOW).body.workers.find((w) => w.name === 'pnl')?.state, 'disabled', 'DISABLED in the block reads as disabled too');
});

t.test('a worker that announces STARTING from its own thread is listed with that thread id, apart from the io thread', async (t) => {
  const health = new WorkerHealthBlock();
  const worker = new Worker(`
    const { workerData } = require('node:worker_threads');
    import(workerData.module).then(({ WorkerHealthBlock }) => {
      new WorkerHealthBlock(workerData.buffer).reporter(workerData.id).setState(1);
    });
  `, { eval: true, workerData: { buffer: health.buffer, id: WorkerId.JOURNAL, module: HEALTH_MODULE } });
  await new Promise((resolve) => worker.once('exit', resolve));
  const body = workersReport(health, undefined, NOW).body;
  const journal = body.workers.find((w) => w.name === 'journal')!;
  t.equal(body.process.pid, process.pid);
  t.equal(body.process.io_tid, process.pid, 'the main thread is the io thread');
  t.type(journal.os_tid, 'number');
  t.not(journal.os_tid, process.pid, 'the worker thread has an id of its own');
  t.equal(body.workers.find((w) => w.name === 'engine')?.os_tid, null, 'a worker that never started has none');
});

t.test('ready waits for an enabled market-data worker\'s first mark, and names an enabled PnL or market-data worker that is not running', async (t) => {
  const health = new WorkerHealthBlock();
  running(health, WorkerId.ENGINE);
  running(health, WorkerId.JOURNAL);
  running(health, WorkerId.MARKET_DATA);
  health.setState(WorkerId.PNL, WorkerState.STARTING);
  const marks = allocateMarkTable(3);
  const enabled = new Set(['engine', 'journal', 'pnl', 'market_data']);
  const report = readyReport({ health, enabled, marks, now_ms: NOW });
  t.equal(report.status, 503);
  t.same(report.body.reasons, ['pnl is starting, not running', 'market_data has published no mark yet']);

  running(health, WorkerId.PNL);
  marks.writeField(2, MarkField.UPDATED_AT_MS, NOW - 50);
  t.same(readyReport({ health, enabled, marks, now_ms: NOW }).body, { status: 'ready', reasons: [], journal_lag: 0 },
    'ready once PnL runs and one mark is published');

  health.setState(WorkerId.MARKET_DATA, WorkerState.DEGRADED);
  t.same(readyReport({ health, enabled, marks, now_ms: NOW }).body.reasons, ['market_data is degraded, not running']);
});

t.test('market data and PnL the configuration does not run do not hold readiness back', async (t) => {
  const health = new WorkerHealthBlock();
  running(health, WorkerId.ENGINE);
  running(health, WorkerId.JOURNAL);
  health.setState(WorkerId.MARKET_DATA, WorkerState.DISABLED);
  const marks = allocateMarkTable(3);
  // Hand-set marks (OMS_MARKET_DATA=manual): no market-data worker, no mark yet, still ready.
  t.equal(readyReport({ health, enabled: new Set(['engine', 'journal', 'pnl']), marks, now_ms: NOW }).status, 503,
    'PnL is enabled and has not started');
  running(health, WorkerId.PNL);
  t.equal(readyReport({ health, enabled: new Set(['engine', 'journal', 'pnl']), marks, now_ms: NOW }).status, 200);
  t.equal(readyReport({ health, enabled: new Set(['engine', 'journal', 'pnl', 'market_data']), marks, now_ms: NOW }).status, 200,
    'DISABLED in the block counts as not run');
});
