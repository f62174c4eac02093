/**
 * CPU per order by thread: the arithmetic on two readings (named, unnamed, new and exited
 * threads), the median across rounds, and the reader itself on a real echo server run,
 * whose only named thread is its main thread.
 */
import { readFileSync } from 'node:fs';
import t from 'tap';
import { cpuPerOrder } from '../../../bench/harness/cpu_per_order.js';
import { medianCpuPerOrder } from '../../../bench/harness/round_aggregate.js';
import { newRunTag } from '../../../bench/harness/run_spec.js';
import { readThreadCpuNs, readThreadSchedNs } from '../../../bench/harness/thread_cpu.js';
import { threadNamesFromWorkers } from '../../../bench/harness/thread_names.js';
import { EchoScenario } from '../../../bench/scenarios/echo_scenario.js';

const PID = 100;

t.test('each thread counts what it spent between the readings; unnamed threads are other', (t) => {
  const names = threadNamesFromWorkers({
    process: { pid: PID, io_tid: PID },
    workers: [{ name: 'engine', os_tid: 101 }, { name: 'journal', os_tid: 102 }, { name: 'sink_nats', os_tid: null }],
  }, PID);
  const start = { cpu_ns: new Map([[100, 1_000_000], [101, 5_000_000], [102, 0], [110, 300_000], [111, 9_000_000]]), names };
  // 111 exited inside the window; 112 started inside it.
  const end = { cpu_ns: new Map([[100, 3_000_000], [101, 6_000_000], [102, 400_000], [110, 500_000], [112, 100_000]]), names };
  const per_order = cpuPerOrder(start, end, 100)!;
  t.same(per_order, { total: 37, io: 20, engine: 10, journal: 4, other: 3 }, 'µs per order, 1 decimal');
  t.same(Object.keys(per_order), ['total', 'io', 'engine', 'journal', 'other'], 'total first, roles in path order, other last');
  t.equal(cpuPerOrder(start, end, 0), null, 'no order completed: nothing to divide by');
  t.end();
});

t.test('a worker restarted inside the window is counted under its name with all of its new thread', (t) => {
  const start = { cpu_ns: new Map([[100, 0], [120, 7_000_000]]), names: new Map([[100, 'io'], [120, 'pnl']]) };
  const end = { cpu_ns: new Map([[100, 1_000_000], [121, 2_000_000]]), names: new Map([[100, 'io'], [121, 'pnl']]) };
  t.same(cpuPerOrder(start, end, 1000), { total: 3, io: 1, pnl: 2, other: 0 });
  t.end();
});

t.test('across rounds each figure is its own median', (t) => {
  const median = medianCpuPerOrder([
    { total: 30, io: 10, journal: 5, other: 15 },
    null,
    { total: 50, io: 30, journal: 7, other: 13 },
    { total: 40, io: 20, journal: 6, other: 14, pnl: 1 },
  ]);
  t.same(median, { total: 40, io: 20, journal: 6, pnl: 1, other: 14 });
  t.equal(medianCpuPerOrder([null, null]), null);
  t.end();
});

t.test('thread names must come from the process they describe', (t) => {
  t.throws(() => threadNamesFromWorkers({ process: { pid: 7, io_tid: 7 }, workers: [] }, PID), /process 7, not 100/);
  t.throws(() => threadNamesFromWorkers({ workers: [] }, PID), /did not answer/);
  t.end();
});

t.test('this process has a main thread with CPU time', (t) => {
  const cpu = readThreadCpuNs(process.pid);
  t.ok((cpu.get(process.pid) ?? 0) > 0);
  t.end();
});

t.test('each thread is read with its time waiting for a CPU, from the same schedstat line', (t) => {
  const sched = readThreadSchedNs(process.pid);
  t.same([...sched.waited.keys()].sort(), [...sched.on_cpu.keys()].sort(), 'both figures for every thread');
  const [on_cpu_ns, waited_ns] = readFileSync(`/proc/${process.pid}/task/${process.pid}/schedstat`, 'utf8').split(' ').map(Number);
  t.ok(sched.on_cpu.get(process.pid)! <= on_cpu_ns, 'on CPU: the first field');
  t.ok(sched.waited.get(process.pid)! <= waited_ns && sched.waited.get(process.pid)! >= 0, 'waiting: the second field');
  t.end();
});

t.test('an echo run reports the CPU of its io thread and of nothing else by name', async (t) => {
  const scenario = new EchoScenario({ durability: 'none', target_url: null, verbose: false });
  await scenario.start();
  t.teardown(() => scenario.stop());
  const load = await scenario.run({
    mode: 'open', rate_per_s: 300, window: 8, warmup_s: 0.3, duration_s: 1, connections: 2, generators: 1, generator_nice: 0,
    batch: 1, pipeline: 0, drain_timeout_ms: 3000, progress_interval_ms: 0, id_tag: newRunTag(),
  }, () => {});
  t.equal(load.completed, 300);
  const cpu = load.server!.cpu_us_per_order!;
  t.same(Object.keys(cpu), ['total', 'io', 'other']);
  t.ok(cpu.io > 0, `io ${cpu.io} µs/order`);
  t.ok(cpu.total >= cpu.io, 'the total holds the io thread');
  const wait = load.server!.wait_us_per_order!;
  t.same(Object.keys(wait), ['total', 'io', 'other'], 'the time waiting for a core, by the same threads');
  t.ok(wait.total >= wait.io && wait.io >= 0);
});
