/**
 * Slow consumers (io/PROTOCOL.md §12) with OMS_WS_MAX_BACKPRESSURE_BYTES=16384: a session
 * that stops reading while its account produces many reports is disconnected with 1008
 * and a reason starting "slow consumer" once its unsent backlog passes the limit; the
 * other sessions of the account get every report; and the server stops holding data for
 * the slow session instead of buffering without bound.
 *
 * The kernel's socket buffers absorb the first megabytes, so the test produces far more
 * than they hold: orders placed in batches by a producer session, each filling at once
 * (a NEW and a TRADE report per order, to every session of the account).
 */
import fs from 'node:fs';
import t from 'tap';
import { ExecReason, Side, TimeInForce } from '../../../engine/protocol/enums.js';
import { ExecType } from '../../../io/binary/index.js';
import { OmsServer } from '../../support/oms_server.js';
import { newOrder, WsClient } from '../../support/ws_client.js';

const MAX_BACKPRESSURE_BYTES = 16384;
const REPORT_BYTES = 184;
const BATCH = 100;
const IN_FLIGHT_BATCHES = 4;
const oms = await OmsServer.start({ env: { OMS_WS_MAX_BACKPRESSURE_BYTES: String(MAX_BACKPRESSURE_BYTES) } });
t.teardown(() => oms.cleanup());
await oms.setMarket('BTCUSDT', { bid: 44999.5, ask: 45001.5, bid_size: 1_000_000, ask_size: 1_000_000 });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match === null ? 0 : Number(match[1]) * 1024;
}

let placed = 0;

/**
 * Places `count` marketable orders from `producer` (alternately buying and selling, so
 * nothing rests), a batch at a time, keeping a few batches in flight; stops early when
 * `stop` says so. Only this producer may place orders meanwhile.
 *
 * The pace is set by the slowest of `readers` (the producer and any session that must
 * keep up), not the producer alone: the server cuts off a session as soon as its backlog
 * passes the limit, and on a loaded test machine a reading session in this process can
 * fall behind the producer by more than the kernel's socket buffers hold.
 */
async function produce(producer: WsClient, count: number, stop: () => boolean = () => false, readers: WsClient[] = []): Promise<number> {
  const pacers = [producer, ...readers];
  const bases = pacers.map((c) => c.reports.length);
  // Each client re-checks its condition when a message reaches it, so each waits for its own count.
  const allReached = (reports: number) => Promise.all(pacers.map((c, i) =>
    c.waitUntil(() => c.reports.length - bases[i] >= reports, 20_000, 'every pacing session to catch up')));
  let sent = 0;
  while (sent < count && !stop()) {
    const drafts = Array.from({ length: BATCH }, (_, i) => {
      const n = placed + i;
      return newOrder({ client_order_id: `slow-${n}`, side: n % 2 === 0 ? Side.BUY : Side.SELL, price: n % 2 === 0 ? '45002' : '44999' });
    });
    producer.send(...drafts);
    placed += BATCH;
    sent += BATCH;
    // At most IN_FLIGHT_BATCHES ahead of the slowest pacer's reports (two per order).
    const target = 2 * (sent - IN_FLIGHT_BATCHES * BATCH);
    if (target > 0) await allReached(target);
  }
  await allReached(2 * sent);
  return sent;
}

const verdicts = () => oms.logs.split('disconnecting a slow consumer').length - 1;

