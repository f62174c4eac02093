/**
 * The order routes against the real OMS process over real HTTP: every status POST
 * /orders and the other order routes answer, idempotent resends, cancel/replace chains
 * and the order list. One OMS serves every subtest; each subtest uses its own
 * client_order_ids and price levels so they do not disturb each other.
 */
import t from 'tap';
import { OmsServer } from '../../../support/oms_server.js';
import { marketBuy, restingBuy, setKnownMarket, until } from '../fixtures/http_fixtures.js';
import { checkAnswers, OpenApiContract, recordAnswers } from '../fixtures/openapi_contract.js';

const oms = await OmsServer.start();
t.teardown(() => oms.cleanup());
const answers = recordAnswers(oms);
await setKnownMarket(oms);

/** How many orders the caller's list shows (open and recent). */
async function orderCount(key = 'test-key'): Promise<number> {
  return (await oms.request('GET', '/orders', { key })).body.count;
}

t.test('a marketable order answers 200 FILLED and a resting limit order 200 ACCEPTED', async (t) => {
  const filled = await oms.request('POST', '/orders', { body: marketBuy({ client_order_id: 'ok-market' }) });
  t.equal(filled.status, 200);
  t.match(filled.body, { success: true, status: 'FILLED', filled_quantity: 0.01, remaining_quantity: 0, average_fill_price: 45001, order_type: 'MARKET' });
  const resting = await oms.request('POST', '/orders', { body: restingBuy({ client_order_id: 'ok-limit' }) });
  t.equal(resting.status, 200);
  t.match(resting.body, { success: true, status: 'ACCEPTED', filled_quantity: 0, remaining_quantity: 0.01, price: 44000, account: 'test' });
  t.notOk('duplicate' in resting.body, 'a first placement is not marked duplicate');
  const cancel = await oms.request('DELETE', `/orders/${resting.body.order_id}`);
  t.equal(cancel.status, 200);
  t.match(cancel.body, { success: true, order_id: resting.body.order_id, status: 'CANCELED', exec_reason: 'CLIENT_CANCEL' });
  const read = await oms.request('GET', `/orders/${filled.body.order_id}`);
  t.equal(read.status, 200);
  t.same(read.body, filled.body, 'GET answers the order exactly as the placement did');
});

