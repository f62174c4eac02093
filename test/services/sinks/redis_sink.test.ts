/**
 * The Redis sink as a real worker thread against a real `redis-server` (append-only file,
 * fsync always), reading real journal files: every order ends as `order:{id}` with its
 * final state, positions as `position:{account}:{symbol}` computed from the fills; through
 * a Redis crash, a sink crash and a replay from an older cursor, nothing is lost and no
 * position is counted twice.
 */
import t, { Test } from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { EventType, OrderStatus, Side, nameOf } from '../../../engine/protocol/enums.js';
import { DEMO_ACCOUNTS } from '../../../engine/reference/accounts.js';
import { formatUnits } from '../../../engine/reference/decimal.js';
import { DEMO_INSTRUMENTS, InstrumentTable } from '../../../engine/reference/instruments.js';
import { WorkerHealthBlock } from '../../../engine/telemetry/worker_health.js';
import { WorkerId, WorkerState } from '../../../engine/telemetry/worker_health_layout.js';
import { seededRandom } from '../../../services/market_data/simulated_ticker.js';
import { isOrderEvent } from '../../../services/sinks/order_event_json.js';
import { listSegments } from '../../../services/journal/journal_reader.js';
import { replayJournal } from '../../../services/journal/replay.js';
import { PnlBook } from '../../../services/pnl/pnl_book.js';
import { applyEventToBook } from '../../../services/pnl/pnl_events.js';
import { REDIS_LAST_SEQ_KEY } from '../../../services/sinks/redis_sink.js';
import { ColumnarWriter } from '../../../services/snapshot/columnar_file.js';
import { SnapshotRef, snapshotDirectory, snapshotFileName } from '../../../services/snapshot/snapshot_files.js';
import { VerifiedSnapshot } from '../../../services/snapshot/verified_snapshot.js';
import type { RedisSinkWorkerInit } from '../../../services/sinks/redis_sink_worker.js';
import { WorkerSupervisor } from '../../../services/supervisor/worker_supervisor.js';
import { ManagedServer, startRedisServer } from '../../support/servers.js';
import { OrderFlow, TestJournal, waitFor } from '../support/journal_fixture.js';
import { FAST_THREAD } from '../support/worker_flags.js';

const WORKER_URL = new URL('../../../services/sinks/redis_sink_worker.js', import.meta.url);
const BASE_TICKS = [4_500_000, 250_000, 10_000];
const ID = WorkerId.SINK_REDIS;
const instruments = new InstrumentTable(DEMO_INSTRUMENTS);
const ACCOUNT_NAMES = DEMO_ACCOUNTS.map((a) => a.name);

interface Rig {
  readonly server: ManagedServer;
  readonly journal: TestJournal;
  readonly flow: OrderFlow;
  readonly health: WorkerHealthBlock;
  readonly supervisor: WorkerSupervisor;
  readonly redis: Redis;
  /** What the process would hold as its latest verified snapshot; the worker's plan comes from it at every start. */
  readonly verified: VerifiedSnapshot;
}

async function rig(t: Test, seed: number): Promise<Rig> {
  const server = await startRedisServer(t, 3);
  const journal = new TestJournal();
  t.teardown(() => journal.remove());
  const health = new WorkerHealthBlock();
  const verified = new VerifiedSnapshot(null);
  const init: Omit<RedisSinkWorkerInit, 'recovery'> = {
    data_dir: journal.data_dir,
    journal_progress: journal.progress.buffer,
    health: health.buffer,
    instruments: DEMO_INSTRUMENTS,
    account_names: ACCOUNT_NAMES,
    max_batch: 128,
    retry_initial_ms: 50,
    retry_max_ms: 400,
    log_level: 'error',
    redis: { url: server.url, connect_timeout_ms: 500, command_timeout_ms: 1_000 },
  };
  const supervisor = new WorkerSupervisor({
    name: 'sink_redis', worker_id: ID, url: WORKER_URL, execArgv: FAST_THREAD, backoff_initial_ms: 50,
    workerData: (): RedisSinkWorkerInit => ({ ...init, recovery: verified.planFromLatest(0) }),
  }, health);
  t.teardown(() => supervisor.stop());
  const redis = new Redis(server.url, { maxRetriesPerRequest: null, retryStrategy: () => 100 });
  redis.on('error', () => {});
  t.teardown(() => redis.disconnect());
  return { server, journal, flow: new OrderFlow(seededRandom(seed), ACCOUNT_NAMES.length, BASE_TICKS), health, supervisor, redis, verified };
}

function caughtUp(r: Rig): boolean {
  return r.health.view(ID).position === r.journal.durable_seq;
}

