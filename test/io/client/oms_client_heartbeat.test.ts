/**
 * The client's heartbeats (io/PROTOCOL.md §10) against the real OMS with a 300 ms interval
 * (OMS_WS_HEARTBEAT_MS=300): an idle client keeps its session alive by sending Heartbeats
 * (the server closes a silent one after three intervals), and a client whose server stops
 * answering (SIGSTOP: the process hangs, its sockets stay open) takes it for dead after
 * three silent intervals, drops the connection and reconnects once the server answers again.
 */
import t from 'tap';
import { ClientEvent, ExecType, OmsClient, OrderType, Side, TimeInForce } from '../../../io/client/index.js';
import type { NewOrderRequest } from '../../../io/client/index.js';
import { OmsServer } from '../../support/oms_server.js';

const HEARTBEAT_MS = 300;
const oms = await OmsServer.start({ env: { OMS_WS_HEARTBEAT_MS: String(HEARTBEAT_MS) } });
t.teardown(() => oms.cleanup());
await oms.setMarket('BTCUSDT', { bid: 44999.5, ask: 45001.5, bid_size: 1000, ask_size: 1000 });
const url = `ws://127.0.0.1:${oms.port}/ws`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const resting = (client_order_id: string): NewOrderRequest => ({
  symbol: 'BTCUSDT', side: Side.BUY, order_type: OrderType.LIMIT, time_in_force: TimeInForce.GTC,
  quantity: '0.01', price: '44000', client_order_id,
});

/** Resolves with the first event of this type, from now on. */
function nextEvent<T extends ClientEvent['type']>(events: ClientEvent[], type: T, timeout_ms: number): Promise<Extract<ClientEvent, { type: T }>> {
  const from = events.length;
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeout_ms;
    const poll = () => {
      const found = events.slice(from).find((e) => e.type === type);
      if (found !== undefined) return resolve(found as Extract<ClientEvent, { type: T }>);
      if (Date.now() > deadline) return reject(new Error(`no ${type} event within ${timeout_ms} ms: ${JSON.stringify(events)}`));
      setTimeout(poll, 5);
    };
    poll();
  });
}

t.test('an idle client stays logged on: its Heartbeats keep the session alive for ten intervals', async (t) => {
  const events: ClientEvent[] = [];
  const client = await OmsClient.connect({ url, api_key: 'test-key', on_event: (e) => events.push(e) });
  t.teardown(() => client.close());
  t.equal(client.session.heartbeat_interval_ms, HEARTBEAT_MS, 'the interval comes from the LogonAck');
  await sleep(10 * HEARTBEAT_MS);
  t.same(events.map((e) => e.type), ['connected'], 'never disconnected (a silent session is closed after three intervals)');
  t.equal((await client.newOrder(resting('hb-idle'))).exec_type, ExecType.NEW, 'and the session still takes orders');
});

t.test('a server that stops answering is taken for dead after three silent intervals; the client reconnects when it answers again', async (t) => {
  const events: ClientEvent[] = [];
  const client = await OmsClient.connect({
    url, api_key: 'test-key', timeout_ms: 1000, reconnect: { initial_delay_ms: 50, max_delay_ms: 200 }, on_event: (e) => events.push(e),
  });
  t.teardown(() => client.close());
  const placed = client.newOrder(resting('hb-before'));
  await placed;
  const disconnected = nextEvent(events, 'disconnected', 5000);
  const paused_at = Date.now();
  oms.pause();
  let resumed = false;
  t.teardown(() => { if (!resumed) oms.resume(); });
  const dead = await disconnected;
  const detected_ms = Date.now() - paused_at;
  t.match(dead, { code: 1006, reason: 'heartbeat timeout', reconnect: true });
  t.ok(detected_ms >= 3 * HEARTBEAT_MS - 50 && detected_ms < 3 * HEARTBEAT_MS + 700, `detected after ${detected_ms} ms, about three intervals`);
  t.equal(client.state, 'reconnecting');

  const reconnected = nextEvent(events, 'connected', 10_000);
  oms.resume();
  resumed = true;
  const connected = await reconnected;
  t.equal(connected.resent, 1, 'the open order\'s NewOrder is sent again to learn its state');
  t.equal(client.state, 'connected');
  t.equal((await client.newOrder(resting('hb-after'))).exec_type, ExecType.NEW, 'the new session takes orders');
  t.equal(placed.reports.at(-1)!.exec_type, ExecType.ORDER_STATUS, 'the open order\'s stream got its current state');
});