t.test('malformed and invalid orders are refused with 400 and a precise code, and nothing is placed', async (t) => {
  const before = await orderCount();
  const cases: [name: string, request: { raw?: string; body?: unknown }, code: string][] = [
    ['a body that is not JSON', { raw: '{"symbol": "BTCUSDT",' }, 'MALFORMED_BODY'],
    ['an empty body', { raw: '' }, 'MALFORMED_BODY'],
    ['a JSON array', { body: [restingBuy()] }, 'MALFORMED_BODY'],
    ['JSON null', { raw: 'null' }, 'MALFORMED_BODY'],
    ['a bare NaN (not JSON)', { raw: '{"symbol":"BTCUSDT","side":"buy","quantity":NaN}' }, 'MALFORMED_BODY'],
    ['NaN as "NaN"', { body: restingBuy({ quantity: 'NaN' }) }, 'INVALID_QUANTITY'],
    ['Infinity as "Infinity"', { body: restingBuy({ price: 'Infinity' }) }, 'INVALID_PRICE'],
    ['a negative quantity', { body: restingBuy({ quantity: -1 }) }, 'INVALID_QUANTITY'],
    ['a zero quantity', { body: restingBuy({ quantity: 0 }) }, 'INVALID_QUANTITY'],
    ['a zero quantity as a string', { body: restingBuy({ quantity: '0.0000' }) }, 'INVALID_QUANTITY'],
    ['a negative price', { body: restingBuy({ price: -44000 }) }, 'INVALID_PRICE'],
    ['an unknown side', { body: restingBuy({ side: 'hold' }) }, 'INVALID_SIDE'],
    ['a missing side', { body: restingBuy({ side: undefined }) }, 'MISSING_FIELD'],
    ['an unknown symbol', { body: restingBuy({ symbol: 'DOGEUSDT' }) }, 'UNKNOWN_SYMBOL'],
    ['a missing symbol', { body: restingBuy({ symbol: undefined }) }, 'MISSING_FIELD'],
    ['a missing quantity', { body: restingBuy({ quantity: undefined }) }, 'MISSING_FIELD'],
    ['a limit order without a price', { body: restingBuy({ price: undefined, order_type: 'LIMIT' }) }, 'PRICE_REQUIRED'],
    ['a stop-limit order without a price', { body: restingBuy({ price: undefined, order_type: 'STOP_LIMIT', stop_price: 46000 }) }, 'PRICE_REQUIRED'],
    ['a stop order without stop_price', { body: marketBuy({ order_type: 'STOP' }) }, 'STOP_PRICE_REQUIRED'],
    ['a stop_price on a limit order', { body: restingBuy({ stop_price: 46000 }) }, 'INVALID_PRICE'],
    ['an unknown order type', { body: restingBuy({ order_type: 'ICEBERG' }) }, 'INVALID_ORDER_TYPE'],
    ['an unknown time in force', { body: restingBuy({ time_in_force: 'GTX' }) }, 'INVALID_TIME_IN_FORCE'],
    ['a quantity of the wrong type', { body: restingBuy({ quantity: true }) }, 'INVALID_FIELD_TYPE'],
    ['a price of the wrong type', { body: restingBuy({ price: { value: 44000 } }) }, 'INVALID_FIELD_TYPE'],
    ['a symbol of the wrong type', { body: restingBuy({ symbol: 7 }) }, 'INVALID_FIELD_TYPE'],
    ['a side of the wrong type', { body: restingBuy({ side: 1 }) }, 'INVALID_FIELD_TYPE'],
    ['an order_type of the wrong type', { body: restingBuy({ order_type: ['LIMIT'] }) }, 'INVALID_FIELD_TYPE'],
    ['an account of the wrong type', { body: restingBuy({ account: 5 }) }, 'INVALID_FIELD_TYPE'],
    ['a client_order_id of the wrong type', { body: restingBuy({ client_order_id: 12 }) }, 'INVALID_FIELD_TYPE'],
    ['an off-tick price', { body: restingBuy({ price: 44000.005 }) }, 'OFF_TICK'],
    ['an off-lot quantity', { body: restingBuy({ quantity: 0.00005 }) }, 'OFF_LOT'],
    ['a quantity too large to represent', { body: restingBuy({ quantity: '9007199254740993' }) }, 'VALUE_OUT_OF_RANGE'],
    ['a client_order_id with a space', { body: restingBuy({ client_order_id: 'has space' }) }, 'INVALID_CLIENT_ORDER_ID'],
    ['an empty client_order_id', { body: restingBuy({ client_order_id: '' }) }, 'INVALID_CLIENT_ORDER_ID'],
    ['a client_order_id of 41 characters', { body: restingBuy({ client_order_id: 'x'.repeat(41) }) }, 'INVALID_CLIENT_ORDER_ID'],
    ['a non-ASCII client_order_id', { body: restingBuy({ client_order_id: 'ordre-é' }) }, 'INVALID_CLIENT_ORDER_ID'],
    ['GTD without expire_time', { body: restingBuy({ time_in_force: 'GTD' }) }, 'INVALID_EXPIRE_TIME'],
    ['GTD with an unparseable expire_time', { body: restingBuy({ time_in_force: 'GTD', expire_time: 'tomorrow' }) }, 'INVALID_EXPIRE_TIME'],
    ['expire_time without GTD', { body: restingBuy({ expire_time: Date.now() + 60_000 }) }, 'INVALID_EXPIRE_TIME'],
    ['GTD with expire_time in the past', { body: restingBuy({ time_in_force: 'GTD', expire_time: Date.now() - 60_000 }) }, 'EXPIRE_TIME_IN_PAST'],
  ];
  for (const [name, request, code] of cases) {
    const result = await oms.request('POST', '/orders', request);
    t.equal(result.status, 400, `${name}: 400`);
    t.equal(result.body?.code, code, `${name}: ${code}`);
    t.match(result.body, { success: false, reject_code: Number, reason: String }, `${name}: the error shape`);
  }
  // An expiry already past is the engine's refusal: it is journaled as a REJECTED order, the only case here that makes an order.
  t.equal(await orderCount(), before + 1, 'only the expired GTD order left a (REJECTED) record');
});