/** Checks Redis against the journal, with expectations computed here from the events. */
async function checkRedis(t: Test, r: Rig): Promise<void> {
  const final = new Map<number, { status: string; filled: string; seq: number }>();
  const net = new Map<string, number>();
  for (const e of r.journal.events) {
    if (!isOrderEvent(e.type)) continue;
    const lot = instruments.at(e.symbol).lot;
    final.set(e.order_id, { status: String(nameOf(OrderStatus, e.status)), filled: formatUnits(e.filled_qty_lots, lot), seq: e.seq });
    if (e.type === EventType.REPLACED) final.set(e.orig_order_id, { ...final.get(e.orig_order_id)!, status: 'REPLACED' });
    if (e.type === EventType.FILL) {
      const key = `position:${ACCOUNT_NAMES[e.account]}:${instruments.at(e.symbol).spec.symbol}`;
      net.set(key, (net.get(key) ?? 0) + (e.side === Side.BUY ? e.last_fill_qty_lots : -e.last_fill_qty_lots));
    }
  }
  const order_keys = await r.redis.keys('order:*');
  t.equal(order_keys.length, final.size, `one hash per order (${final.size})`);
  const pipeline = r.redis.pipeline();
  for (const id of final.keys()) pipeline.hgetall(`order:${id}`);
  const hashes = (await pipeline.exec())!.map(([, value]) => value as Record<string, string>);
  let mismatches = 0;
  [...final.values()].forEach((want, i) => {
    const got = hashes[i];
    if (got.status !== want.status || got.filled_quantity !== String(Number(want.filled))) mismatches++;
  });
  t.equal(mismatches, 0, 'every order hash holds the order\'s final status and filled quantity');
  const position_keys = await r.redis.keys('position:*');
  t.equal(position_keys.length, net.size, 'one hash per traded account and symbol');
  let wrong_positions = 0;
  for (const [key, lots] of net) {
    const symbol = instruments.bySymbol(key.split(':')[2])!;
    const got = await r.redis.hget(key, 'quantity');
    if (got !== formatUnits(lots, symbol.lot)) wrong_positions++;
  }
  t.equal(wrong_positions, 0, 'every position equals the sum of its fills: nothing counted twice');
  t.equal(await r.redis.get(REDIS_LAST_SEQ_KEY), String(r.journal.durable_seq));
}

t.test('every order and position reaches Redis under the seed\'s keys', async (t) => {
  const r = await rig(t, 7);
  r.journal.append(r.flow.events(800));
  r.supervisor.start();
  await waitFor(() => caughtUp(r), 20_000, 'the sink to reach the journal head');
  t.equal(r.health.state(ID), WorkerState.RUNNING);
  await checkRedis(t, r);
  const fill = r.journal.events.find((e) => e.type === EventType.FILL)!;
  const hash = await r.redis.hgetall(`order:${fill.order_id}`);
  for (const field of ['order_id', 'client_order_id', 'account', 'symbol', 'side', 'status', 'quantity', 'price', 'filled_quantity',
    'average_fill_price', 'sequence', 'timestamp']) {
    t.ok(field in hash, `an order hash has ${field}`);
  }
  const position = await r.redis.hgetall((await r.redis.keys('position:*'))[0]);
  t.same(Object.keys(position).sort(), ['account', 'average_price', 'last_sequence', 'quantity', 'realized_pnl', 'symbol', 'updated_at']);
});

t.test('a Redis server killed mid-stream delays only the sink, which catches up with nothing lost or doubled', async (t) => {
  const r = await rig(t, 8);
  r.journal.append(r.flow.events(200));
  r.supervisor.start();
  let writing = true;
  const writer = (async () => {
    while (writing) {
      r.journal.append(r.flow.events(5));
      await new Promise((resolve) => setTimeout(resolve, 4));
    }
  })();
  await waitFor(() => r.health.view(ID).position > 300, 20_000, 'the sink to be writing');
  await r.server.stop('SIGKILL');
  await waitFor(() => r.health.state(ID) === WorkerState.DEGRADED, 10_000, 'the sink to report the outage');
  await new Promise((resolve) => setTimeout(resolve, 800));
  const during = r.health.view(ID);
  t.ok(during.lag > 0, `the backlog shows on the health line (lag ${during.lag})`);
  t.ok(during.errors > 0, `failed attempts are counted (${during.errors})`);
  await r.server.start();
  await new Promise((resolve) => setTimeout(resolve, 300));
  writing = false;
  await writer;
  await waitFor(() => caughtUp(r), 30_000, 'the sink to catch up');
  t.equal(r.health.state(ID), WorkerState.RUNNING);
  await checkRedis(t, r);
});

