/**
 * Cancel-on-disconnect (io/PROTOCOL.md §11) against the real OMS: when a session with it
 * on ends, however it ends, its open DAY orders are canceled and nothing else is; with it
 * off nothing is canceled. The cancels are read from another session of the account (a
 * watcher) and from the HTTP API.
 */
import t, { Test } from 'tap';
import { ExecReason, TimeInForce } from '../../../engine/protocol/enums.js';
import { ExecType, TemplateId } from '../../../io/binary/index.js';
import { OmsServer } from '../../support/oms_server.js';
import { newOrder, WsClient } from '../../support/ws_client.js';

const oms = await OmsServer.start();
t.teardown(() => oms.cleanup());
await oms.setMarket('BTCUSDT', { bid: 44999.5, ask: 45001.5, bid_size: 1000, ask_size: 1000 });

let next_id = 0;
const unique = (prefix: string) => `${prefix}-${++next_id}`;

/** Places a resting order on the session and returns its order id. */
async function place(client: WsClient, time_in_force: TimeInForce, prefix = 'cod'): Promise<number> {
  const id = unique(prefix);
  client.send(newOrder({ client_order_id: id, time_in_force, price: '44000' }));
  return (await client.waitForReport(id, ExecType.NEW)).order_id;
}

async function placeOverHttp(time_in_force: 'DAY' | 'GTC'): Promise<number> {
  const placed = await oms.request('POST', '/orders', {
    body: { symbol: 'BTCUSDT', side: 'buy', quantity: 0.01, price: 44000, time_in_force, client_order_id: unique('http') },
  });
  if (placed.status !== 200) throw new Error(placed.text);
  return Number(placed.body.order_id);
}

async function order(order_id: number): Promise<{ status: string; exec_reason: string | null }> {
  return (await oms.request('GET', `/orders/${order_id}`)).body;
}

/**
 * Waits until every command the server took before now has been answered: a marker
 * order placed over HTTP after the disconnect is reported after any cancel the
 * disconnect caused (the engine runs commands in order, and a mass cancel to the end).
 */
async function settle(watcher: WsClient): Promise<void> {
  const id = unique('marker');
  await oms.request('POST', '/orders', { body: { symbol: 'BTCUSDT', side: 'buy', quantity: 0.01, price: 44000, client_order_id: id } });
  await watcher.waitForReport(id, ExecType.NEW);
}

/**
 * The scenario's orders the watcher saw canceled on disconnect. (Sessions of earlier
 * tests end in their teardown, so the account's stream may carry their cancels too.)
 */
function codCancels(s: Scenario): number[] {
  const mine = new Set([...s.day, s.gtc, s.gtd, s.sibling_day, s.http_day]);
  return s.watcher.reports
    .filter((r) => r.exec_type === ExecType.CANCELED && r.exec_reason === ExecReason.CANCEL_ON_DISCONNECT && mine.has(r.order_id))
    .map((r) => r.order_id).sort((a, b) => a - b);
}

interface Scenario {
  readonly watcher: WsClient;
  readonly session: WsClient;
  readonly day: number[];
  readonly gtc: number;
  readonly gtd: number;
  readonly sibling_day: number;
  readonly http_day: number;
}

/**
 * A session (cancel-on-disconnect as given) with two DAY orders, a GTC and a GTD order;
 * a sibling session of the same account, with cancel-on-disconnect on, and a DAY order; a DAY order over HTTP; and a
 * watcher session of the account that sees every report.
 */
async function scenario(t: Test, cancel_on_disconnect: boolean, by_logon_message = false): Promise<Scenario> {
  const watcher = await WsClient.logon(oms.url, 'test-key');
  const sibling = await WsClient.logon(oms.url, 'test-key', true);
  let session: WsClient;
  if (by_logon_message) {
    session = await WsClient.connect(oms.url);
    session.send({ template_id: TemplateId.LOGON, api_key: 'test-key', cancel_on_disconnect });
    await session.waitFor((m) => m.template_id === TemplateId.LOGON_ACK);
  } else {
    session = await WsClient.logon(oms.url, 'test-key', cancel_on_disconnect);
  }
  t.equal(session.logonAck!.cancel_on_disconnect, cancel_on_disconnect);
  t.teardown(async () => {
    await Promise.all([watcher.close(), sibling.close(), session.close()]);
  });
  const day = [await place(session, TimeInForce.DAY), await place(session, TimeInForce.DAY)];
  const gtc = await place(session, TimeInForce.GTC);
  const gtd_id = unique('gtd');
  session.send(newOrder({ client_order_id: gtd_id, time_in_force: TimeInForce.GTD, expire_time_ms: Date.now() + 3_600_000 }));
  const gtd = (await session.waitForReport(gtd_id, ExecType.NEW)).order_id;
  const sibling_day = await place(sibling, TimeInForce.DAY);
  const http_day = await placeOverHttp('DAY');
  return { watcher, session, day, gtc, gtd, sibling_day, http_day };
}

