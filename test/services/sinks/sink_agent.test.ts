/**
 * The sink loop with a scripted broker on the test's thread: batches up to the durable
 * sequence only, the cursor moves per acknowledged prefix, failures back off and retry the
 * same prepared batch, and a broker that asks to resume earlier is obeyed.
 */
import t, { Test } from 'tap';
import { EventType } from '../../../engine/protocol/enums.js';
import { EventRecord } from '../../../engine/protocol/event_record.js';
import { WorkerHealthBlock } from '../../../engine/telemetry/worker_health.js';
import { WorkerId, WorkerState } from '../../../engine/telemetry/worker_health_layout.js';
import { createLogger } from '../../../services/health/logger.js';
import { SinkAgent, SinkTarget } from '../../../services/sinks/sink_agent.js';
import { SinkCursor } from '../../../services/sinks/sink_cursor.js';
import { TestJournal } from '../support/journal_fixture.js';

class ScriptedTarget implements SinkTarget<EventRecord[]> {
  readonly name = 'scripted';
  stored: number[] = [];
  prepares = 0;
  opens: number[] = [];
  /** Each send consults this: a number stores that many then fails; 'fail' stores nothing. */
  script: ('ok' | 'fail' | number)[] = [];
  resume_after: number | null = null;
  async open(cursor: number): Promise<number> {
    this.opens.push(cursor);
    const resume = this.resume_after ?? cursor;
    this.resume_after = null;
    return resume;
  }
  needsOpen(): boolean { return false; }
  prepare(events: readonly EventRecord[]): EventRecord[] {
    this.prepares++;
    return [...events];
  }
  async send(batch: EventRecord[], from: number): Promise<number> {
    const step = this.script.shift() ?? 'ok';
    if (step === 'fail') throw new Error('broker down');
    const count = step === 'ok' ? batch.length - from : step;
    for (let i = from; i < from + count; i++) this.stored.push(batch[i].seq);
    return count;
  }
  async close(): Promise<void> {}
}

function setup(t: Test) {
  const journal = new TestJournal();
  t.teardown(() => journal.remove());
  const health = new WorkerHealthBlock();
  const target = new ScriptedTarget();
  const agent = new SinkAgent({
    target, cursor: new SinkCursor(journal.data_dir, 'scripted'), journal_dir: journal.journal_dir, progress: journal.progress,
    health: health.reporter(WorkerId.SINK_NATS), log: createLogger({ name: 'test', level: 'silent' }), max_batch: 10,
    retry_initial_ms: 20, retry_max_ms: 80,
  });
  return { journal, health, target, agent, cursor: new SinkCursor(journal.data_dir, 'scripted') };
}

const orders = (n: number) => Array.from({ length: n }, (_, i) => ({ type: EventType.ACCEPTED, order_id: i + 1 }));

t.test('the sink reads in batches up to the durable sequence and saves the cursor per batch', async (t) => {
  const { journal, health, target, agent, cursor } = setup(t);
  journal.append(orders(25));
  await agent.onStart();
  t.equal(await agent.doWork(), 10);
  t.equal(cursor.load(), 10);
  t.equal(await agent.doWork(), 10);
  t.equal(await agent.doWork(), 5);
  t.equal(await agent.doWork(), 0, 'nothing past the durable sequence');
  t.same(target.stored, Array.from({ length: 25 }, (_, i) => i + 1));
  t.equal(cursor.load(), 25);
  t.equal(health.state(WorkerId.SINK_NATS), WorkerState.RUNNING);
  t.notOk(agent.hasWork());
  journal.append(orders(1));
  t.ok(agent.hasWork(), 'a newly durable event is work');
});

t.test('a failed send backs off, counts an error, and retries the same prepared batch', async (t) => {
  const { journal, health, target, agent, cursor } = setup(t);
  journal.append(orders(10));
  await agent.onStart();
  target.script = [4, 'fail'];
  t.equal(await agent.doWork(), 0, 'a partial batch is a failure...');
  t.equal(cursor.load(), 4, '...but the stored prefix moves the cursor');
  t.equal(health.state(WorkerId.SINK_NATS), WorkerState.DEGRADED);
  t.equal(await agent.doWork(), 0, 'within the backoff nothing is tried');
  t.ok(agent.msUntilDeadline() <= 20);
  await new Promise((resolve) => setTimeout(resolve, 25));
  t.equal(await agent.doWork(), 0, 'the retry fails');
  await new Promise((resolve) => setTimeout(resolve, 45));
  t.equal(await agent.doWork(), 10, 'the retry after a longer backoff succeeds');
  t.same(target.stored, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 'nothing twice, nothing lost');
  t.equal(target.prepares, 1, 'prepared once for all three attempts');
  t.equal(health.view(WorkerId.SINK_NATS).errors, 2);
  t.same(target.opens, [0, 4, 4], 'reopened after each failure, from the cursor');
  t.equal(health.state(WorkerId.SINK_NATS), WorkerState.RUNNING);
});

t.test('a broker that lost events behind the cursor makes the sink read them again', async (t) => {
  const { journal, target, agent, cursor } = setup(t);
  journal.append(orders(20));
  await agent.onStart();
  await agent.doWork();
  await agent.doWork();
  t.equal(cursor.load(), 20);
  target.script = ['fail'];
  journal.append(orders(1));
  await agent.doWork();
  target.resume_after = 15;
  await new Promise((resolve) => setTimeout(resolve, 25));
  await agent.doWork();
  t.same(target.stored.slice(20), [16, 17, 18, 19, 20, 21], 'resent from the broker\'s resume point');
  t.equal(cursor.load(), 21);
});

t.test('the cursor survives a restart of the agent', async (t) => {
  const { journal, target, agent } = setup(t);
  journal.append(orders(12));
  await agent.onStart();
  await agent.doWork();
  await agent.onClose();
  const again = new SinkAgent({
    target, cursor: new SinkCursor(journal.data_dir, 'scripted'), journal_dir: journal.journal_dir, progress: journal.progress,
    health: null, log: createLogger({ name: 'test', level: 'silent' }), max_batch: 10,
  });
  await again.onStart();
  t.equal(again.cursorSeq, 10);
  await again.doWork();
  t.same(target.stored, Array.from({ length: 12 }, (_, i) => i + 1));
});