t.test('a missing or unknown API key is refused with 401 on every order route', async (t) => {
  const placed = await oms.request('POST', '/orders', { body: restingBuy({ client_order_id: 'auth-1' }) });
  const routes: [string, string, unknown?][] = [
    ['POST', '/orders', restingBuy()], ['GET', '/orders'], ['GET', `/orders/${placed.body.order_id}`],
    ['DELETE', `/orders/${placed.body.order_id}`], ['PATCH', `/orders/${placed.body.order_id}`, { price: 44001 }],
  ];
  for (const [method, route, body] of routes) {
    const missing = await oms.request(method, route, { key: null, body });
    t.equal(missing.status, 401, `${method} ${route} without a key: 401`);
    t.equal(missing.body.code, 'MISSING_API_KEY');
    const unknown = await oms.request(method, route, { key: 'not-a-real-key', body });
    t.equal(unknown.status, 401, `${method} ${route} with an unknown key: 401`);
    t.equal(unknown.body.code, 'UNKNOWN_API_KEY');
    t.notOk(unknown.body.order, 'no order data without a valid key');
  }
  t.equal((await oms.request('GET', `/orders/${placed.body.order_id}`)).body.status, 'ACCEPTED', 'the order was neither canceled nor amended');
});

t.test('an account field naming another account is refused with 403 and nothing is placed', async (t) => {
  const before = await orderCount('demo2-key');
  const result = await oms.request('POST', '/orders', { body: restingBuy({ account: 'demo2' }) });
  t.equal(result.status, 403);
  t.equal(result.body.code, 'ACCOUNT_MISMATCH');
  t.equal(await orderCount('demo2-key'), before, 'demo2 got no order');
  const own = await oms.request('POST', '/orders', { body: restingBuy({ account: 'test', client_order_id: 'own-account' }) });
  t.equal(own.status, 200, 'naming the key\'s own account is fine');
});

t.test('a field the API does not know refuses the order, cancel or replace with 400 UNKNOWN_FIELD naming it, and nothing happens', async (t) => {
  const before = await orderCount();
  for (const field of ['iceberg_quantity', 'display_quantity']) {
    const result = await oms.request('POST', '/orders', { body: marketBuy({ [field]: true, client_order_id: `unknown-${field}` }) });
    t.equal(result.status, 400, `${field}: 400`);
    t.match(result.body, { success: false, code: 'UNKNOWN_FIELD', reject_code: 122, reason: new RegExp(`^unknown field "${field}" in an order`) });
  }
  t.equal(await orderCount(), before, 'no order was placed, so nothing filled');
  const resting = await oms.request('POST', '/orders', { body: restingBuy({ client_order_id: 'unknown-field-rest' }) });
  const id = resting.body.order_id;
  const replace = await oms.request('PATCH', `/orders/${id}`, { body: { price: 44001, post_only: true } });
  t.equal(replace.status, 400);
  t.match(replace.body, { code: 'UNKNOWN_FIELD', reason: /^unknown field "post_only" in a replace/ }, 'post_only is a term of the order, not of a replace');
  const cancel = await oms.request('DELETE', `/orders/${id}`, { body: { client_order_id: 'someone-else' } });
  t.equal(cancel.status, 400);
  t.match(cancel.body, { code: 'UNKNOWN_FIELD', reason: /^unknown field "client_order_id" in a cancel: it takes no fields/ });
  t.match((await oms.request('GET', `/orders/${id}`)).body, { status: 'ACCEPTED', price: 44000 }, 'the order was neither replaced nor canceled');
  t.equal((await oms.request('DELETE', `/orders/${id}`, { body: {} })).status, 200, 'a cancel with an empty object is a cancel');
});