async function expectOnlyDayOrdersCanceled(t: Test, s: Scenario): Promise<void> {
  await settle(s.watcher);
  t.same(codCancels(s), s.day, 'the watcher session got a cancel (exec_reason CANCEL_ON_DISCONNECT) for each DAY order of the session');
  for (const id of s.day) t.match(await order(id), { status: 'CANCELED', exec_reason: 'CANCEL_ON_DISCONNECT' }, `DAY order ${id} canceled, visible over HTTP`);
  t.match(await order(s.gtc), { status: 'ACCEPTED' }, 'the GTC order is left alone');
  t.match(await order(s.gtd), { status: 'ACCEPTED' }, 'the GTD order is left alone');
  t.match(await order(s.sibling_day), { status: 'ACCEPTED' }, "a DAY order of another session of the account is left alone");
  t.match(await order(s.http_day), { status: 'ACCEPTED' }, 'a DAY order placed over HTTP is left alone');
}

t.test('with cancel-on-disconnect on, the client closing cancels only the open DAY orders of that session', async (t) => {
  const s = await scenario(t, true);
  t.equal((await s.session.close()).code, 1000);
  await expectOnlyDayOrdersCanceled(t, s);
});

t.test('a dropped TCP connection (no close handshake) cancels the DAY orders too', async (t) => {
  const s = await scenario(t, true);
  s.session.terminate();
  await s.session.closed;
  await expectOnlyDayOrdersCanceled(t, s);
});

t.test('a Logout cancels the DAY orders too', async (t) => {
  const s = await scenario(t, true);
  s.session.send({ template_id: TemplateId.LOGOUT });
  t.equal((await s.session.waitForClose()).code, 1000);
  await expectOnlyDayOrdersCanceled(t, s);
});

t.test('the server closing the session for a protocol error cancels the DAY orders (Logon message flag)', async (t) => {
  const s = await scenario(t, true, true);
  s.session.sendRaw(new Uint8Array([24, 0, 3, 0, 1, 0, 0, 0])); // a Cancel cut off in its header: fatal
  t.equal((await s.session.waitForClose()).code, 1002);
  await expectOnlyDayOrdersCanceled(t, s);
});

t.test('the server closing the session for a sequence gap cancels the DAY orders', async (t) => {
  const s = await scenario(t, true);
  s.session.next_seq += 3;
  s.session.send({ template_id: TemplateId.HEARTBEAT });
  t.equal((await s.session.waitForClose()).code, 1002);
  await expectOnlyDayOrdersCanceled(t, s);
});

t.test('with cancel-on-disconnect off, nothing is canceled when the session ends', async (t) => {
  for (const how of ['close', 'terminate'] as const) {
    const s = await scenario(t, false);
    if (how === 'close') await s.session.close();
    else s.session.terminate();
    await s.session.closed;
    await settle(s.watcher);
    t.same(codCancels(s), [], `${how}: no cancel-on-disconnect report`);
    for (const id of [...s.day, s.gtc, s.gtd]) t.equal((await order(id)).status, 'ACCEPTED', `${how}: order ${id} still open`);
  }
});