t.test('a sink worker killed mid-stream is restarted and resumes from its cursor', async (t) => {
  const r = await rig(t, 9);
  r.journal.append(r.flow.events(3000));
  r.supervisor.start();
  await waitFor(() => r.health.view(ID).position > 500, 20_000, 'the sink to be writing');
  const restarted = new Promise<number>((resolve) => r.supervisor.once('restart', resolve));
  await r.supervisor.worker!.terminate();
  await restarted;
  t.equal(r.health.view(ID).restarts, 1, 'the restart shows in the health block');
  await waitFor(() => caughtUp(r), 30_000, 'the restarted sink to finish');
  await checkRedis(t, r);
});

t.test('replaying from an older cursor rewrites the same absolute values: positions stay right', async (t) => {
  const r = await rig(t, 10);
  r.journal.append(r.flow.events(1000));
  r.supervisor.start();
  await waitFor(() => caughtUp(r), 20_000, 'the first run to finish');
  await r.supervisor.stop();
  const cursor_file = path.join(r.journal.data_dir, 'cursors', 'redis.json');
  const cursor = JSON.parse(fs.readFileSync(cursor_file, 'utf8'));
  fs.writeFileSync(cursor_file, JSON.stringify({ ...cursor, seq: 250 }));
  r.supervisor.start();
  // The health line still shows the first run until the new worker's first heartbeat.
  await waitFor(() => caughtUp(r) && r.health.view(ID).processed === r.journal.durable_seq - 250, 20_000,
    'the replay of everything after the older cursor to finish');
  await checkRedis(t, r);
});

/**
 * Writes a snapshot at `seq` carrying the PnL book a replay of the journal builds (what
 * the snapshot task stores for the PnL worker and the sink; the engine sections are left
 * out: these events do not come from an engine), and records it as verified.
 */
function snapshotAt(r: Rig, seq: number): SnapshotRef {
  const book = new PnlBook({ accounts: ACCOUNT_NAMES.length, notional_scale: instruments.instruments.map((i) => i.notional_scale), session_end_utc_minutes: 0 });
  replayJournal(r.journal.journal_dir, 1, seq, (views, base) => { applyEventToBook(book, views, base, true); });
  fs.mkdirSync(snapshotDirectory(r.journal.data_dir), { recursive: true });
  const file = path.join(snapshotDirectory(r.journal.data_dir), snapshotFileName(seq));
  new ColumnarWriter({ seq, pnl: book.toJSON() }).write(file);
  const ref = { path: file, seq };
  r.verified.advance(ref);
  return ref;
}

/** Deletes the closed segments wholly at or below `floor`, as the snapshot task's retention does. */
function retireSegmentsBelow(r: Rig, floor: number): number {
  const segments = listSegments(r.journal.journal_dir);
  let retired = 0;
  for (let i = 0; i + 1 < segments.length && segments[i + 1].first_seq - 1 <= floor; i++) {
    fs.rmSync(segments[i].path);
    retired++;
  }
  return retired;
}

async function restartAfterRetention(t: Test, r: Rig, cursor: number): Promise<void> {
  t.ok(listSegments(r.journal.journal_dir)[0].first_seq > 1, 'sequence 1 is no longer in the journal');
  r.journal.append(r.flow.events(300));
  r.supervisor.start();
  await waitFor(() => caughtUp(r) && r.health.view(ID).processed === r.journal.durable_seq - cursor
    && r.health.state(ID) === WorkerState.RUNNING, 20_000, 'the restarted sink to catch up, running');
  t.equal(r.health.view(ID).errors, 0, 'no failed attempt: the book was rebuilt without sequence 1');
  await checkRedis(t, r);
}

t.test('a sink restarts from the snapshot and the journal after it once the journal before the snapshot was retired', async (t) => {
  const r = await rig(t, 11);
  r.journal.append(r.flow.events(4000));
  r.supervisor.start();
  await waitFor(() => caughtUp(r), 30_000, 'the first run to finish');
  await r.supervisor.stop();
  const cursor = r.journal.durable_seq;
  const snapshot = snapshotAt(r, cursor - 700);
  t.ok(retireSegmentsBelow(r, snapshot.seq) > 0, 'segments below the snapshot are retired');
  await restartAfterRetention(t, r, cursor);
});

t.test('a sink behind the latest snapshot, whose journal head was retired up to its cursor, ends with the right positions', async (t) => {
  const r = await rig(t, 12);
  r.journal.append(r.flow.events(2000));
  r.supervisor.start();
  await waitFor(() => caughtUp(r), 30_000, 'the first run to finish');
  await r.supervisor.stop();
  const cursor = r.journal.durable_seq;
  r.journal.append(r.flow.events(2000));
  snapshotAt(r, r.journal.durable_seq - 300);
  // Retention keeps what the sink's cursor still needs, nothing before it.
  t.ok(retireSegmentsBelow(r, cursor) > 0, 'segments below the sink\'s cursor are retired');
  await restartAfterRetention(t, r, cursor);
});
