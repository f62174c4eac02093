/**
 * reduce_only over HTTP against the real OMS: with no position the order is refused 422
 * REDUCE_ONLY_WOULD_INCREASE (and recorded REJECTED); larger than the position it is
 * accepted trimmed, and the answer says so (reduce_only_trimmed, requested_quantity);
 * GET /orders/:id shows reduce_only and reduce_only_trimmed (snapshots keep it:
 * test/services/snapshot/order_store_codec). Every answer matches io/openapi.json.
 */
import t from 'tap';
import { OmsServer } from '../../../support/oms_server.js';
import { marketBuy, restingBuy, setKnownMarket } from '../fixtures/http_fixtures.js';
import { checkAnswers, OpenApiContract, recordAnswers } from '../fixtures/openapi_contract.js';

const oms = await OmsServer.start();
t.teardown(() => oms.cleanup());
const answers = recordAnswers(oms);
await setKnownMarket(oms);

const sell = (overrides: Record<string, unknown>) => restingBuy({ side: 'sell', price: 46000, ...overrides });

t.test('with no position a reduce-only order is refused 422 REDUCE_ONLY_WOULD_INCREASE', async (t) => {
  const result = await oms.request('POST', '/orders', { body: sell({ quantity: 0.01, reduce_only: true, client_order_id: 'ro-flat' }) });
  t.equal(result.status, 422);
  t.match(result.body, { success: false, code: 'REDUCE_ONLY_WOULD_INCREASE', reject_code: 416 });
  const check = await oms.request('POST', '/check', { body: sell({ quantity: 0.01, reduce_only: true }) });
  t.match(check.body, { approved: false, code: 'REDUCE_ONLY_WOULD_INCREASE' }, 'POST /check says the same');
});

t.test('long 0.03: a reduce-only sell of 0.05 is accepted for 0.03 and says it was trimmed', async (t) => {
  t.equal((await oms.request('POST', '/orders', { body: marketBuy({ quantity: 0.03, client_order_id: 'ro-long' }) })).status, 200);
  const result = await oms.request('POST', '/orders', { body: sell({ quantity: 0.05, reduce_only: true, client_order_id: 'ro-trim' }) });
  t.equal(result.status, 200, result.text);
  t.match(result.body, {
    success: true, status: 'ACCEPTED', reduce_only: true, post_only: false, quantity: 0.03, reduce_only_trimmed: true, requested_quantity: 0.05,
  });
  const order = await oms.request('GET', `/orders/${result.body.order_id}`);
  t.match(order.body, { reduce_only: true, quantity: 0.03, reduce_only_trimmed: true }, 'a later read still says the order was trimmed');
  t.notOk('requested_quantity' in order.body, 'what was asked is told in the answer to the order only');
  const more = await oms.request('POST', '/orders', { body: sell({ quantity: 0.01, reduce_only: true, client_order_id: 'ro-more' }) });
  t.match(more.body, { code: 'REDUCE_ONLY_WOULD_INCREASE' }, 'the open reduce-only sell already covers the long');
  const buy = await oms.request('POST', '/orders', { body: restingBuy({ reduce_only: true, client_order_id: 'ro-buy' }) });
  t.match(buy.body, { code: 'REDUCE_ONLY_WOULD_INCREASE' }, 'a reduce-only buy would grow the long');
  const plain = await oms.request('POST', '/orders', { body: sell({ quantity: 0.01, client_order_id: 'ro-plain' }) });
  t.equal(plain.status, 200, 'a plain sell is not limited by it');
  t.equal(plain.body.reduce_only_trimmed, false);
  t.notOk('requested_quantity' in plain.body);
});

t.test('reduce_only must be a boolean', async (t) => {
  const result = await oms.request('POST', '/orders', { body: sell({ reduce_only: 'yes' }) });
  t.equal(result.status, 400);
  t.match(result.body, { code: 'INVALID_FIELD_TYPE', reason: 'reduce_only must be true or false' });
});

t.test('the process is still running and logged no errors', async (t) => {
  t.ok(oms.alive, 'running');
  t.same(oms.problems(), [], 'no error lines');
});

t.test('every answer in these scenarios matches io/openapi.json and the reject catalogue', async (t) => {
  checkAnswers(t, OpenApiContract.load(), answers);
});