t.test('a post-only order that would take is refused 422 POST_ONLY_WOULD_TAKE; one that rests shows post_only on GET', async (t) => {
  const take = await oms.request('POST', '/orders', { body: restingBuy({ price: 45001, post_only: true, client_order_id: 'po-take' }) });
  t.equal(take.status, 422);
  t.match(take.body, { success: false, code: 'POST_ONLY_WOULD_TAKE', reject_code: 415 });
  const rest = await oms.request('POST', '/orders', { body: restingBuy({ price: 45000, post_only: true, client_order_id: 'po-rest' }) });
  t.equal(rest.status, 200, rest.text);
  const order = (await oms.request('GET', `/orders/${rest.body.order_id}`)).body;
  t.match(order, { status: 'ACCEPTED', post_only: true, filled_quantity: 0 }, 'resting, nothing taken');
  const market = await oms.request('POST', '/orders', { body: marketBuy({ post_only: true, client_order_id: 'po-market' }) });
  t.equal(market.status, 400);
  t.match(market.body, { code: 'POST_ONLY_NOT_ALLOWED', reject_code: 123 });
  t.equal((await oms.request('DELETE', `/orders/${rest.body.order_id}`)).status, 200);
});

t.test('an unknown order, a malformed id and another account\'s order all answer the same 404', async (t) => {
  const theirs = await oms.request('POST', '/orders', { key: 'demo2-key', body: restingBuy({ client_order_id: 'their-secret-order' }) });
  t.equal(theirs.status, 200);
  const unknown = await oms.request('GET', '/orders/987654321');
  t.equal(unknown.status, 404);
  t.equal(unknown.body.code, 'UNKNOWN_ORDER');
  for (const id of ['987654321', 'abc', '0', '-1', '1.5', '01', '99999999999999999', '%00', theirs.body.order_id]) {
    for (const [method, body] of [['GET'], ['DELETE'], ['PATCH', { price: 44001 }]] as const) {
      const result = await oms.request(method, `/orders/${id}`, { body });
      t.equal(result.status, 404, `${method} /orders/${id}: 404`);
      t.same(result.body, unknown.body, `${method} /orders/${id}: the same answer as an unknown order`);
      t.notMatch(result.text, /their-secret-order|demo2/, 'nothing of the other account\'s order leaks');
    }
  }
  t.equal((await oms.request('GET', `/orders/${theirs.body.order_id}`, { key: 'demo2-key' })).body.status, 'ACCEPTED', 'their order is untouched');
});

t.test('the same client_order_id with the same terms returns the original order marked duplicate and places nothing', async (t) => {
  const first = await oms.request('POST', '/orders', { body: restingBuy({ client_order_id: 'idem-1' }) });
  t.equal(first.status, 200);
  const before = await orderCount();
  const again = await oms.request('POST', '/orders', { body: restingBuy({ client_order_id: 'idem-1' }) });
  t.equal(again.status, 200);
  t.equal(again.body.duplicate, true, 'marked duplicate');
  t.equal(again.body.order_id, first.body.order_id, 'the original order');
  t.equal(await orderCount(), before, 'no second order');
  const filled = await oms.request('POST', '/orders', { body: marketBuy({ client_order_id: 'idem-2' }) });
  const filled_again = await oms.request('POST', '/orders', { body: marketBuy({ client_order_id: 'idem-2' }) });
  t.match(filled_again.body, { duplicate: true, order_id: filled.body.order_id, status: 'FILLED' }, 'a filled order is found too, and not filled twice');
});

t.test('the same client_order_id with different terms is refused with 409 and the original order attached', async (t) => {
  const first = await oms.request('POST', '/orders', { body: restingBuy({ client_order_id: 'idem-3' }) });
  const before = await orderCount();
  for (const changed of [{ quantity: 0.02 }, { price: 43999 }, { side: 'sell', price: 46000 }, { symbol: 'ETHUSDT', price: 2400 }]) {
    const result = await oms.request('POST', '/orders', { body: restingBuy({ client_order_id: 'idem-3', ...changed }) });
    t.equal(result.status, 409, `changed ${Object.keys(changed).join(', ')}: 409`);
    t.equal(result.body.code, 'DUPLICATE_CLIENT_ORDER_ID');
    t.equal(result.body.order_id, first.body.order_id);
    t.match(result.body.order, { order_id: first.body.order_id, quantity: 0.01, price: 44000, status: 'ACCEPTED' });
  }
  t.equal(await orderCount(), before, 'nothing placed');
});

