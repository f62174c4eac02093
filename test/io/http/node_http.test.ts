/**
 * The native-free fallback (OMS_FORCE_NODE_HTTP=1): the same routes on node:http, with
 * the same validation, answers and error shapes as on uWebSockets.js, a log line that
 * says plainly which server is running and why, and /ws answered 501 because the binary
 * WebSocket protocol needs uWebSockets.js.
 */
import t from 'tap';
import { HttpResult, OmsServer } from '../../support/oms_server.js';
import { marketBuy, restingBuy, setKnownMarket } from './fixtures/http_fixtures.js';
import { checkAnswers, OpenApiContract, recordAnswers, RecordedAnswer } from './fixtures/openapi_contract.js';

const answers: RecordedAnswer[] = [];
const [fallback, native] = await Promise.all([
  OmsServer.start({ env: { OMS_FORCE_NODE_HTTP: '1' } }),
  OmsServer.start(),
]);
t.teardown(() => Promise.all([fallback.cleanup(), native.cleanup()]));
recordAnswers(fallback, answers);
await Promise.all([setKnownMarket(fallback), setKnownMarket(native)]);

t.test('the log says the fallback is serving, why, and what it lacks', async (t) => {
  t.match(fallback.logs, /serving the HTTP routes on node:http instead \(slower; no binary WebSocket protocol\)/);
  t.match(fallback.logs, /"reason":"OMS_FORCE_NODE_HTTP=1"/);
  t.match(fallback.logs, /"transport":"node:http"[^\n]*"msg":"OMS is listening"/);
  t.match(native.logs, /"transport":"uws"[^\n]*"msg":"OMS is listening"/, 'the default is uWebSockets.js');
});

t.test('orders work end to end on node:http: a marketable order is FILLED, a resting one ACCEPTED, replaced and canceled', async (t) => {
  const filled = await fallback.request('POST', '/orders', { body: marketBuy({ client_order_id: 'fb-1' }) });
  t.equal(filled.status, 200);
  t.match(filled.body, { success: true, status: 'FILLED', filled_quantity: 0.01, average_fill_price: 45001 });
  t.match((await fallback.request('POST', '/orders', { body: marketBuy({ client_order_id: 'fb-1' }) })).body, { duplicate: true, order_id: filled.body.order_id });
  const resting = await fallback.request('POST', '/orders', { body: restingBuy() });
  t.match(resting.body, { status: 'ACCEPTED' });
  const replaced = await fallback.request('PATCH', `/orders/${resting.body.order_id}`, { body: { price: 44010 } });
  t.match(replaced.body, { status: 'ACCEPTED', price: 44010, orig_order_id: resting.body.order_id });
  t.match((await fallback.request('DELETE', `/orders/${replaced.body.order_id}`)).body, { status: 'CANCELED' });
  t.match((await fallback.request('GET', '/orders?active_only=true')).body, { success: true, count: 0 });
  t.match((await fallback.request('POST', '/check', { body: restingBuy() })).body, { approved: true, risk_level: 'LOW' });
  t.equal((await fallback.request('GET', '/tickers', { key: null })).status, 200);
  t.equal((await fallback.request('GET', '/health/ready', { key: null })).status, 200);
  t.equal((await fallback.request('GET', '/admin/state', { key: null, admin: true })).status, 200);
});

/** An answer with what legitimately differs between two servers (ids, generated client order ids, times, sequences) masked. */
function comparable(result: HttpResult): unknown {
  const mask = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(mask);
    if (typeof value !== 'object' || value === null) return value;
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key,
      (['order_id', 'orig_order_id', 'replaced_by', 'created_at', 'updated_at', 'sequence'].includes(key) && inner !== null)
        || (key === 'client_order_id' && String(inner).startsWith('oms-')) ? '*' : mask(inner)]));
  };
  return { status: result.status, body: mask(result.body), allow: result.headers.get('allow'), retry_after: result.headers.get('retry-after') };
}

t.test('every refusal has the same status, shape and headers on node:http as on uWebSockets.js', async (t) => {
  const ids = await Promise.all([fallback, native].map(async (oms) => (await oms.request('POST', '/orders', { body: restingBuy({ client_order_id: 'same-1' }) })).body.order_id));
  const cases: [string, (id: string) => string, Parameters<OmsServer['request']>[2]][] = [
    ['POST', () => '/orders', { raw: '{oops' }], ['POST', () => '/orders', { body: [1] }], ['POST', () => '/orders', { body: restingBuy({ quantity: 'NaN' }) }],
    ['POST', () => '/orders', { body: restingBuy({ price: 44000.001 }) }], ['POST', () => '/orders', { body: restingBuy({ side: 'up' }) }],
    ['POST', () => '/orders', { key: null, body: restingBuy() }], ['POST', () => '/orders', { key: 'unknown-key', body: restingBuy() }],
    ['POST', () => '/orders', { body: restingBuy({ account: 'demo2' }) }], ['POST', () => '/orders', { body: restingBuy({ client_order_id: 'same-1', quantity: 0.02 }) }],
    ['POST', () => '/orders', { body: restingBuy({ price: 30000 }) }], ['POST', () => '/orders', { raw: 'x'.repeat(5000) }],
    ['GET', () => '/orders/999999', {}], ['GET', () => '/orders/abc', {}], ['GET', (id) => `/orders/${id}`, { key: 'demo2-key' }],
    ['PATCH', (id) => `/orders/${id}`, { body: {} }], ['PATCH', (id) => `/orders/${id}`, { body: { price: 30000 } }],
    ['GET', () => '/orders?account=demo2', {}], ['PUT', () => '/orders', {}], ['GET', () => '/no/such/route', {}],
    ['GET', () => '/ticker/NOPE', { key: null }], ['GET', () => '/admin/state', { key: null }],
    ['POST', () => '/admin/kill-switch', { key: null, admin: true, body: { engaged: 'maybe' } }],
  ];
  for (const [method, route, options] of cases) {
    const a = await fallback.request(method, route(ids[0]), options);
    const b = await native.request(method, route(ids[1]), options);
    t.ok(a.status >= 400, `${method} ${route('<id>')}: refused (${a.status})`);
    t.same(comparable(a), comparable(b), `${method} ${route('<id>')}: identical on both servers`);
  }
});

t.test('/ws answers 501 on node:http, in the error shape, saying why', async (t) => {
  for (const method of ['GET', 'POST']) {
    const result = await fallback.request(method, '/ws', { key: null });
    t.equal(result.status, 501, `${method} /ws: 501`);
    t.match(result.body, { success: false, code: String, reject_code: Number, reason: /WebSocket.*uWebSockets\.js/ });
  }
  t.equal((await fallback.request('GET', '/health/live', { key: null })).status, 200, 'and the server carries on');
});

t.test('both processes are still running and logged no errors', async (t) => {
  t.ok(fallback.alive && native.alive, 'running');
  t.same(fallback.problems(), [], 'no error lines on node:http');
  t.same(native.problems(), [], 'no error lines on uWebSockets.js');
});

t.test('every answer the fallback gave matches io/openapi.json and the reject catalogue', async (t) => {
  checkAnswers(t, OpenApiContract.load(), answers);
});
