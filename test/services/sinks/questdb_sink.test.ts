/**
 * The QuestDB sink as a real worker thread, talking the line protocol over TCP to a
 * listener in the test (standing in for QuestDB's port 9009): table names, symbols,
 * columns and designated timestamps of the orders, fills and ticks rows; and a server
 * that is not there yet only delays the sink; tick rows over the queue limit are dropped
 * and counted on /metrics.
 */
import t, { Test } from 'tap';
import net from 'node:net';
import { EventType } from '../../../engine/protocol/enums.js';
import { DEMO_ACCOUNTS } from '../../../engine/reference/accounts.js';
import { DEMO_INSTRUMENTS } from '../../../engine/reference/instruments.js';
import { allocateMarkTable, MARK_FIELD_COUNT, MarkField } from '../../../engine/reference/mark_table.js';
import { WorkerHealthBlock } from '../../../engine/telemetry/worker_health.js';
import { WorkerId, WorkerState } from '../../../engine/telemetry/worker_health_layout.js';
import { createMetricsRegistry } from '../../../services/health/metrics.js';
import { seededRandom } from '../../../services/market_data/simulated_ticker.js';
import { isOrderEvent } from '../../../services/sinks/order_event_json.js';
import { manualFlushConf } from '../../../services/sinks/questdb_sink.js';
import type { QuestDbSinkWorkerInit } from '../../../services/sinks/questdb_sink_worker.js';
import { WorkerSupervisor } from '../../../services/supervisor/worker_supervisor.js';
import { freePort } from '../../support/servers.js';
import { OrderFlow, TestJournal, waitFor } from '../support/journal_fixture.js';
import { FAST_THREAD } from '../support/worker_flags.js';

const WORKER_URL = new URL('../../../services/sinks/questdb_sink_worker.js', import.meta.url);
const ID = WorkerId.SINK_QUESTDB;

interface IlpLine {
  readonly table: string;
  readonly tags: Record<string, string>;
  readonly fields: Record<string, string>;
  readonly timestamp_ns: bigint;
}