t.test('cancelling an order that is already final answers 409 with the order', async (t) => {
  const filled = await oms.request('POST', '/orders', { body: marketBuy({ client_order_id: 'final-1' }) });
  const cancel_filled = await oms.request('DELETE', `/orders/${filled.body.order_id}`);
  t.equal(cancel_filled.status, 409);
  t.match(cancel_filled.body, { code: 'ORDER_ALREADY_FINAL', order_id: filled.body.order_id, order: { status: 'FILLED' } });
  t.match(cancel_filled.body.reason, /FILLED/);
  const resting = await oms.request('POST', '/orders', { body: restingBuy({ client_order_id: 'final-2' }) });
  t.equal((await oms.request('DELETE', `/orders/${resting.body.order_id}`)).status, 200);
  const cancel_again = await oms.request('DELETE', `/orders/${resting.body.order_id}`);
  t.equal(cancel_again.status, 409);
  t.match(cancel_again.body, { code: 'ORDER_ALREADY_FINAL', order: { status: 'CANCELED' } });
});

t.test('an order refused by risk answers 422 with the rejected order and its reject code', async (t) => {
  const collar = await oms.request('POST', '/orders', { body: restingBuy({ price: 30000, client_order_id: 'risk-1' }) });
  t.equal(collar.status, 422);
  t.match(collar.body, {
    success: false, code: 'PRICE_COLLAR', reject_code: 402,
    order: { client_order_id: 'risk-1', status: 'REJECTED', reject_code: 402, reject_name: 'PRICE_COLLAR', reject_reason: String, price: 30000 },
  });
  t.equal(collar.body.order_id, collar.body.order.order_id);
  const stored = await oms.request('GET', `/orders/${collar.body.order_id}`);
  t.match(stored.body, { status: 'REJECTED', reject_name: 'PRICE_COLLAR' }, 'the rejected order is on record');
  const too_big = await oms.request('POST', '/orders', { body: restingBuy({ quantity: 150 }) });
  t.equal(too_big.status, 422);
  t.equal(too_big.body.code, 'MAX_ORDER_QTY');
  const no_mark = await oms.request('POST', '/orders', { body: { symbol: 'SOLUSDT', side: 'buy', quantity: 1, price: 100 } });
  t.equal(no_mark.status, 422, 'a symbol with no market yet');
  t.equal(no_mark.body.code, 'NO_REFERENCE_PRICE');
});

t.test('cancel/replace chains carry the filled quantity, end the old order REPLACED and link both ways', async (t) => {
  // A price level of its own: only this order crosses the thin ask set below.
  const a = await oms.request('POST', '/orders', { body: restingBuy({ quantity: 1, price: 44500, client_order_id: 'chain-a' }) });
  t.equal(a.body.status, 'ACCEPTED');
  await oms.setMarket('BTCUSDT', { bid: 44400, ask: 44500, bid_size: 1, ask_size: 0.3 });
  await until('the partial fill', async () => {
    const read = await oms.request('GET', `/orders/${a.body.order_id}`);
    return read.body.filled_quantity === 0.3 ? read : undefined;
  });
  await setKnownMarket(oms);
  const b = await oms.request('PATCH', `/orders/${a.body.order_id}`, { body: { quantity: 2 } });
  t.equal(b.status, 200);
  t.match(b.body, { success: true, orig_order_id: a.body.order_id, quantity: 2, filled_quantity: 0.3, remaining_quantity: 1.7, price: 44500, status: 'PARTIALLY_FILLED' });
  t.not(b.body.order_id, a.body.order_id, 'a replacement is a new order');
  const c = await oms.request('PATCH', `/orders/${b.body.order_id}`, { body: { price: 44400 } });
  t.equal(c.status, 200, 'a replacement can be replaced');
  t.match(c.body, { orig_order_id: b.body.order_id, quantity: 2, filled_quantity: 0.3, price: 44400, average_fill_price: 44500 });
  t.match((await oms.request('GET', `/orders/${a.body.order_id}`)).body, { status: 'REPLACED', replaced_by: b.body.order_id, remaining_quantity: 0 });
  t.match((await oms.request('GET', `/orders/${b.body.order_id}`)).body, { status: 'REPLACED', replaced_by: c.body.order_id, orig_order_id: a.body.order_id });
  const below = await oms.request('PATCH', `/orders/${c.body.order_id}`, { body: { quantity: 0.3 } });
  t.equal(below.status, 409, 'a quantity not above the filled quantity');
  t.match(below.body, { code: 'REPLACE_QTY_BELOW_FILLED', order: { order_id: c.body.order_id, status: 'PARTIALLY_FILLED' } });
  const collar = await oms.request('PATCH', `/orders/${c.body.order_id}`, { body: { price: 30000 } });
  t.equal(collar.status, 422, 'a replace refused by risk');
  t.match(collar.body, { code: 'PRICE_COLLAR', order: { order_id: c.body.order_id, price: 44400, status: 'PARTIALLY_FILLED' } }, 'the order stays as it was');
  const canceled = await oms.request('DELETE', `/orders/${c.body.order_id}`);
  t.match(canceled.body, { status: 'CANCELED', filled_quantity: 0.3 });
});