t.test('a session that stops reading is closed with 1008 "slow consumer", and the others get every report', async (t) => {
  const slow = await WsClient.logon(oms.url, 'test-key', true);
  const other = await WsClient.logon(oms.url, 'test-key');
  const producer = await WsClient.logon(oms.url, 'test-key');
  const stranger = await WsClient.logon(oms.url, 'demo2-key');
  t.teardown(async () => {
    await Promise.all([slow, other, producer, stranger].map((c) => c.close()));
  });
  slow.send(newOrder({ client_order_id: 'slow-day', time_in_force: TimeInForce.DAY, price: '44000' }));
  const day = await slow.waitForReport('slow-day', ExecType.NEW);
  const reports_before = other.reports.length;
  slow.pauseReading();

  const judged = verdicts() + 1;
  const sent = await produce(producer, 100_000, () => verdicts() >= judged, [other]);
  t.ok(verdicts() >= judged, `the server judged the session slow after ${sent} orders (${(sent * 2 * REPORT_BYTES / 1e6).toFixed(1)} MB of reports)`);

  // Read again at once: what the kernel and the server still hold arrives, then the close.
  slow.resumeReading();
  const closed = await slow.waitForClose(10_000);
  t.equal(closed.code, 1008, 'closed with 1008');
  t.match(closed.reason, /^slow consumer/, 'the reason starts with "slow consumer"');
  t.same(slow.invalid, [], 'what it received decodes');
  t.same(slow.messages.map((m) => m.seq), slow.messages.map((_, i) => i + 1), 'and has no gap: nothing was skipped before the close');
  t.ok(slow.reports.length < 2 * sent, `it got ${slow.reports.length} of ${2 * sent} reports before the close`);

  await other.waitUntil(() => other.reports.length >= reports_before + 2 * sent + 1, 20_000, 'every report');
  t.equal(other.reports.filter((r) => r.client_order_id.startsWith('slow-') && r.client_order_id !== 'slow-day').length, 2 * sent,
    'another session of the account got every report');
  t.same(other.messages.map((m) => m.seq), other.messages.map((_, i) => i + 1), 'in sequence');
  t.equal(other.closed_with, null, 'and is still connected');
  t.equal(producer.closed_with, null, 'the producer is still connected');
  t.equal(stranger.reports.length, 0, "another account's session got none of it");
  t.equal(stranger.closed_with, null);
  const canceled = await other.waitForReport('slow-day', ExecType.CANCELED);
  t.equal(canceled.exec_reason, ExecReason.CANCEL_ON_DISCONNECT, "cancel-on-disconnect applies: the slow session's DAY order is canceled");
  t.equal(canceled.order_id, day.order_id);
  t.equal((await oms.request('GET', '/health/live', { key: null })).status, 200);
});

t.test('the server holds no data for sessions it cut off as slow consumers', async (t) => {
  // Enough sessions that what they would hold dwarfs the server's own growth over the same
  // orders (its read model keeps every order: 2-2.5 KB each, in steps as V8's heap grows;
  // with 6 sessions one CI run grew 47 MB against a 22 MB bound).
  const SLOW_SESSIONS = 24;
  const slow = await Promise.all(Array.from({ length: SLOW_SESSIONS }, () => WsClient.logon(oms.url, 'test-key')));
  const producer = await WsClient.logon(oms.url, 'test-key');
  t.teardown(async () => {
    await Promise.all([...slow, producer].map((c) => c.close()));
  });
  for (const client of slow) client.pauseReading();
  const judged = verdicts() + SLOW_SESSIONS;
  await produce(producer, 100_000, () => verdicts() >= judged);
  t.equal(verdicts(), judged, `all ${SLOW_SESSIONS} sessions were judged slow`);
  const placed_at_verdict = placed;

  // If the server kept queuing for them, its memory would grow by what it produced for each.
  const rss_before = rssBytes(oms.pid!);
  const after = await produce(producer, 20_000);
  const rss_growth = rssBytes(oms.pid!) - rss_before;
  const would_hold = SLOW_SESSIONS * after * 2 * REPORT_BYTES;
  t.ok(rss_growth < would_hold / 2,
    `server RSS grew ${(rss_growth / 1e6).toFixed(1)} MB while ${(would_hold / 1e6).toFixed(1)} MB of reports were produced for the cut-off sessions`);

  for (const client of slow) client.resumeReading();
  const closed = await Promise.all(slow.map((c) => c.waitForClose(20_000)));
  // A session that does not read its close frame in time is dropped without one (1006).
  t.ok(closed.every((c) => c.code === 1008 || c.code === 1006), `closed: ${[...new Set(closed.map((c) => c.code))].join(', ')}`);
  const orderNumber = (id: string) => Number(id.slice('slow-'.length));
  for (const client of slow) {
    const last = Math.max(...client.reports.map((r) => orderNumber(r.client_order_id)));
    t.ok(last < placed_at_verdict, `a cut-off session got ${client.reports.length} reports, none about the ${after} orders placed after the cut`);
  }
});

t.test('a session that reads again after a short pause is not disconnected', async (t) => {
  const reader = await WsClient.logon(oms.url, 'test-key');
  const producer = await WsClient.logon(oms.url, 'test-key');
  t.teardown(async () => {
    await Promise.all([reader, producer].map((c) => c.close()));
  });
  reader.pauseReading();
  const sent = await produce(producer, 200);
  await sleep(50);
  reader.resumeReading();
  await reader.waitUntil(() => reader.reports.length >= 2 * sent, 10_000, 'every report');
  t.equal(reader.closed_with, null, 'a backlog the kernel buffers absorb is no reason to disconnect');
  t.equal(reader.rejects.length, 0, 'no rejects');
  t.equal(reader.reports.filter((r) => r.exec_type === ExecType.TRADE).length, sent, 'every fill reported');
});