t.test("a session of a restarted OMS does not take the DAY orders of the previous run's sessions with it", async (t) => {
  // Session ids are tagged on orders and kept in the journal: a new process must not hand
  // out an id that an open order recovered from the journal already carries.
  const restarted = await OmsServer.start();
  t.teardown(() => restarted.cleanup());
  await restarted.setMarket('BTCUSDT', { bid: 44999.5, ask: 45001.5, bid_size: 1000, ask_size: 1000 });
  const before = await WsClient.logon(restarted.url, 'test-key', false);
  const old_id = unique('old-run');
  before.send(newOrder({ client_order_id: old_id, time_in_force: TimeInForce.DAY }));
  const old_order = (await before.waitForReport(old_id, ExecType.NEW)).order_id;
  await before.close();
  await restarted.stop();
  await restarted.launch();
  await restarted.setMarket('BTCUSDT', { bid: 44999.5, ask: 45001.5, bid_size: 1000, ask_size: 1000 }); // marks are not journaled
  const after = await WsClient.logon(restarted.url, 'test-key', true);
  const watcher = await WsClient.logon(restarted.url, 'test-key');
  t.not(after.logonAck!.session_id, before.logonAck!.session_id, 'a new session id');
  const own = unique('new-run');
  after.send(newOrder({ client_order_id: own, time_in_force: TimeInForce.DAY }));
  const own_order = (await after.waitForReport(own, ExecType.NEW)).order_id;
  await after.close();
  const marker = unique('marker');
  await restarted.request('POST', '/orders', { body: { symbol: 'BTCUSDT', side: 'buy', quantity: 0.01, price: 44000, client_order_id: marker } });
  await watcher.waitForReport(marker, ExecType.NEW);
  t.equal((await restarted.request('GET', `/orders/${own_order}`)).body.status, 'CANCELED', "the new session's DAY order is canceled");
  t.equal((await restarted.request('GET', `/orders/${old_order}`)).body.status, 'ACCEPTED', "the previous run's DAY order is left alone");
  await watcher.close();
  await restarted.stop();
});

t.test('a graceful shutdown (SIGTERM) that closes a cancel-on-disconnect session cancels its DAY orders', async (t) => {
  const stopping = await OmsServer.start();
  t.teardown(() => stopping.cleanup());
  await stopping.setMarket('BTCUSDT', { bid: 44999.5, ask: 45001.5, bid_size: 1000, ask_size: 1000 });
  const session = await WsClient.logon(stopping.url, 'test-key', true);
  const id = unique('sigterm');
  session.send(newOrder({ client_order_id: id, time_in_force: TimeInForce.DAY }));
  const placed = (await session.waitForReport(id, ExecType.NEW)).order_id;
  t.equal(await stopping.stop(), 0);
  t.equal((await session.waitForClose()).code, 1001, 'the session was closed with 1001');
  await stopping.launch();
  t.equal((await stopping.request('GET', `/orders/${placed}`)).body.status, 'CANCELED', 'the session ended, so its DAY order is canceled');
  await stopping.stop();
});

t.test('after a crash, the DAY orders of sessions that had cancel-on-disconnect on are canceled at restart, and only those', async (t) => {
  const crashed = await OmsServer.start();
  t.teardown(() => crashed.cleanup());
  await crashed.setMarket('BTCUSDT', { bid: 44999.5, ask: 45001.5, bid_size: 1000, ask_size: 1000 });
  const cod = await WsClient.logon(crashed.url, 'test-key', true);
  const plain = await WsClient.logon(crashed.url, 'test-key', false);
  const day_cod = unique('crash-day-cod');
  const gtc_cod = unique('crash-gtc-cod');
  const day_plain = unique('crash-day-plain');
  cod.send(newOrder({ client_order_id: day_cod, time_in_force: TimeInForce.DAY }));
  cod.send(newOrder({ client_order_id: gtc_cod, time_in_force: TimeInForce.GTC }));
  plain.send(newOrder({ client_order_id: day_plain, time_in_force: TimeInForce.DAY }));
  const ids = {
    day_cod: (await cod.waitForReport(day_cod, ExecType.NEW)).order_id,
    gtc_cod: (await cod.waitForReport(gtc_cod, ExecType.NEW)).order_id,
    day_plain: (await plain.waitForReport(day_plain, ExecType.NEW)).order_id,
  };
  await crashed.kill9();
  await crashed.launch();
  const status = async (id: number) => {
    for (let i = 0; i < 100; i++) {
      const found = (await crashed.request('GET', `/orders/${id}`)).body;
      if (found.status !== 'ACCEPTED' || i === 99) return found;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return undefined;
  };
  const canceled = await status(ids.day_cod);
  t.equal(canceled.status, 'CANCELED', "the cancel-on-disconnect session's DAY order is canceled");
  t.equal(canceled.exec_reason, 'CANCEL_ON_DISCONNECT');
  t.equal((await crashed.request('GET', `/orders/${ids.gtc_cod}`)).body.status, 'ACCEPTED', 'its GTC order stays');
  t.equal((await crashed.request('GET', `/orders/${ids.day_plain}`)).body.status, 'ACCEPTED', "another session's DAY order stays");
  t.match(crashed.logs, /cancel-on-disconnect sessions that ended when the OMS last stopped/);
  await crashed.stop();
});
