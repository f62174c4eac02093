/**
 * POST /check, the pre-trade risk dry run: every risk rule runs on the order as if it
 * were placed, and it answers 200 with a risk level, a reason and near-limit warnings
 * whether the order would be approved or not. It places nothing. Only a request that is
 * itself invalid is refused with 4xx.
 */
import t from 'tap';
import { OmsServer } from '../../../support/oms_server.js';
import { marketBuy, restingBuy, setKnownMarket } from '../fixtures/http_fixtures.js';
import { checkAnswers, OpenApiContract, recordAnswers } from '../fixtures/openapi_contract.js';

const oms = await OmsServer.start();
t.teardown(() => oms.cleanup());
const answers = recordAnswers(oms);
await setKnownMarket(oms);

async function orderCount(): Promise<number> {
  return (await oms.request('GET', '/orders')).body.count;
}

t.test('an order well within limits is approved with risk level LOW and no warnings', async (t) => {
  const result = await oms.request('POST', '/check', { body: restingBuy({ price: 44990 }) });
  t.equal(result.status, 200);
  t.match(result.body, { approved: true, risk_level: 'LOW', reason: 'within all limits', code: null, reject_code: null, warnings: [] });
  t.type(result.body.utilization_pct, 'number');
  t.ok(result.body.utilization_pct < 50, `utilisation ${result.body.utilization_pct}% is low`);
});

t.test('an order over half a limit is MEDIUM, and one at 80% or more is HIGH with a warning naming the limit', async (t) => {
  const medium = await oms.request('POST', '/check', { body: restingBuy({ quantity: 60, price: 44990 }) });
  t.match(medium.body, { approved: true, risk_level: 'MEDIUM', warnings: [] });
  const high = await oms.request('POST', '/check', { body: restingBuy({ quantity: 90, price: 44990 }) });
  t.match(high.body, { approved: true, risk_level: 'HIGH' });
  t.ok(high.body.utilization_pct >= 80, `utilisation ${high.body.utilization_pct}%`);
  t.ok(high.body.warnings.some((w: string) => /maximum order quantity/.test(w)), `warns about the quantity: ${high.body.warnings}`);
  const far = await oms.request('POST', '/check', { body: restingBuy({ price: 41000 }) });
  t.ok(far.body.warnings.some((w: string) => /collar/.test(w)), `a price near the collar warns about it: ${far.body.warnings}`);
});

t.test('an order risk would refuse is answered 200, not approved, CRITICAL, with the code and reason', async (t) => {
  const collar = await oms.request('POST', '/check', { body: restingBuy({ price: 30000 }) });
  t.equal(collar.status, 200, 'a refusal by risk is an answer to the question, not an error');
  t.match(collar.body, { approved: false, risk_level: 'CRITICAL', code: 'PRICE_COLLAR', reject_code: 402, reason: /collar/ });
  const too_big = await oms.request('POST', '/check', { body: restingBuy({ quantity: 150, price: 44990 }) });
  t.match(too_big.body, { approved: false, risk_level: 'CRITICAL', code: 'MAX_ORDER_QTY', reason: /maximum order quantity/ });
  const no_mark = await oms.request('POST', '/check', { body: { symbol: 'SOLUSDT', side: 'sell', quantity: 1, price: 100 } });
  t.match(no_mark.body, { approved: false, code: 'NO_REFERENCE_PRICE' });
});

t.test('a check places nothing, whatever its outcome', async (t) => {
  const before = await orderCount();
  for (const body of [restingBuy(), restingBuy({ price: 30000 }), restingBuy({ client_order_id: 'check-only' }), { symbol: 'BTCUSDT', side: 'buy', quantity: 0.01 }]) {
    t.equal((await oms.request('POST', '/check', { body })).status, 200);
  }
  t.equal(await orderCount(), before, 'no order was created');
  const placed = await oms.request('POST', '/orders', { body: restingBuy({ client_order_id: 'check-only' }) });
  t.equal(placed.status, 200, 'a client_order_id used in a check is still free');
  t.notOk(placed.body.duplicate, 'and not a duplicate');
});

t.test('an invalid request is refused with 400, a missing key with 401, another account with 403', async (t) => {
  for (const [request, code] of [
    [{ raw: 'nope' }, 'MALFORMED_BODY'], [{ body: [1] }, 'MALFORMED_BODY'], [{ body: restingBuy({ quantity: 'NaN' }) }, 'INVALID_QUANTITY'],
    [{ body: restingBuy({ side: 'short' }) }, 'INVALID_SIDE'], [{ body: restingBuy({ symbol: 'XYZ' }) }, 'UNKNOWN_SYMBOL'],
    [{ body: restingBuy({ price: 44000.001 }) }, 'OFF_TICK'], [{ body: restingBuy({ order_type: 'STOP' }) }, 'STOP_PRICE_REQUIRED'],
    [{ body: restingBuy({ iceberg_quantity: 1 }) }, 'UNKNOWN_FIELD'], [{ body: marketBuy({ post_only: true }) }, 'POST_ONLY_NOT_ALLOWED'],
  ] as const) {
    const result = await oms.request('POST', '/check', request);
    t.equal(result.status, 400, `${code}: 400`);
    t.equal(result.body.code, code);
  }
  t.equal((await oms.request('POST', '/check', { key: null, body: restingBuy() })).status, 401);
  t.equal((await oms.request('POST', '/check', { key: 'wrong-key-123', body: restingBuy() })).status, 401);
  const other = await oms.request('POST', '/check', { body: restingBuy({ account: 'demo2' }) });
  t.equal(other.status, 403);
  t.equal(other.body.code, 'ACCOUNT_MISMATCH');
});

t.test('the process is still running and logged no errors', async (t) => {
  t.ok(oms.alive, 'running');
  t.same(oms.problems(), [], 'no error lines');
});

t.test('every answer in these scenarios matches io/openapi.json and the reject catalogue', async (t) => {
  checkAnswers(t, OpenApiContract.load(), answers);
});
