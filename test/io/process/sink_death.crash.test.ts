/**
 * A sink worker dies while orders flow into the real OMS process, at the worst moment: the
 * test fault OMS_FAULT_WORKER_EXIT=<sink>:<count> ends its thread right after the broker
 * stored a batch and before the sink saved its cursor (services/sinks/sink_worker_main.ts).
 * The documented outcome (docs/DEPLOYMENT.md): the supervisor restarts it, /health/workers
 * counts the restart, orders keep flowing, every acknowledged order is there, and the sink
 * catches up from its cursor with no gap and no double:
 *  - NATS JetStream (a real nats-server -js): every order event's sequence in the stream once;
 *  - Redis (a real redis-server): every order hash holds its final status, every position
 *    equals the OMS's own (GET /positions), last_seq is the journal head;
 *  - QuestDB line protocol (a TCP listener standing in for QuestDB's port 9009): every order
 *    event's row arrives; a row sent again after the restart is byte for byte the first, so
 *    the table's DEDUP UPSERT KEYS (services/sinks/QUESTDB.md) store it once.
 */
import net from 'node:net';
import path from 'node:path';
import t, { Test } from 'tap';
import { connect } from 'nats';
import { Redis } from 'ioredis';
import { OrderStatus } from '../../../engine/protocol/enums.js';
import { decodeEvent } from '../../../engine/protocol/event_record.js';
import { replayJournal } from '../../../services/journal/replay.js';
import { REDIS_LAST_SEQ_KEY } from '../../../services/sinks/redis_sink.js';
import { isOrderEvent } from '../../../services/sinks/order_event_json.js';
import { workerLine } from '../../support/http_order_flow.js';
import { OmsServer } from '../../support/oms_server.js';
import { freePort, startNatsServer, startRedisServer } from '../../support/servers.js';
import { ordersFlowThroughRestart } from '../../support/worker_restart_flow.js';
import { setKnownMarket, until } from '../http/fixtures/http_fixtures.js';

const KEYS = ['test-key', 'demo2-key'];
/** Events the sink delivers before its thread dies: about a hundred orders into the flow. */
const EVENTS_BEFORE_DEATH = 300;

interface DeathRun {
  readonly oms: OmsServer;
  /** The journal head once the flow stopped, which the sink reached. */
  readonly durable_seq: number;
}

/**
 * Starts the OMS with the sink and the fault, keeps orders flowing until the sink was
 * restarted and 100 more orders went through, checks the OMS side of the outcome
 * (test/support/worker_restart_flow.ts), then waits for the sink to reach the journal head.
 */
async function killSinkMidFlow(t: Test, sink: string, env: Record<string, string>): Promise<DeathRun> {
  const oms = await OmsServer.start({ env: { ...env, OMS_FAULT_WORKER_EXIT: `${sink}:${EVENTS_BEFORE_DEATH}` } });
  t.teardown(() => oms.cleanup());
  await setKnownMarket(oms);
  await ordersFlowThroughRestart(t, oms, sink, {
    keys: KEYS,
    min_acked_before: 50,
    why_no_refusals: 'no order was refused: a sink is downstream of the order path',
  });
  const durable_seq = await until(`${sink} to reach the journal head`, async () => {
    const [worker, journal] = [await workerLine(oms, sink), await workerLine(oms, 'journal')];
    return worker.position === journal.position && worker.lag === 0 ? journal.position as number : undefined;
  }, 20_000);
  return { oms, durable_seq };
}

/** The journal's order events up to `to_seq` (what a sink publishes; admin events are not). */
function journalOrderEvents(oms: OmsServer, to_seq: number): { seq: number; order_id: number; status: number }[] {
  const events: { seq: number; order_id: number; status: number }[] = [];
  replayJournal(path.join(oms.data_dir, 'journal'), 1, to_seq, (views, base) => {
    const event = decodeEvent(views, base);
    if (isOrderEvent(event.type)) events.push({ seq: event.seq, order_id: event.order_id, status: event.status });
  });
  return events;
}

t.test('the NATS sink dies mid-flow: restarted, and the stream holds every order event once', async (t) => {
  const nats = await startNatsServer(t);
  const { oms, durable_seq } = await killSinkMidFlow(t, 'sink_nats', { NATS_URL: nats.url });
  const expected = journalOrderEvents(oms, durable_seq).map((e) => e.seq);

  const nc = await connect({ servers: nats.url });
  t.teardown(() => nc.close());
  const info = await (await nc.jetstreamManager()).streams.info('ORDERS');
  const consumer = await nc.jetstream().consumers.get('ORDERS');
  const sequences: number[] = [];
  const ids = new Set<string>();
  for await (const m of await consumer.fetch({ max_messages: info.state.messages, expires: 5_000 })) {
    sequences.push(m.json<{ sequence: number }>().sequence);
    ids.add(m.headers?.get('Nats-Msg-Id') ?? '');
    if (sequences.length === info.state.messages) break;
  }
  t.equal(ids.size, sequences.length, 'no message id is stored twice');
  t.equal(sequences.length, expected.length, `the stream holds ${expected.length} messages, one per order event`);
  t.same(sequences.sort((a, b) => a - b), expected, 'every order event sequence, once each: no gap, no double');
  await oms.stop();
});