/** Splits one line-protocol line into measurement+tags, fields and timestamp (quotes and escapes aware). */
function parseLine(line: string): IlpLine {
  const parts: string[] = [''];
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\') { parts[parts.length - 1] += c + line[++i]; continue; }
    if (c === '"') quoted = !quoted;
    if (c === ' ' && !quoted) { parts.push(''); continue; }
    parts[parts.length - 1] += c;
  }
  if (parts.length !== 3) throw new Error(`not a line with a designated timestamp: ${line}`);
  const [head, fields, ts] = parts;
  const [table, ...tags] = head.split(',');
  const pairs = (list: string[]) => Object.fromEntries(list.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
  return { table, tags: pairs(tags), fields: pairs(fields.match(/(?:[^,"]|"(?:[^"\\]|\\.)*")+/g) ?? []), timestamp_ns: BigInt(ts) };
}

class IlpListener {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  text = '';
  connections = 0;

  /** @param reads false: accept connections and never read them (a QuestDB that stalls). */
  constructor(readonly port: number, private readonly reads = true) {}

  async start(): Promise<void> {
    this.server = net.createServer((socket) => {
      this.connections++;
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      if (this.reads) socket.on('data', (chunk) => { this.text += chunk.toString(); });
      else socket.pause();
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }

  lines(): IlpLine[] {
    return this.text.split('\n').filter((l) => l.length > 0).map(parseLine);
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server === null) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}

function start(t: Test, port: number, journal: TestJournal, marks: SharedArrayBuffer | null, questdb: Partial<QuestDbSinkWorkerInit['questdb']> = {}) {
  const health = new WorkerHealthBlock();
  const init: QuestDbSinkWorkerInit = {
    data_dir: journal.data_dir,
    journal_progress: journal.progress.buffer,
    health: health.buffer,
    instruments: DEMO_INSTRUMENTS,
    account_names: DEMO_ACCOUNTS.map((a) => a.name),
    max_batch: 128,
    retry_initial_ms: 50,
    retry_max_ms: 300,
    log_level: 'error',
    questdb: { conf: `tcp::addr=127.0.0.1:${port};`, marks, tick_sample_ms: 20, tick_flush_ms: 50, ...questdb },
  };
  const supervisor = new WorkerSupervisor({ name: 'sink_questdb', worker_id: ID, url: WORKER_URL, execArgv: FAST_THREAD, workerData: init }, health);
  t.teardown(() => supervisor.stop());
  supervisor.start();
  return { health, supervisor };
}

t.test('orders, fills and ticks go out as line protocol with designated timestamps', async (t) => {
  const port = await freePort();
  const listener = new IlpListener(port);
  await listener.start();
  t.teardown(() => listener.stop());
  const journal = new TestJournal();
  t.teardown(() => journal.remove());
  journal.append(new OrderFlow(seededRandom(3), 2, [4_500_000, 250_000, 10_000]).events(300));
  const marks = allocateMarkTable(DEMO_INSTRUMENTS.length);
  const mark = new Float64Array(MARK_FIELD_COUNT);
  mark[MarkField.BID_TICKS] = 4_500_011;
  mark[MarkField.ASK_TICKS] = 4_500_013;
  mark[MarkField.LAST_TICKS] = 4_500_012;
  mark[MarkField.BID_SIZE_LOTS] = 1_000_000;
  mark[MarkField.ASK_SIZE_LOTS] = 1_000_000;
  mark[MarkField.UPDATED_AT_MS] = 1_767_614_400_123;
  marks.write(0, mark);

  const { health } = start(t, port, journal, marks.buffer);
  const order_events = journal.events.filter((e) => isOrderEvent(e.type));
  const fills = journal.events.filter((e) => e.type === EventType.FILL);
  await waitFor(() => health.view(ID).position === journal.durable_seq, 20_000, 'the sink to reach the journal head');
  await waitFor(() => listener.lines().some((l) => l.table === 'ticks'), 5_000, 'a tick row');
  const lines = listener.lines();
  const orders = lines.filter((l) => l.table === 'orders');
  t.equal(orders.length, order_events.length, 'one orders row per order event; admin events are not rows');
  t.equal(lines.filter((l) => l.table === 'fills').length, fills.length, 'one fills row per fill');

  const first = orders[0];
  const event = order_events[0];
  t.equal(first.timestamp_ns, BigInt(event.ts_us) * 1000n, 'designated timestamp: the event time');
  t.same(Object.keys(first.tags), ['account', 'symbol', 'type', 'side', 'status', 'order_type', 'time_in_force'], 'symbols first');
  t.equal(first.fields.sequence, `${event.seq}i`, 'sequence is a long column (a dedup key)');
  t.equal(first.fields.order_id, `${event.order_id}i`);
  t.match(first.fields.client_order_id, /^"c-\d+"$/);
  t.ok(['test', 'demo2'].includes(first.tags.account), 'account by name');
  const fill_line = lines.find((l) => l.table === 'fills')!;
  t.same(Object.keys(fill_line.tags), ['account', 'symbol', 'side']);
  for (const column of ['sequence', 'order_id', 'client_order_id', 'quantity', 'price', 'filled_quantity']) {
    t.ok(column in fill_line.fields, `fills has ${column}`);
  }
  const tick = lines.find((l) => l.table === 'ticks')!;
  t.same(tick.tags, { symbol: 'BTCUSDT' });
  t.equal(tick.fields.bid, '45000.11');
  t.equal(tick.fields.ask, '45000.13');
  t.equal(tick.fields.last, '45000.12');
  t.equal(tick.fields.bid_size, '100', '1,000,000 lots of 0.0001 BTC');
  t.equal(tick.timestamp_ns, 1_767_614_400_123_000_000n, 'designated timestamp: the mark\'s update time');
  t.equal(health.state(ID), WorkerState.RUNNING);
});

t.test('a QuestDB that is not listening yet delays the sink, which then delivers everything', async (t) => {
  const port = await freePort();
  const journal = new TestJournal();
  t.teardown(() => journal.remove());
  journal.append(new OrderFlow(seededRandom(4), 2, [4_500_000, 250_000, 10_000]).events(200));
  const { health } = start(t, port, journal, null);
  await waitFor(() => health.view(ID).errors >= 2, 10_000, 'failed connection attempts');
  t.equal(health.state(ID), WorkerState.DEGRADED);
  t.equal(health.view(ID).lag, journal.durable_seq, 'the whole journal is the backlog');
  const listener = new IlpListener(port);
  await listener.start();
  t.teardown(() => listener.stop());
  await waitFor(() => health.view(ID).position === journal.durable_seq, 20_000, 'the sink to deliver after the server came up');
  await waitFor(() => listener.lines().filter((l) => l.table === 'orders').length === journal.events.filter((e) => isOrderEvent(e.type)).length,
    5_000, 'every orders row to arrive');
  t.equal(health.state(ID), WorkerState.RUNNING);
});

/** A QuestDB that accepts connections and never reads them, and a journal of `events` order events. */
async function stalledQuestDb(t: Test, seed: number, events: number) {
  const port = await freePort();
  const listener = new IlpListener(port, false);
  await listener.start();
  t.teardown(() => listener.stop());
  const journal = new TestJournal();
  t.teardown(() => journal.remove());
  journal.append(new OrderFlow(seededRandom(seed), 2, [4_500_000, 250_000, 10_000]).events(events));
  return { port, listener, journal };
}

t.test('tick rows over the queue limit are dropped, and the drops reach /metrics from the worker thread', async (t) => {
  // A QuestDB that accepts and never reads: the sink's small writes still fit in the socket
  // buffers, so it stays connected. What overflows is the tick queue between two tick
  // flushes: here at most 2 rows, and one flush a minute while a mark moves every 30 ms.
  const { port, journal } = await stalledQuestDb(t, 5, 20);
  const marks = allocateMarkTable(DEMO_INSTRUMENTS.length);
  const mark = new Float64Array(MARK_FIELD_COUNT);
  mark[MarkField.BID_TICKS] = 4_500_011;
  mark[MarkField.ASK_TICKS] = 4_500_013;
  let moves = 0;
  const mover = setInterval(() => {
    mark[MarkField.UPDATED_AT_MS] = 1_767_614_400_000 + ++moves;
    marks.write(0, mark);
  }, 30);
  t.teardown(() => clearInterval(mover));

  const { health } = start(t, port, journal, marks.buffer, { max_tick_queue: 2, tick_flush_ms: 60_000 });
  const { registry } = createMetricsRegistry({ health });
  await waitFor(() => health.view(ID).dropped >= 3, 10_000, 'dropped ticks on the sink\'s health line');
  const text = await registry.metrics();
  const line = text.split('\n').find((l) => l.startsWith('oms_questdb_dropped_ticks_total '));
  t.ok(line, 'the counter is on /metrics');
  t.ok(Number(line!.split(' ')[1]) >= 3, `${line}: the drops counted in the worker thread`);
  t.equal(health.view(ID).position, journal.durable_seq, 'order events were still delivered');
  t.equal(health.state(ID), WorkerState.RUNNING, 'dropping ticks is not a failure of the sink');
});

t.test('a QuestDB that stops reading does not hold the sink: the flush times out, the sink reconnects and says so', async (t) => {
  // Enough rows to fill the loopback socket buffers of a connection nobody reads: then a
  // flush can never complete. Without a bound the sink waited on it forever, RUNNING.
  const { port, listener, journal } = await stalledQuestDb(t, 9, 60_000);
  const { health } = start(t, port, journal, null, { send_timeout_ms: 300 });
  await waitFor(() => health.view(ID).errors >= 1 && listener.connections >= 2, 30_000, 'a timed-out flush and a new connection');
  t.ok(health.view(ID).position < journal.durable_seq, 'the stalled rows are not counted as delivered');
  t.ok(listener.connections >= 2, `the sink reconnected (${listener.connections} connections)`);
});

t.test('the configuration string gets auto_flush=off unless it says otherwise', async (t) => {
  t.equal(manualFlushConf('tcp::addr=localhost:9009;'), 'tcp::addr=localhost:9009;auto_flush=off;');
  t.equal(manualFlushConf('http::addr=localhost:9000'), 'http::addr=localhost:9000;auto_flush=off;');
  t.equal(manualFlushConf('http::addr=q:9000;auto_flush=on;'), 'http::addr=q:9000;auto_flush=on;');
});
