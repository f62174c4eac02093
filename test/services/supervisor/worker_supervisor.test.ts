/**
 * The worker supervisor over real worker threads: crashes are restarted with backoff and
 * counted in the health block, repeated crashes end in FAILED, and stop() ends a worker
 * politely or, if it will not listen, by force.
 */
import t, { Test } from 'tap';
import { WorkerHealthBlock } from '../../../engine/telemetry/worker_health.js';
import { WorkerId, WorkerState } from '../../../engine/telemetry/worker_health_layout.js';
import { SupervisedWorkerSpec, WorkerSupervisor } from '../../../services/supervisor/worker_supervisor.js';
import { WorkerErrors } from '../../../services/health/worker_errors.js';
import { waitFor } from '../support/journal_fixture.js';
import type { FlakyWorkerInit } from './fixtures/flaky_worker.js';
import { FAST_THREAD } from '../support/worker_flags.js';

const WORKER_URL = new URL('./fixtures/flaky_worker.js', import.meta.url);
const ID = WorkerId.SINK_REDIS;

function supervise(t: Test, init: Omit<FlakyWorkerInit, 'health' | 'worker_id' | 'runs'>, spec: Partial<SupervisedWorkerSpec> = {}, errors: WorkerErrors | null = null) {
  const health = new WorkerHealthBlock();
  const runs = new SharedArrayBuffer(4);
  const supervisor = new WorkerSupervisor({
    name: 'flaky', worker_id: ID, url: WORKER_URL, execArgv: FAST_THREAD, backoff_initial_ms: 20, backoff_max_ms: 80,
    workerData: { ...init, health: health.buffer, worker_id: ID, runs } satisfies FlakyWorkerInit,
    ...spec,
  }, health, null, errors);
  t.teardown(() => supervisor.stop());
  return { health, supervisor, runs: () => Atomics.load(new Int32Array(runs), 0) };
}

t.test('a worker that crashes is restarted, and its restarts show in the health block', async (t) => {
  const exits: number[] = [];
  const { health, supervisor, runs } = supervise(t, { crash_runs: 2, how: 'throw' }, { onExit: (code) => exits.push(code) });
  const crashes: unknown[] = [];
  supervisor.on('crash', (crash) => crashes.push(crash));
  supervisor.start();
  await waitFor(() => runs() === 3 && supervisor.status === 'running' && health.state(ID) === WorkerState.RUNNING, 10_000, 'the third run');
  t.equal(health.view(ID).restarts, 2, 'two restarts in the health block');
  t.equal(supervisor.restarts, 2);
  t.equal(crashes.length, 2);
  t.match(crashes[0], { code: 1, error: { message: /crashed on run 1/ } }, 'the crash carries the worker\'s error');
  await supervisor.stop();
  t.equal(health.state(ID), WorkerState.STOPPED);
  t.equal(supervisor.status, 'stopped');
  t.same(exits, [1, 1, 0], 'the onExit hook ran after each crash and after the stop');
});

t.test('the supervisor keeps the last error its worker reported or crashed with, for /health', async (t) => {
  const errors = new WorkerErrors();
  const { health, supervisor, runs } = supervise(t, { crash_runs: 1, how: 'throw', report_error: 'broker down' }, {}, errors);
  const at_crash: (string | undefined)[] = [];
  supervisor.on('crash', () => at_crash.push(errors.last(ID)?.message));
  supervisor.start();
  await waitFor(() => runs() === 2 && errors.last(ID)?.message === 'broker down (run 2)', 10_000, 'the second run to report');
  t.match(at_crash, [/^crashed \(exit code 1\): flaky worker crashed on run 1$/], 'a crash is the last error until the worker reports another');
  t.equal(health.view(ID).restarts, 1);
  t.ok(Math.abs(errors.last(ID)!.at_ms - Date.now()) < 10_000, 'with the time the worker saw it');
});

t.test('a worker that exits on its own, even with code 0, counts as a crash', async (t) => {
  const { health, supervisor, runs } = supervise(t, { crash_runs: 1, how: 'exit0' });
  supervisor.start();
  await waitFor(() => runs() === 2 && health.view(ID).restarts === 1, 10_000, 'a restart');
  t.pass('restarted after an unasked exit');
});

t.test('after repeated rapid crashes the supervisor gives up: FAILED', async (t) => {
  const { health, supervisor, runs } = supervise(t, { crash_runs: 100, how: 'exit1' }, { max_rapid_failures: 4, rapid_window_ms: 60_000 });
  const failed = new Promise<Error>((resolve) => supervisor.once('failed', resolve));
  supervisor.start();
  const error = await failed;
  t.match(error.message, /exited with code 1/);
  t.equal(health.state(ID), WorkerState.FAILED);
  t.equal(supervisor.status, 'failed');
  t.equal(runs(), 4, 'four runs, then no more');
  t.equal(health.view(ID).restarts, 3);
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.equal(runs(), 4, 'nothing restarts it afterwards');
  supervisor.start();
  await waitFor(() => runs() === 5, 5_000, 'an explicit start to try again');
  t.pass('start() after FAILED tries again');
});

t.test('the restart delay doubles, up to its cap', async (t) => {
  const { supervisor } = supervise(t, { crash_runs: 5, how: 'exit1' }, { backoff_initial_ms: 40, backoff_max_ms: 200, max_rapid_failures: 10 });
  // From each crash to the next spawn: the backoff alone, without thread start-up time.
  let crashed_at = 0;
  const gaps: number[] = [];
  supervisor.on('crash', () => { crashed_at = Date.now(); });
  supervisor.on('spawn', () => { if (crashed_at > 0) gaps.push(Date.now() - crashed_at); });
  supervisor.start();
  await waitFor(() => gaps.length === 5, 15_000, 'five restarts');
  t.ok(gaps[0] >= 38 && gaps[1] >= 78 && gaps[2] >= 158, `delays grow: ${gaps.join(', ')} ms`);
  t.ok(gaps[3] >= 198 && gaps[3] < 300 && gaps[4] < 300, 'capped at 200 ms');
});

t.test('stop() ends a worker that ignores the request by terminating it after the timeout', async (t) => {
  const { health, supervisor } = supervise(t, { crash_runs: 0, how: 'throw', ignore_stop: true }, { stop_timeout_ms: 200 });
  supervisor.start();
  await waitFor(() => health.state(ID) === WorkerState.RUNNING, 5_000, 'the worker to run');
  const started = Date.now();
  await supervisor.stop();
  t.ok(Date.now() - started >= 190, 'waited for the timeout');
  t.equal(supervisor.worker, null);
  t.equal(health.state(ID), WorkerState.STOPPED);
  t.equal(health.view(ID).restarts, 0, 'a stop is not a crash');
});
