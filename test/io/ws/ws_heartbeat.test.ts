/**
 * Heartbeats (io/PROTOCOL.md §10) with a 300 ms interval (OMS_WS_HEARTBEAT_MS=300): the
 * server sends a ServerHeartbeat whenever it has sent nothing for an interval, and closes
 * a client it has heard nothing from for three intervals with 1008 "heartbeat timeout".
 */
import t from 'tap';
import { ExecReason, TimeInForce } from '../../../engine/protocol/enums.js';
import { ExecType, TemplateId } from '../../../io/binary/index.js';
import { OmsServer } from '../../support/oms_server.js';
import { newOrder, WsClient } from '../../support/ws_client.js';

const HEARTBEAT_MS = 300;
const oms = await OmsServer.start({ env: { OMS_WS_HEARTBEAT_MS: String(HEARTBEAT_MS) } });
t.teardown(() => oms.cleanup());
await oms.setMarket('BTCUSDT', { bid: 44999.5, ask: 45001.5, bid_size: 1000, ask_size: 1000 });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

t.test('a silent client gets ServerHeartbeats, then is closed with 1008 "heartbeat timeout" after three intervals', async (t) => {
  const started = Date.now();
  const client = await WsClient.logon(oms.url, 'test-key');
  t.equal(client.logonAck!.heartbeat_interval_ms, HEARTBEAT_MS, 'the LogonAck gives the interval');
  const closed = await client.waitForClose(5_000);
  const lifetime_ms = Date.now() - started;
  t.same(closed, { code: 1008, reason: 'heartbeat timeout' });
  t.ok(lifetime_ms >= 3 * HEARTBEAT_MS - 50 && lifetime_ms < 3 * HEARTBEAT_MS + 1200, `closed after ${lifetime_ms} ms, about three intervals`);
  const heartbeats = client.messages.filter((m) => m.template_id === TemplateId.SERVER_HEARTBEAT);
  t.ok(heartbeats.length >= 2 && heartbeats.length <= 4, `${heartbeats.length} ServerHeartbeats, one per silent interval`);
  t.same(client.messages.map((m) => m.seq), client.messages.map((_, i) => i + 1), 'heartbeats use up a seq');
});

t.test('a client that sends Heartbeats stays connected', async (t) => {
  const client = await WsClient.logon(oms.url, 'test-key');
  const timer = setInterval(() => client.send({ template_id: TemplateId.HEARTBEAT }), HEARTBEAT_MS / 2);
  t.teardown(() => clearInterval(timer));
  await sleep(8 * HEARTBEAT_MS);
  t.equal(client.closed_with, null, 'still open after eight intervals');
  t.ok(client.messages.some((m) => m.template_id === TemplateId.SERVER_HEARTBEAT), 'the server heartbeats while it has nothing else to send');
  client.send(newOrder({ client_order_id: 'hb-alive' }));
  await client.waitForReport('hb-alive', ExecType.NEW);
  clearInterval(timer);
  await client.close();
});

t.test('a client that sends orders instead of Heartbeats also counts as alive', async (t) => {
  const client = await WsClient.logon(oms.url, 'test-key');
  for (let i = 0; i < 8; i++) {
    client.send({ template_id: TemplateId.CANCEL, order_id: 900_000_000 + i });
    await sleep(HEARTBEAT_MS / 2);
  }
  t.equal(client.closed_with, null);
  await client.close();
});

t.test('a connection that never logs on is closed by the heartbeat timeout too', async (t) => {
  const client = await WsClient.connect(oms.url);
  const closed = await client.waitForClose(5_000);
  t.same(closed, { code: 1008, reason: 'heartbeat timeout' });
  t.equal(client.messages.length, 0, 'no heartbeats before the logon');
});

t.test('a heartbeat timeout cancels the DAY orders of a cancel-on-disconnect session', async (t) => {
  const watcher = await WsClient.logon(oms.url, 'test-key');
  const keep_alive = setInterval(() => watcher.send({ template_id: TemplateId.HEARTBEAT }), HEARTBEAT_MS / 2);
  t.teardown(() => clearInterval(keep_alive));
  const client = await WsClient.logon(oms.url, 'test-key', true);
  client.send(newOrder({ client_order_id: 'hb-day', time_in_force: TimeInForce.DAY }));
  const placed = await client.waitForReport('hb-day', ExecType.NEW);
  t.equal((await client.waitForClose(5_000)).reason, 'heartbeat timeout');
  const canceled = await watcher.waitForReport('hb-day', ExecType.CANCELED);
  t.equal(canceled.exec_reason, ExecReason.CANCEL_ON_DISCONNECT);
  t.equal((await oms.request('GET', `/orders/${placed.order_id}`)).body.exec_reason, 'CANCEL_ON_DISCONNECT');
  clearInterval(keep_alive);
  await watcher.close();
});
