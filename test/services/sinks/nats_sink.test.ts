/**
 * The NATS JetStream sink as a real worker thread against a real `nats-server -js`,
 * reading real journal files: every order event reaches the stream exactly once, through
 * a broker crash, a sink crash (supervisor restart), a lost cursor beyond the duplicate
 * window, and a broker that lost its last messages.
 */
import t, { Test } from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { connect, JetStreamManager, NatsConnection } from 'nats';
import { DEMO_ACCOUNTS } from '../../../engine/reference/accounts.js';
import { DEMO_INSTRUMENTS } from '../../../engine/reference/instruments.js';
import { WorkerHealthBlock } from '../../../engine/telemetry/worker_health.js';
import { WorkerId, WorkerState } from '../../../engine/telemetry/worker_health_layout.js';
import type { NatsSinkWorkerInit } from '../../../services/sinks/nats_sink_worker.js';
import { isOrderEvent } from '../../../services/sinks/order_event_json.js';
import { WorkerSupervisor } from '../../../services/supervisor/worker_supervisor.js';
import { seededRandom } from '../../../services/market_data/simulated_ticker.js';
import { startNatsServer, ManagedServer } from '../../support/servers.js';
import { OrderFlow, TestJournal, waitFor } from '../support/journal_fixture.js';
import { FAST_THREAD } from '../support/worker_flags.js';

const WORKER_URL = new URL('../../../services/sinks/nats_sink_worker.js', import.meta.url);
const BASE_TICKS = [4_500_000, 250_000, 10_000];
const ID = WorkerId.SINK_NATS;

interface StoredOrderMessage {
  readonly stream_seq: number;
  readonly subject: string;
  readonly msg_id: string;
  readonly body: Record<string, unknown>;
}

/** Every message in the stream, read with one ordered consumer (one pull, not one request per message). */
async function readStream(nc: NatsConnection, jsm: JetStreamManager, stream: string): Promise<StoredOrderMessage[]> {
  const info = await jsm.streams.info(stream);
  const out: StoredOrderMessage[] = [];
  if (info.state.messages === 0) return out;
  const consumer = await nc.jetstream().consumers.get(stream);
  const messages = await consumer.fetch({ max_messages: info.state.messages, expires: 5_000 });
  for await (const m of messages) {
    out.push({ stream_seq: m.seq, subject: m.subject, msg_id: m.headers?.get('Nats-Msg-Id') ?? '', body: m.json<Record<string, unknown>>() });
    if (out.length === info.state.messages) break;
  }
  return out;
}

/** Every order event in the journal is in the stream exactly once (by message id and by body sequence). */
function checkExactlyOnce(t: Test, journal: TestJournal, stored: StoredOrderMessage[]): void {
  const expected = journal.events.filter((e) => isOrderEvent(e.type)).map((e) => e.seq);
  const ids = stored.map((m) => m.msg_id);
  t.equal(new Set(ids).size, ids.length, 'no message id is stored twice');
  t.equal(stored.length, expected.length, `the stream holds ${expected.length} messages, one per order event`);
  t.same([...stored.map((m) => m.body.sequence as number)].sort((a, b) => a - b), expected, 'every order event sequence, once each');
  t.ok(stored.every((m) => m.msg_id === `oms:${m.body.sequence}`), 'message ids come from the event sequence');
}

interface Rig {
  readonly server: ManagedServer;
  readonly journal: TestJournal;
  readonly flow: OrderFlow;
  readonly health: WorkerHealthBlock;
  readonly supervisor: WorkerSupervisor;
  readonly nc: NatsConnection;
  readonly jsm: JetStreamManager;
}

