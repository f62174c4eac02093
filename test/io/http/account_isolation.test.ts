/**
 * Accounts are isolated at the edge: an API key sees and touches only its own account's
 * orders. Another account's order is answered exactly like an order that does not exist
 * (never its data), lists hold only the caller's orders, and `?account=` or an `account`
 * field is accepted only when it names the caller's own account.
 */
import t from 'tap';
import { OmsServer } from '../../support/oms_server.js';
import { restingBuy, setKnownMarket } from './fixtures/http_fixtures.js';
import { checkAnswers, OpenApiContract, recordAnswers } from './fixtures/openapi_contract.js';

const oms = await OmsServer.start();
t.teardown(() => oms.cleanup());
const answers = recordAnswers(oms);
await setKnownMarket(oms);

const TEST = 'test-key';
const DEMO2 = 'demo2-key';

const theirs = await oms.request('POST', '/orders', { key: TEST, body: restingBuy({ client_order_id: 'test-private-1' }) });
const mine = await oms.request('POST', '/orders', { key: DEMO2, body: restingBuy({ price: 43000, client_order_id: 'demo2-own-1' }) });

t.test('demo2 cannot read, cancel or amend test\'s order: each answers like an unknown order', async (t) => {
  const unknown = await oms.request('GET', '/orders/999999999', { key: DEMO2 });
  for (const [method, body] of [['GET'], ['DELETE'], ['PATCH', { price: 44001 }], ['PATCH', { quantity: 0.02, client_order_id: 'steal-1' }]] as const) {
    const result = await oms.request(method, `/orders/${theirs.body.order_id}`, { key: DEMO2, body });
    t.equal(result.status, 404, `${method}: 404`);
    t.same(result.body, unknown.body, `${method}: indistinguishable from an order that does not exist`);
    t.notMatch(result.text, /test-private-1|"account":"test"/, `${method}: none of the order's data`);
  }
  const after = await oms.request('GET', `/orders/${theirs.body.order_id}`, { key: TEST });
  t.match(after.body, { status: 'ACCEPTED', price: 44000, quantity: 0.01, replaced_by: null }, 'test\'s order is untouched');
});

t.test('GET /orders lists only the caller\'s own orders, open or not', async (t) => {
  for (const [key, own, other] of [[DEMO2, mine, theirs], [TEST, theirs, mine]] as const) {
    for (const query of ['', '?active_only=true']) {
      const list = await oms.request('GET', `/orders${query}`, { key });
      const ids = list.body.orders.map((o: { order_id: string }) => o.order_id);
      t.ok(ids.includes(own.body.order_id), `${key} ${query || '(all)'}: its own order is listed`);
      t.notOk(ids.includes(other.body.order_id), `${key} ${query || '(all)'}: the other account's is not`);
      t.ok(list.body.orders.every((o: { account: string }) => o.account === own.body.account), 'every order is the caller\'s');
    }
  }
});

t.test('?account= is accepted only when it names the caller\'s own account', async (t) => {
  const own = await oms.request('GET', '/orders?account=demo2', { key: DEMO2 });
  t.equal(own.status, 200);
  t.ok(own.body.orders.every((o: { account: string }) => o.account === 'demo2'));
  for (const account of ['test', 'nobody', '', 'DEMO2']) {
    const result = await oms.request('GET', `/orders?account=${encodeURIComponent(account)}`, { key: DEMO2 });
    t.equal(result.status, 403, `?account=${account}: 403`);
    t.equal(result.body.code, 'ACCOUNT_MISMATCH');
    t.notOk(result.body.orders, 'no list');
  }
});

t.test('an account field naming another account is refused on POST /orders and POST /check', async (t) => {
  for (const route of ['/orders', '/check']) {
    const result = await oms.request('POST', route, { key: DEMO2, body: restingBuy({ account: 'test' }) });
    t.equal(result.status, 403, `${route}: 403`);
    t.equal(result.body.code, 'ACCOUNT_MISMATCH');
  }
  const still = await oms.request('GET', '/orders?active_only=true', { key: TEST });
  t.equal(still.body.count, 1, 'test still has exactly its one open order');
});

t.test('client order ids are per account: the same id in two accounts makes two orders and reveals nothing', async (t) => {
  const a = await oms.request('POST', '/orders', { key: TEST, body: restingBuy({ client_order_id: 'shared-id' }) });
  const b = await oms.request('POST', '/orders', { key: DEMO2, body: restingBuy({ quantity: 0.02, client_order_id: 'shared-id' }) });
  t.equal(a.status, 200);
  t.equal(b.status, 200, 'not a duplicate of the other account\'s order');
  t.not(a.body.order_id, b.body.order_id);
  t.equal(b.body.account, 'demo2');
  const resend = await oms.request('POST', '/orders', { key: DEMO2, body: restingBuy({ quantity: 0.03, client_order_id: 'shared-id' }) });
  t.equal(resend.status, 409);
  t.equal(resend.body.order.account, 'demo2', 'a conflict shows the caller\'s own original, never the other account\'s');
});

t.test('the process is still running and logged no errors', async (t) => {
  t.ok(oms.alive, 'running');
  t.same(oms.problems(), [], 'no error lines');
});

t.test('every answer in these scenarios matches io/openapi.json and the reject catalogue', async (t) => {
  checkAnswers(t, OpenApiContract.load(), answers);
});