t.test('the Redis sink dies mid-flow: restarted, and Redis holds every order and the OMS\'s positions', async (t) => {
  const server = await startRedisServer(t, 1);
  const { oms, durable_seq } = await killSinkMidFlow(t, 'sink_redis', { REDIS_URL: server.url });
  const redis = new Redis(server.url, { maxRetriesPerRequest: null });
  t.teardown(() => redis.disconnect());

  const final_status = new Map<number, string>();
  for (const e of journalOrderEvents(oms, durable_seq)) final_status.set(e.order_id, statusName(e.status));
  const order_keys = await redis.keys('order:*');
  t.equal(order_keys.length, final_status.size, `one hash per order (${final_status.size})`);
  const pipeline = redis.pipeline();
  for (const id of final_status.keys()) pipeline.hget(`order:${id}`, 'status');
  const statuses = (await pipeline.exec())!.map(([, value]) => value);
  const wrong = [...final_status].filter(([, status], i) => statuses[i] !== status).map(([id, status], i) => `${id}: ${statuses[i]}, not ${status}`);
  t.same(wrong, [], 'every order hash holds the order\'s final status');
  t.equal(await redis.get(REDIS_LAST_SEQ_KEY), String(durable_seq), 'last_seq is the journal head');

  await until('the PnL worker to reach the journal head', async () => ((await workerLine(oms, 'pnl')).position === durable_seq ? true : undefined));
  const differences: string[] = [];
  let traded = 0;
  for (const key of KEYS) {
    for (const p of (await oms.request('GET', '/positions', { key })).body.positions) {
      traded++;
      const hash = await redis.hgetall(`position:${p.account}:${p.symbol}`);
      if (Number(hash.quantity) !== p.quantity || Number(hash.realized_pnl) !== p.realized_pnl || Number(hash.last_sequence) !== p.last_sequence) {
        differences.push(`${p.account} ${p.symbol}: OMS ${p.quantity} / ${p.realized_pnl} @${p.last_sequence}, Redis ${hash.quantity} / ${hash.realized_pnl} @${hash.last_sequence}`);
      }
    }
  }
  t.ok(traded > 0, 'the flow made positions');
  t.same(differences, [], 'every Redis position equals the OMS\'s: no fill lost, none counted twice');
  t.equal((await redis.keys('position:*')).length, traded, 'and Redis has no position the OMS does not');
  await oms.stop();
});

t.test('the QuestDB sink dies mid-flow: restarted, every order event\'s row arrives, and rows sent again are identical', async (t) => {
  const port = await freePort();
  const listener = await listen(port);
  t.teardown(() => new Promise<void>((resolve) => { listener.server.close(() => resolve()); listener.destroy(); }));
  const { oms, durable_seq } = await killSinkMidFlow(t, 'sink_questdb', { QDB_CLIENT_CONF: `tcp::addr=127.0.0.1:${port};` });
  const expected = journalOrderEvents(oms, durable_seq).map((e) => e.seq);

  await until('every orders row to arrive', async () => (ordersRows(listener.text()).size === expected.length ? true : undefined));
  const rows = ordersRows(listener.text());
  t.same([...rows.keys()].sort((a, b) => a - b), expected, 'a row for every order event: no gap');
  const differing = [...rows].filter(([, lines]) => new Set(lines).size > 1).map(([seq]) => seq);
  t.same(differing, [], 'a row sent twice is the same row, so the dedup keys (ts, account, sequence) store it once');
  const repeated = [...rows.values()].filter((lines) => lines.length > 1).length;
  t.ok(repeated > 0, `the batch in flight at the death was sent again after the restart (${repeated} rows): the test hit the moment it means to`);
  t.ok(listener.connections() >= 2, 'the restarted sink connected again');
  await oms.stop();
});

function statusName(status: number): string {
  return Object.entries(OrderStatus).find(([, value]) => value === status)?.[0] ?? `status ${status}`;
}

/** The `orders` table's lines by their sequence column. */
function ordersRows(text: string): Map<number, string[]> {
  const rows = new Map<number, string[]>();
  const lines = text.split('\n');
  lines.pop(); // the line being written, if any
  for (const line of lines) {
    if (!line.startsWith('orders,')) continue;
    const match = /[ ,]sequence=(\d+)i[ ,]/.exec(line);
    if (match === null) throw new Error(`an orders row without a sequence: ${line}`);
    const seq = Number(match[1]);
    rows.set(seq, [...(rows.get(seq) ?? []), line]);
  }
  return rows;
}

/** A TCP listener that keeps everything written to it, standing in for QuestDB's ILP port. */
async function listen(port: number): Promise<{ server: net.Server; text(): string; connections(): number; destroy(): void }> {
  let text = '';
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('data', (chunk) => { text += chunk.toString(); });
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, text: () => text, connections: () => connections, destroy: () => { for (const s of sockets) s.destroy(); } };
}