async function rig(t: Test, stream: string, extra: Partial<NatsSinkWorkerInit['nats']> = {}): Promise<Rig> {
  const server = await startNatsServer(t);
  const journal = new TestJournal();
  t.teardown(() => journal.remove());
  const flow = new OrderFlow(seededRandom(42), DEMO_ACCOUNTS.length, BASE_TICKS);
  const health = new WorkerHealthBlock();
  const init: NatsSinkWorkerInit = {
    data_dir: journal.data_dir,
    journal_progress: journal.progress.buffer,
    health: health.buffer,
    instruments: DEMO_INSTRUMENTS,
    account_names: DEMO_ACCOUNTS.map((a) => a.name),
    max_batch: 128,
    retry_initial_ms: 50,
    retry_max_ms: 400,
    log_level: 'error',
    nats: { url: server.url, stream, publish_timeout_ms: 1_000, connect_timeout_ms: 500, ...extra },
  };
  const supervisor = new WorkerSupervisor({
    name: 'sink_nats', worker_id: ID, url: WORKER_URL, execArgv: FAST_THREAD, workerData: init, backoff_initial_ms: 50, stop_timeout_ms: 5_000,
  }, health);
  t.teardown(() => supervisor.stop());
  const nc = await connect({ servers: server.url, reconnect: true, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
  t.teardown(() => nc.close());
  return { server, journal, flow, health, supervisor, nc, jsm: await nc.jetstreamManager({ timeout: 1_000 }) };
}

function caughtUp(r: Rig): boolean {
  return r.health.view(ID).position === r.journal.durable_seq;
}

t.test('every order event reaches the stream once, as seed-compatible JSON on orders.<type>; admin events are skipped', async (t) => {
  const r = await rig(t, 'ORDERS');
  r.journal.append(r.flow.events(700));
  r.supervisor.start();
  await waitFor(() => caughtUp(r), 20_000, 'the sink to reach the journal head');
  t.equal(r.health.state(ID), WorkerState.RUNNING);
  t.equal(r.health.view(ID).lag, 0, 'no backlog');
  const stored = await readStream(r.nc, r.jsm, 'ORDERS');
  checkExactlyOnce(t, r.journal, stored);
  const subjects = new Set(stored.map((m) => m.subject));
  for (const subject of ['orders.accepted', 'orders.rejected', 'orders.fill', 'orders.cancelled', 'orders.replaced', 'orders.expired']) {
    t.ok(subjects.has(subject), `${subject} is used`);
  }
  t.ok(r.journal.events.some((e) => !isOrderEvent(e.type)), 'the journal had admin events, which were not published');
  const fill = stored.find((m) => m.subject === 'orders.fill')!.body;
  for (const field of ['order_id', 'client_order_id', 'account', 'symbol', 'side', 'status', 'quantity', 'price', 'filled_quantity',
    'average_fill_price', 'sequence', 'timestamp', 'type', 'last_fill_quantity', 'last_fill_price', 'orig_order_id', 'reject_code', 'reject_reason']) {
    t.ok(field in fill, `a fill message carries ${field}`);
  }
  t.equal(fill.type, 'fill');
  t.ok(['test', 'demo2'].includes(fill.account as string), 'accounts by name');
  t.ok(['BTCUSDT', 'ETHUSDT', 'SOLUSDT'].includes(fill.symbol as string), 'symbols by name');
  t.equal(typeof fill.price, 'number', 'decimals are JSON numbers');
  t.match(fill.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/, 'ISO timestamp with microseconds');
  const cursor = JSON.parse(fs.readFileSync(path.join(r.journal.data_dir, 'cursors', 'nats.json'), 'utf8'));
  t.equal(cursor.seq, r.journal.durable_seq, 'the cursor file holds the last delivered sequence');
  await r.supervisor.stop();
  t.equal(r.health.state(ID), WorkerState.STOPPED);
});

t.test('a NATS server killed mid-stream delays only the sink, which catches up with every event exactly once', async (t) => {
  const r = await rig(t, 'ORDERS');
  r.journal.append(r.flow.events(200));
  r.supervisor.start();
  let writing = true;
  const writer = (async () => {
    while (writing) {
      r.journal.append(r.flow.events(5));
      await new Promise((resolve) => setTimeout(resolve, 4));
    }
  })();
  await waitFor(() => r.health.view(ID).position > 300, 20_000, 'the sink to be publishing');
  await r.server.stop('SIGKILL');
  const errors_before = r.health.view(ID).errors;
  await waitFor(() => r.health.state(ID) === WorkerState.DEGRADED, 10_000, 'the sink to report the outage');
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const during = r.health.view(ID);
  t.ok(during.lag > 0, `the backlog shows on the health line (lag ${during.lag})`);
  t.ok(during.errors > errors_before, `failed attempts are counted (${during.errors})`);
  const durable_during = r.journal.durable_seq;
  await r.server.start();
  await new Promise((resolve) => setTimeout(resolve, 300));
  writing = false;
  await writer;
  t.ok(r.journal.durable_seq > durable_during, 'the journal kept growing while the broker was down');
  await waitFor(() => caughtUp(r), 30_000, 'the sink to catch up after the broker returned');
  t.equal(r.health.state(ID), WorkerState.RUNNING);
  checkExactlyOnce(t, r.journal, await readStream(r.nc, r.jsm, 'ORDERS'));
});

t.test('a sink worker killed mid-stream is restarted by the supervisor and resumes from its cursor without duplicates', async (t) => {
  const r = await rig(t, 'ORDERS');
  r.journal.append(r.flow.events(2000));
  r.supervisor.start();
  await waitFor(() => r.health.view(ID).position > 500, 20_000, 'the sink to be publishing');
  const restarted = new Promise<number>((resolve) => r.supervisor.once('restart', resolve));
  await r.supervisor.worker!.terminate();
  t.equal(await restarted, 1, 'the supervisor restarted the worker');
  t.equal(r.health.view(ID).restarts, 1, 'the restart shows in the health block');
  await waitFor(() => caughtUp(r), 30_000, 'the restarted sink to finish');
  checkExactlyOnce(t, r.journal, await readStream(r.nc, r.jsm, 'ORDERS'));
});

t.test('a sink that lost its cursor, after the duplicate window passed, stores nothing twice', async (t) => {
  const r = await rig(t, 'ORDERS_SHORT_WINDOW', { duplicate_window_ms: 200, verify_window: 2_000 });
  r.journal.append(r.flow.events(600));
  r.supervisor.start();
  await waitFor(() => caughtUp(r), 20_000, 'the first run to finish');
  await r.supervisor.stop();
  fs.rmSync(path.join(r.journal.data_dir, 'cursors', 'nats.json'));
  await new Promise((resolve) => setTimeout(resolve, 400)); // past the duplicate window
  r.journal.append(r.flow.events(100));
  r.supervisor.start();
  await waitFor(() => caughtUp(r), 20_000, 'the second run to finish');
  checkExactlyOnce(t, r.journal, await readStream(r.nc, r.jsm, 'ORDERS_SHORT_WINDOW'));
});

t.test('messages the broker lost behind the cursor are published again when the sink checks the stream', async (t) => {
  const r = await rig(t, 'ORDERS');
  r.journal.append(r.flow.events(400));
  r.supervisor.start();
  await waitFor(() => caughtUp(r), 20_000, 'the first run to finish');
  await r.supervisor.stop();
  // Lose the last ten messages, as a broker that crashed before flushing them would; the
  // restart also forgets their message ids (JetStream rebuilds its duplicate map from the store).
  const info = await r.jsm.streams.info('ORDERS');
  for (let seq = info.state.last_seq; seq > info.state.last_seq - 10; seq--) await r.jsm.streams.deleteMessage('ORDERS', seq, false);
  t.equal((await r.jsm.streams.info('ORDERS')).state.messages, info.state.messages - 10);
  await r.server.restart('SIGTERM');
  r.supervisor.start();
  await waitFor(async () => (await r.jsm.streams.info('ORDERS').catch(() => null))?.state.messages === info.state.messages, 20_000,
    'the lost messages to be published again');
  await waitFor(() => r.health.state(ID) === WorkerState.RUNNING && caughtUp(r), 10_000, 'the sink to settle');
  checkExactlyOnce(t, r.journal, await readStream(r.nc, r.jsm, 'ORDERS'));
});
