/**
 * The node:http fallback (OMS_FORCE_NODE_HTTP=1, or uWebSockets.js failing to load) has
 * no binary WebSocket protocol: /ws answers 501 with a JSON error saying why, an upgrade
 * attempt gets no WebSocket, and the HTTP API still works.
 */
import t from 'tap';
import { OmsServer } from '../../support/oms_server.js';
import { WsClient } from '../../support/ws_client.js';

const oms = await OmsServer.start({ env: { OMS_FORCE_NODE_HTTP: '1' } });
t.teardown(() => oms.cleanup());

t.test('GET /ws answers 501 with a JSON error explaining why', async (t) => {
  const result = await oms.request('GET', '/ws', { key: null });
  t.equal(result.status, 501);
  t.match(result.headers.get('content-type'), /application\/json/);
  t.match(result.body, { success: false, code: String, reason: /WebSocket.*uWebSockets\.js/ });
});

t.test('a WebSocket upgrade on /ws gets the same 501 and no WebSocket', async (t) => {
  const result = await WsClient.tryConnect(oms.url, { key: 'test-key' });
  t.notOk(result instanceof WsClient, 'no WebSocket');
  if (result instanceof WsClient) return result.terminate();
  t.equal(result.status, 501);
  t.match(JSON.parse(result.body), { success: false, reason: /uWebSockets\.js/ });
});

t.test('the process says which transport it serves, and HTTP orders still work', async (t) => {
  t.match(oms.logs, /"transport":"node:http"/);
  await oms.setMarket('BTCUSDT', { bid: 44999.5, ask: 45001.5, bid_size: 1000, ask_size: 1000 });
  const placed = await oms.request('POST', '/orders', { body: { symbol: 'BTCUSDT', side: 'buy', quantity: 0.01, price: 44000 } });
  t.equal(placed.status, 200);
});
