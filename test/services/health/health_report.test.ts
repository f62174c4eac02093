/**
 * The health probes as pure functions of shared memory: live is always 200; ready needs a
 * running, fresh engine and journal and a journal that keeps up; workers lists every line.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import t from 'tap';
import { allocateEngineCounters, EngineCounter } from '../../../engine/telemetry/engine_counters.js';
import { WorkerHealthBlock } from '../../../engine/telemetry/worker_health.js';
import { WorkerId, WorkerState } from '../../../engine/telemetry/worker_health_layout.js';
import { liveReport, readyReport, workersReport } from '../../../services/health/health_report.js';
import { WorkerErrors } from '../../../services/health/worker_errors.js';
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
  t.same(report, { status: 200, body: { status: 'ready', reasons: [], journal_lag: 10, degraded: [] } });
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
  t.match(report.body.workers.find((w) => w.name === 'sink_nats'), {
    name: 'sink_nats', state: 'running', enabled: true, heartbeat_age_ms: 250, processed: 1200, lag: 35, errors: 3, restarts: 1, position: 1165, os_tid: null,
    state_since: String, last_error: null,
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

t.test('a worker takes the nice value the main thread asked for when it announces STARTING; others and the io thread keep theirs', async (t) => {
  const health = new WorkerHealthBlock();
  health.setThreadNice(WorkerId.PNL, 7);
  const start = (id: number) => new Worker(`
    const { parentPort, workerData } = require('node:worker_threads');
    import(workerData.module).then(({ WorkerHealthBlock }) => {
      new WorkerHealthBlock(workerData.buffer).reporter(workerData.id).setState(1);
      parentPort.postMessage('started');
      parentPort.once('message', () => process.exit(0));
    });
  `, { eval: true, workerData: { buffer: health.buffer, id, module: HEALTH_MODULE } });
  const workers = [start(WorkerId.PNL), start(WorkerId.JOURNAL)];
  t.teardown(() => Promise.all(workers.map((w) => w.terminate())));
  await Promise.all(workers.map((w) => new Promise((resolve) => w.once('message', resolve))));
  const body = workersReport(health, undefined, NOW).body;
  t.equal(body.workers.find((w) => w.name === 'pnl')?.thread_nice, 7, 'the PnL thread runs at the nice value asked for');
  t.equal(body.workers.find((w) => w.name === 'journal')?.thread_nice, os.getPriority(), 'a worker asked for none keeps the process\'s');
  t.equal(os.getPriority(), os.getPriority(process.pid), 'the io thread is untouched');
  t.equal(body.workers.find((w) => w.name === 'engine')?.thread_nice, null, 'a worker that never started has none');
  for (const w of workers) w.postMessage('exit');
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
  t.same(readyReport({ health, enabled, marks, now_ms: NOW }).body, { status: 'ready', reasons: [], journal_lag: 0, degraded: [] },
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

t.test('a degraded sink leaves ready at 200 but is named, with since when and its last error, in ready and workers', async (t) => {
  const health = new WorkerHealthBlock();
  running(health, WorkerId.ENGINE);
  running(health, WorkerId.JOURNAL);
  running(health, WorkerId.SINK_REDIS);
  running(health, WorkerId.SINK_NATS);
  const enabled = new Set(['engine', 'journal', 'sink_redis', 'sink_nats']);
  const errors = new WorkerErrors();
  const before_ms = Date.now();
  health.reporter(WorkerId.SINK_REDIS).setState(WorkerState.DEGRADED);
  errors.record(WorkerId.SINK_REDIS, 'connect ECONNREFUSED 127.0.0.1:6390', NOW - 1500);
  const since_ms = health.view(WorkerId.SINK_REDIS).state_since_ms!;
  t.ok(since_ms >= before_ms, 'the block records when the state changed');
  health.reporter(WorkerId.SINK_REDIS).setState(WorkerState.DEGRADED);
  t.equal(health.view(WorkerId.SINK_REDIS).state_since_ms, since_ms, 'a repeated state keeps its time: since the outage began');
  health.setState(WorkerId.SINK_QUESTDB, WorkerState.DEGRADED);

  const expected = [{
    name: 'sink_redis', state: 'degraded', since: new Date(since_ms).toISOString(),
    last_error: 'connect ECONNREFUSED 127.0.0.1:6390', last_error_at: new Date(NOW - 1500).toISOString(),
  }];
  const ready = readyReport({ health, enabled, errors, now_ms: NOW });
  t.equal(ready.status, 200, 'order entry is still ready: orders are durable and the sink catches up');
  t.same(ready.body.reasons, []);
  t.same(ready.body.degraded, expected, 'ready names the degraded sink (not the one the configuration does not run)');
  const workers = workersReport(health, enabled, NOW, errors).body;
  t.equal(workers.status, 'degraded');
  t.same(workers.degraded, expected, 'workers lists it too');
  t.match(workers.workers.find((w) => w.name === 'sink_redis'), {
    state: 'degraded', state_since: new Date(since_ms).toISOString(),
    last_error: { message: 'connect ECONNREFUSED 127.0.0.1:6390', at: new Date(NOW - 1500).toISOString() },
  });

  health.setState(WorkerId.SINK_NATS, WorkerState.FAILED);
  t.same(readyReport({ health, enabled, errors, now_ms: NOW }).body.degraded.map((d) => [d.name, d.state]),
    [['sink_nats', 'failed'], ['sink_redis', 'degraded']], 'a worker its supervisor gave up on is named as failed');

  health.reporter(WorkerId.SINK_REDIS).setState(WorkerState.RUNNING);
  health.reporter(WorkerId.SINK_NATS).setState(WorkerState.RUNNING);
  t.same(readyReport({ health, enabled, errors, now_ms: NOW }).body.degraded, [], 'recovered: no longer named');
  t.match(workersReport(health, enabled, NOW, errors).body.workers.find((w) => w.name === 'sink_redis'),
    { state: 'running', last_error: { message: 'connect ECONNREFUSED 127.0.0.1:6390' } }, 'the last error stays on its line');
});

t.test('a worker error keeps no credentials and no runaway text, and only worker-error messages count', async (t) => {
  const errors = new WorkerErrors();
  errors.record(WorkerId.SINK_NATS, 'cannot reach nats://s3cr3t-token@broker:4222 or redis://user:pa55@cache:6379', NOW);
  t.notMatch(errors.last(WorkerId.SINK_NATS)!.message, /s3cr3t|pa55/, 'credentials in URLs are masked: /health needs no key');
  errors.record(WorkerId.SINK_NATS, 'x'.repeat(10_000), NOW);
  t.equal(errors.last(WorkerId.SINK_NATS)!.message.length, 500);
  t.notOk(errors.receive(WorkerId.PNL, { type: 'gc_records', records: [] }), 'another message is not an error');
  t.notOk(errors.receive(WorkerId.PNL, null));
  t.equal(errors.last(WorkerId.PNL), null);
  t.ok(errors.receive(WorkerId.PNL, { type: 'worker_error', message: 'boom', at_ms: NOW }));
  t.same(errors.last(WorkerId.PNL), { message: 'boom', at_ms: NOW });
});

t.test('a worker\'s heartbeat records its own thread\'s heap, the main thread\'s does not, and the process block has the io heap', async (t) => {
  const health = new WorkerHealthBlock();
  const worker = new Worker(`
    const { workerData } = require('node:worker_threads');
    import(workerData.module).then(({ WorkerHealthBlock }) => {
      new WorkerHealthBlock(workerData.buffer).reporter(workerData.id).heartbeat(Date.now());
    });
  `, { eval: true, workerData: { buffer: health.buffer, id: WorkerId.PNL, module: HEALTH_MODULE } });
  await new Promise((resolve) => worker.once('exit', resolve));
  health.reporter(WorkerId.SNAPSHOT).heartbeat(Date.now());
  const body = workersReport(health, undefined, NOW).body;
  const pnl = body.workers.find((w) => w.name === 'pnl')!;
  t.ok(pnl.heap_used_bytes! > 100_000 && pnl.heap_total_bytes! >= pnl.heap_used_bytes!, `the worker thread's heap: ${pnl.heap_used_bytes} of ${pnl.heap_total_bytes} bytes`);
  t.equal(body.workers.find((w) => w.name === 'snapshot')!.heap_used_bytes, null, 'a line the main thread beats for has no heap of its own');
  t.ok(body.process.rss_bytes > body.process.io_heap_used_bytes && body.process.io_heap_used_bytes > 0, 'the process: resident memory and the io heap');
});