t.test('replacing a final order answers 409 and amending nothing answers 400', async (t) => {
  const a = await oms.request('POST', '/orders', { body: restingBuy({ client_order_id: 'amend-a' }) });
  const b = await oms.request('PATCH', `/orders/${a.body.order_id}`, { body: { price: 43990 } });
  t.equal(b.status, 200);
  const replaced = await oms.request('PATCH', `/orders/${a.body.order_id}`, { body: { price: 43980 } });
  t.equal(replaced.status, 409, 'replacing a REPLACED order');
  t.match(replaced.body, { code: 'ORDER_ALREADY_FINAL', order: { status: 'REPLACED', replaced_by: b.body.order_id } });
  const filled = await oms.request('POST', '/orders', { body: marketBuy({ client_order_id: 'amend-filled' }) });
  const amend_filled = await oms.request('PATCH', `/orders/${filled.body.order_id}`, { body: { quantity: 0.02 } });
  t.equal(amend_filled.status, 409, 'replacing a FILLED order');
  t.equal(amend_filled.body.code, 'ORDER_ALREADY_FINAL');
  const cancel_replaced = await oms.request('DELETE', `/orders/${a.body.order_id}`);
  t.equal(cancel_replaced.status, 409, 'cancelling a REPLACED order');
  for (const [name, body, code] of [
    ['an empty amend', {}, 'NOTHING_TO_AMEND'],
    ['only a client_order_id', { client_order_id: 'amend-nothing' }, 'NOTHING_TO_AMEND'],
    ['the same price and quantity', { price: 43990, quantity: 0.01 }, 'NOTHING_TO_AMEND'],
    ['a zero quantity', { quantity: 0 }, 'INVALID_QUANTITY'],
    ['an off-tick price', { price: 43990.001 }, 'OFF_TICK'],
    ['a price of the wrong type', { price: [1] }, 'INVALID_FIELD_TYPE'],
    ['a bad client_order_id', { price: 43980, client_order_id: 'a b' }, 'INVALID_CLIENT_ORDER_ID'],
    ['a JSON array', [{ price: 43980 }], 'MALFORMED_BODY'],
  ] as const) {
    const result = await oms.request('PATCH', `/orders/${b.body.order_id}`, { body });
    t.equal(result.status, 400, `${name}: 400`);
    t.equal(result.body.code, code, `${name}: ${code}`);
  }
  const not_json = await oms.request('PATCH', `/orders/${b.body.order_id}`, { raw: 'price=1' });
  t.equal(not_json.body.code, 'MALFORMED_BODY');
  t.equal((await oms.request('GET', `/orders/${b.body.order_id}`)).body.status, 'ACCEPTED', 'the order is unchanged');
});

