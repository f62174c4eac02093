/**
 * The client across a server restart, against the real OMS on the same data directory
 * and port: kill -9, then a graceful stop (close 1001). Requests whose answers never
 * arrived are sent again on the new session by client order id, and the OMS (its
 * dedupe rebuilt from the journal) answers an order it had taken with that same order
 * (exec_type I), never a second one. The client reaches the OMS through a TCP relay
 * (test/support/tcp_proxy.ts) that can lose bytes in one direction, which is how an
 * order is made to be taken by the server while its answer is lost.
 *
 * Restarting on the same port: the OMS listens exclusively (no SO_REUSEPORT) on a port
 * asked for by number (OmsServer.startRestartable), which it can listen on again while the
 * dead process's connections linger in TIME_WAIT. The relay resets its side when the OMS
 * closes first; the HTTP requests of the test go straight to the OMS, and before each kill
 * the test still waits until fetch has closed its idle keep-alive connections from its own
 * side (after 4 s).
 */
import t from 'tap';
import {
  ClientEvent, ExecType, OmsClient, OrderType, OrdStatus, Side, TimeInForce,
} from '../../../io/client/index.js';
import type { NewOrderRequest } from '../../../io/client/index.js';
import { OmsServer } from '../../support/oms_server.js';
import { TcpProxy } from '../../support/tcp_proxy.js';

const oms = await OmsServer.startRestartable();
t.teardown(() => oms.cleanup());
const market = () => oms.setMarket('BTCUSDT', { bid: 44999.5, ask: 45001.5, bid_size: 1000, ask_size: 1000 });
await market();
const proxy = await TcpProxy.start(oms.port);
t.teardown(() => proxy.close());

const resting = (client_order_id: string): NewOrderRequest => ({
  symbol: 'BTCUSDT', side: Side.BUY, order_type: OrderType.LIMIT, time_in_force: TimeInForce.GTC,
  quantity: '0.01', price: '44000', client_order_id,
});

/** The server's orders with this client order id (GET /orders). */
async function ordersWithId(client_order_id: string): Promise<{ order_id: string; status: string }[]> {
  const answer = await oms.request('GET', '/orders?limit=1000');
  return answer.body.orders.filter((o: { client_order_id: string }) => o.client_order_id === client_order_id);
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeout_ms = 10_000): Promise<T> {
  const deadline = Date.now() + timeout_ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Starts the OMS again on its port and sets the marks before the client can reach it: a
 * fresh OMS with manual market data has none, and would refuse the resent orders
 * NO_REFERENCE_PRICE.
 */
async function restartWithMarket(): Promise<void> {
  proxy.refuse_new = true;
  await oms.launch({ port: oms.port });
  await market();
  proxy.refuse_new = false;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Longer than fetch (undici) keeps an idle connection open: then it closes them itself. */
const HTTP_IDLE_CLOSE_MS = 5000;

t.test('kill -9 and a restart on the same port: unanswered requests are resent once and no order is duplicated', async (t) => {
  const events: ClientEvent[] = [];
  const client = await OmsClient.connect({
    url: proxy.url, api_key: 'test-key', reconnect: { initial_delay_ms: 100, max_delay_ms: 500, max_attempts: 100 },
    on_event: (e) => events.push(e),
  });
  t.teardown(() => client.close());

  // Answered and open before the crash.
  const open = client.newOrder(resting('restart-open'));
  const open_ack = await open;
  const doomed = client.newOrder(resting('restart-doomed'));
  const doomed_ack = await doomed;

  // Taken by the server, its answer lost on the way back.
  proxy.drop_downstream = true;
  const taken = client.newOrder(resting('restart-taken'));
  const taken_on_server = await until('the OMS to take restart-taken', async () => (await ordersWithId('restart-taken'))[0]);
  // Never reaching the server at all: an order, and a cancel of an open order.
  proxy.drop_upstream = true;
  const lost = client.newOrder(resting('restart-lost'));
  const cancel = client.cancel(doomed_ack.order_id);
  await sleep(100);
  t.same(await ordersWithId('restart-lost'), [], 'restart-lost never reached the OMS');
  t.equal(taken.reports.length + lost.reports.length, 0, 'neither has an answer');

  await sleep(HTTP_IDLE_CLOSE_MS);
  await oms.kill9();
  proxy.drop_upstream = false;
  proxy.drop_downstream = false;
  await restartWithMarket();

  const taken_ack = await taken;
  t.match(taken_ack, { exec_type: ExecType.ORDER_STATUS, ord_status: OrdStatus.NEW, order_id: Number(taken_on_server.order_id) },
    'the order the OMS had taken: its current state, same order id');
  t.match(await lost, { exec_type: ExecType.NEW }, 'the order that never arrived: placed now');
  t.match(await cancel, { exec_type: ExecType.CANCELED, order_id: doomed_ack.order_id }, 'the cancel that never arrived: carried out now');
  await until('the open order\'s state after the reconnect', async () => (open.reports.length > 1 ? true : undefined));
  t.match(open.last, { exec_type: ExecType.ORDER_STATUS, ord_status: OrdStatus.NEW, order_id: open_ack.order_id }, 'the open order\'s stream learns its state');
  t.equal(open.done, false);
  t.same(doomed.reports.map((r) => r.exec_type), [ExecType.NEW, ExecType.ORDER_STATUS, ExecType.CANCELED]);

  for (const id of ['restart-open', 'restart-doomed', 'restart-taken', 'restart-lost']) {
    t.equal((await ordersWithId(id)).length, 1, `one order ${id} on the server`);
  }
  const types = events.map((e) => e.type);
  t.same(types.slice(0, 3), ['connected', 'disconnected', 'reconnecting'], 'the first session ends, then reconnecting');
  t.equal(types.at(-1), 'connected');
  t.match(events.find((e) => e.type === 'disconnected'), { reconnect: true });
  t.match(events.at(-1), { type: 'connected', resent: 5 }, 'two open orders, two unanswered orders and a cancel sent again');
  t.equal(client.state, 'connected');
  await client.cancel(open_ack.order_id);
  await client.cancel(taken_ack.order_id);
});

t.test('a graceful restart (close 1001): the client reconnects and its open order\'s stream goes on', async (t) => {
  const events: ClientEvent[] = [];
  const client = await OmsClient.connect({
    url: proxy.url, api_key: 'test-key', reconnect: { initial_delay_ms: 100, max_delay_ms: 500, max_attempts: 100 },
    on_event: (e) => events.push(e),
  });
  t.teardown(() => client.close());
  const open = client.newOrder(resting('graceful-open'));
  const ack = await open;
  await sleep(HTTP_IDLE_CLOSE_MS);
  await oms.stop();
  t.match(events.find((e) => e.type === 'disconnected'), { code: 1001, reconnect: true });
  await restartWithMarket();
  await until('the reconnect', async () => (client.state === 'connected' ? true : undefined));
  const canceled = await client.cancel(ack.order_id);
  t.equal(canceled.order_id, ack.order_id);
  const reports: string[] = [];
  for await (const report of open) reports.push(report.exec_type);
  t.same(reports, [ExecType.NEW, ExecType.ORDER_STATUS, ExecType.CANCELED]);
  t.equal((await ordersWithId('graceful-open')).length, 1);
});

t.test('the server logged no errors', async (t) => {
  t.same(oms.problems(), []);
});
