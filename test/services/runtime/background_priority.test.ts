/**
 * Background work (the snapshot task) runs its thread at nice 19, and only that thread:
 * the io thread and the order path keep their priority.
 */
import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import t from 'tap';

const MODULE = new URL('../../../services/runtime/background_priority.js', import.meta.url).href;
const HEALTH = new URL('../../../engine/telemetry/worker_health.js', import.meta.url).href;

function niceOf(tid: number): number {
  // /proc/<pid>/task/<tid>/stat: field 19 is nice; split after the command name, which may hold spaces.
  return Number(fs.readFileSync(`/proc/${process.pid}/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ')[16]);
}

t.test('a thread that asks for background priority gets nice 19, and the process keeps its own', { skip: process.platform !== 'linux' ? 'Linux only: thread priorities from /proc' : false }, async (t) => {
  const worker = new Worker(`
    const { parentPort, workerData } = require('node:worker_threads');
    Promise.all([import(workerData.module), import(workerData.health)]).then(([priority, health]) => {
      const set = priority.runAtBackgroundPriority();
      parentPort.postMessage({ set, tid: health.currentThreadId() });
      setTimeout(() => {}, 2000);
    });
  `, { eval: true, workerData: { module: MODULE, health: HEALTH } });
  t.teardown(() => worker.terminate());
  const { set, tid } = await new Promise<{ set: number | null; tid: number }>((resolve) => worker.once('message', resolve));
  t.equal(set, 19, 'the call says the priority it set');
  t.equal(niceOf(tid), 19, 'the kernel agrees for that thread');
  t.equal(niceOf(process.pid), 0, 'the main (io) thread is untouched');
});