t.test('an amendment of a price the order does not have is refused with 400 and changes nothing', async (t) => {
  const limit = await oms.request('POST', '/orders', { body: restingBuy({ client_order_id: 'amend-kind-limit' }) });
  const stop_on_limit = await oms.request('PATCH', `/orders/${limit.body.order_id}`, { body: { stop_price: 46000 } });
  t.equal(stop_on_limit.status, 400, 'a stop price on a limit order');
  t.equal(stop_on_limit.body.code, 'INVALID_PRICE');
  const stop = await oms.request('POST', '/orders', {
    body: { symbol: 'BTCUSDT', side: 'buy', quantity: 0.01, order_type: 'STOP', stop_price: 46000, client_order_id: 'amend-kind-stop' },
  });
  t.equal(stop.status, 200);
  const price_on_stop = await oms.request('PATCH', `/orders/${stop.body.order_id}`, { body: { price: 46100 } });
  t.equal(price_on_stop.status, 400, 'a limit price on a stop (market) order');
  t.equal(price_on_stop.body.code, 'INVALID_PRICE');
  const moved = await oms.request('PATCH', `/orders/${stop.body.order_id}`, { body: { stop_price: 46050 } });
  t.equal(moved.status, 200, 'moving the stop price is fine');
  t.equal(moved.body.stop_price, 46050);
  t.equal((await oms.request('GET', `/orders/${limit.body.order_id}`)).body.status, 'ACCEPTED', 'the limit order is unchanged');
});

t.test('a replace resent with the same client_order_id returns the replacement marked duplicate', async (t) => {
  const a = await oms.request('POST', '/orders', { body: restingBuy({ client_order_id: 'resend-a' }) });
  const b = await oms.request('PATCH', `/orders/${a.body.order_id}`, { body: { price: 43970, client_order_id: 'resend-b' } });
  t.equal(b.status, 200);
  const before = await orderCount();
  const again = await oms.request('PATCH', `/orders/${a.body.order_id}`, { body: { price: 43970, client_order_id: 'resend-b' } });
  t.equal(again.status, 200, 'the resend after a lost answer is answered, not refused as final');
  t.match(again.body, { duplicate: true, order_id: b.body.order_id, orig_order_id: a.body.order_id, price: 43970 });
  t.equal(await orderCount(), before, 'no third order');
  const changed = await oms.request('PATCH', `/orders/${a.body.order_id}`, { body: { price: 43960, client_order_id: 'resend-b' } });
  t.equal(changed.status, 409, 'the same id with other terms');
  t.match(changed.body, { code: 'DUPLICATE_CLIENT_ORDER_ID', order_id: b.body.order_id });
  const fresh = await oms.request('PATCH', `/orders/${a.body.order_id}`, { body: { price: 43960, client_order_id: 'resend-c' } });
  t.equal(fresh.status, 409, 'a new replace of the replaced order');
  t.match(fresh.body, { code: 'ORDER_ALREADY_FINAL', order: { order_id: a.body.order_id, status: 'REPLACED' } });
});

t.test('GET /orders lists open orders with active_only=true and recent final ones too without it, newest first', async (t) => {
  const open = await oms.request('POST', '/orders', { body: restingBuy({ client_order_id: 'list-open' }) });
  const filled = await oms.request('POST', '/orders', { body: marketBuy({ client_order_id: 'list-filled' }) });
  const all = await oms.request('GET', '/orders');
  const active = await oms.request('GET', '/orders?active_only=true');
  t.equal(all.status, 200);
  t.equal(active.status, 200);
  t.equal(all.body.count, all.body.orders.length);
  t.equal(active.body.count, active.body.orders.length);
  const ids = (list: { order_id: string }[]) => list.map((o) => o.order_id);
  t.ok(ids(all.body.orders).includes(open.body.order_id) && ids(all.body.orders).includes(filled.body.order_id), 'both without active_only');
  t.ok(ids(active.body.orders).includes(open.body.order_id), 'the open order with active_only');
  t.notOk(ids(active.body.orders).includes(filled.body.order_id), 'not the filled one');
  t.ok(active.body.orders.every((o: { status: string }) => ['ACCEPTED', 'PARTIALLY_FILLED', 'NEW'].includes(o.status)), 'only open orders');
  const numbers = ids(all.body.orders).map(Number);
  t.same(numbers, [...numbers].sort((x, y) => y - x), 'newest first');
  t.ok(all.body.orders.every((o: { account: string }) => o.account === 'test'), 'only the caller\'s orders');
  const explicit = await oms.request('GET', '/orders?active_only=false&account=test');
  t.equal(explicit.body.count, all.body.count, 'active_only=false and the own account name change nothing');
});

