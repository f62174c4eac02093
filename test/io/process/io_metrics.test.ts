/**
 * The io thread's counters, the rings' counters and the request latency of every request
 * type on both protocols reach /metrics, against the real OMS over HTTP and a real
 * WebSocket.
 */
import t from 'tap';
import { OmsClient, OrderType, Side, TimeInForce } from '../../../io/client/index.js';
import { OmsServer } from '../../support/oms_server.js';

const oms = await OmsServer.start();
t.teardown(() => oms.cleanup());
await oms.setMarket('BTCUSDT', { bid: 44999, ask: 45001, bid_size: 1000, ask_size: 1000 });

/** The value of one sample line of the Prometheus text, or undefined. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

t.test('every request type on both protocols is timed, labelled by protocol and type', async (t) => {
  const resting = { symbol: 'BTCUSDT', side: 'buy', quantity: 0.01, price: 44000 };
  const placed = await oms.request('POST', '/orders', { body: resting });
  const replaced = await oms.request('PATCH', `/orders/${placed.body.order_id}`, { body: { price: 44001 } });
  await oms.request('DELETE', `/orders/${replaced.body.order_id}`);
  await oms.request('POST', '/check', { body: resting });
  await oms.request('GET', '/account');

  const ws = await OmsClient.connect({ url: oms.url, api_key: 'test-key' });
  const placed_ws = await ws.newOrder({
    symbol: 'BTCUSDT', side: Side.BUY, order_type: OrderType.LIMIT, time_in_force: TimeInForce.GTC, quantity: '0.01', price: '44000',
  });
  const replacement = await ws.replace(placed_ws.order_id, { price: 44002 });
  await ws.cancel(replacement.order_id);

  const text = (await oms.request('GET', '/metrics', { key: null })).text;
  for (const [protocol, type] of [['http', 'new_order'], ['http', 'cancel'], ['http', 'replace'], ['http', 'check'], ['http', 'account'],
    ['ws', 'new_order'], ['ws', 'cancel'], ['ws', 'replace']]) {
    t.equal(sample(text, 'oms_request_latency_seconds_count', `{protocol="${protocol}",type="${type}"}`), 1, `${protocol} ${type}: one request timed`);
  }
  t.equal(sample(text, 'oms_ws_sessions_opened_total'), 1);
  t.equal(sample(text, 'oms_ws_sessions'), 1);
  t.ok((sample(text, 'oms_ws_reports_sent_total') ?? 0) >= 3, 'reports sent counted');
  t.equal(sample(text, 'oms_ws_slow_consumer_disconnects_total'), 0);
  t.equal(sample(text, 'oms_engine_link_busy_refusals_total'), 0);
  t.equal(sample(text, 'oms_engine_link_timeouts_total'), 0);
  await ws.close();
  const after = (await oms.request('GET', '/metrics', { key: null })).text;
  t.equal(sample(after, 'oms_ws_sessions'), 0, 'the closed session is gone from the gauge');
});

t.test('the rings\' full refusals and wake-ups of parked threads reach /metrics of a running OMS', async (t) => {
  // Each HTTP order comes long after the engine ran out of spin and parked, so the io
  // thread's publish on the command ring has to ring the engine awake.
  const placed = await oms.request('POST', '/orders', { body: { symbol: 'BTCUSDT', side: 'buy', quantity: 0.01, price: 44000 } });
  t.equal(placed.status, 200);
  const text = (await oms.request('GET', '/metrics', { key: null })).text;
  t.ok((sample(text, 'oms_ring_doorbell_total', '{ring="commands",rung_by="io"}') ?? 0) >= 1, 'the io thread woke the parked engine');
  t.ok((sample(text, 'oms_ring_doorbell_total', '{ring="events",rung_by="engine"}') ?? 0) >= 1, 'the engine woke the parked journal');
  for (const [ring, producer] of [['commands', 'io'], ['events', 'engine'], ['replies', 'engine']]) {
    t.equal(sample(text, 'oms_ring_full_total', `{ring="${ring}",producer="${producer}"}`), 0, `${ring}: listed, and never full here`);
  }
  t.equal(sample(text, 'oms_questdb_dropped_ticks_total'), 0, 'the QuestDB counter is listed even with the sink off');
});