t.test('GET /orders comes in pages of at most limit orders, newest first, that together hold every order once', async (t) => {
  for (let k = 0; k < 7; k++) await oms.request('POST', '/orders', { body: restingBuy({ client_order_id: `page-${k}` }) });
  const ids = (list: { order_id: string }[]) => list.map((o) => o.order_id);
  for (const active_only of [true, false]) {
    const whole = await oms.request('GET', `/orders?active_only=${active_only}&limit=10000`);
    t.ok(whole.body.count >= 7, `${whole.body.count} orders in one page of 10000`);
    t.notOk('next_after_order_id' in whole.body, 'and nothing after it');
    const paged: string[] = [];
    let cursor = '';
    for (let page = 0; page < 100; page++) {
      const answer = await oms.request('GET', `/orders?active_only=${active_only}&limit=3${cursor}`);
      t.equal(answer.status, 200);
      t.ok(answer.body.count <= 3 && answer.body.count === answer.body.orders.length, `page ${page}: ${answer.body.count} orders`);
      paged.push(...ids(answer.body.orders));
      if (answer.body.next_after_order_id === undefined) break;
      t.equal(answer.body.next_after_order_id, paged[paged.length - 1], 'the cursor is the last order of the page');
      cursor = `&after_order_id=${answer.body.next_after_order_id}`;
    }
    t.same(paged, ids(whole.body.orders), `active_only=${active_only}: the pages hold every order once, newest first`);
  }
  const first = await oms.request('GET', '/orders?limit=1');
  t.equal(first.body.count, 1);
  t.type(first.body.next_after_order_id, 'string');
});

t.test('GET /orders refuses a bad limit or cursor with 400 and a code', async (t) => {
  for (const [query, code] of [
    ['limit=0', 'VALUE_OUT_OF_RANGE'], ['limit=10001', 'VALUE_OUT_OF_RANGE'], ['limit=abc', 'INVALID_FIELD_TYPE'],
    ['limit=-1', 'INVALID_FIELD_TYPE'], ['limit=1.5', 'INVALID_FIELD_TYPE'], ['after_order_id=x', 'INVALID_FIELD_TYPE'],
    ['after_order_id=0', 'INVALID_FIELD_TYPE'],
  ]) {
    const answer = await oms.request('GET', `/orders?${query}`);
    t.equal(answer.status, 400, `${query}: 400`);
    t.match(answer.body, { success: false, code, reason: String }, `${query}: ${code}`);
  }
});

t.test('a wrong method answers 405 with Allow, and an unknown route 404', async (t) => {
  for (const [method, route, allow] of [['PUT', '/orders', 'POST, GET'], ['POST', '/orders/1', 'GET, DELETE, PATCH'], ['DELETE', '/orders', 'POST, GET']]) {
    const result = await oms.request(method, route, { body: {} });
    t.equal(result.status, 405, `${method} ${route}: 405`);
    t.equal(result.headers.get('allow'), allow);
    t.match(result.body, { success: false, code: 'UNKNOWN_ROUTE', reason: String });
  }
  for (const route of ['/order', '/orders/1/fills', '/', '/v1/orders']) {
    const result = await oms.request('GET', route);
    t.equal(result.status, 404, `GET ${route}: 404`);
    t.equal(result.body.code, 'UNKNOWN_ROUTE');
  }
});

t.test('the process is still running and logged no errors', async (t) => {
  t.ok(oms.alive, 'running');
  t.same(oms.problems(), [], 'no error lines');
});

t.test('every answer in these scenarios matches io/openapi.json and the reject catalogue', async (t) => {
  checkAnswers(t, OpenApiContract.load(), answers);
});
