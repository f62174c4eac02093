/**
 * The touched and trailing order types over HTTP against the real OMS with scripted marks
 * (OMS_MARKET_DATA=manual): worked examples per type, GET /orders/:id showing the trigger
 * where it is now, the refusals of bad combinations with their catalogue codes and reasons,
 * and every answer checked against io/openapi.json.
 */
import t from 'tap';
import { OmsServer } from '../../../support/oms_server.js';
import { expectRefusals, RefusalCase, until } from '../fixtures/http_fixtures.js';
import { checkAnswers, OpenApiContract, recordAnswers } from '../fixtures/openapi_contract.js';

const oms = await OmsServer.start();
t.teardown(() => oms.cleanup());
const answers = recordAnswers(oms);
const market = (last: number) => oms.setMarket('BTCUSDT', { bid: last - 1, ask: last + 1, last, bid_size: 1000, ask_size: 1000 });
const order = (body: Record<string, unknown>) => oms.request('POST', '/orders', { body: { symbol: 'BTCUSDT', quantity: 0.01, ...body } });
const read = (id: string) => oms.request('GET', `/orders/${id}`);
/** Polls GET /orders/:id until `ready` holds for it. */
const once = (id: string, what: string, ready: (o: Record<string, any>) => boolean) =>
  until(what, async () => {
    const result = await read(id);
    return ready(result.body) ? result.body as Record<string, any> : undefined;
  });

t.test('MARKET_IF_TOUCHED: a buy below the market waits, fires when the last falls to its trigger, and fills at the ask', async (t) => {
  await market(45000);
  const placed = await order({ side: 'buy', order_type: 'MARKET_IF_TOUCHED', trigger_price: 44900, client_order_id: 'mit-1' });
  t.equal(placed.status, 200, placed.text);
  t.match(placed.body, { status: 'ACCEPTED', order_type: 'MARKET_IF_TOUCHED', trigger_price: 44900, stop_price: 44900, triggered: false });
  await market(45100);
  t.match((await read(placed.body.order_id)).body, { status: 'ACCEPTED', triggered: false }, 'a rise does not fire it');
  await market(44900);
  const filled = await once(placed.body.order_id, 'the fill', (o) => o.status === 'FILLED');
  t.match(filled, { order_type: 'MARKET', triggered: true, trigger_price: 44900, average_fill_price: 44901 });
});

t.test('LIMIT_IF_TOUCHED: a sell above the market fires into a limit at its price', async (t) => {
  await market(45000);
  const placed = await order({ side: 'sell', order_type: 'LIMIT_IF_TOUCHED', trigger_price: 45100, price: 45105, client_order_id: 'lit-1' });
  t.equal(placed.status, 200, placed.text);
  await market(45100);
  const fired = await once(placed.body.order_id, 'the trigger', (o) => o.triggered === true);
  t.match(fired, { status: 'ACCEPTED', order_type: 'LIMIT', price: 45105, trigger_price: 45100 }, 'the bid 45099 is below its limit: it rests');
  await market(45106);
  await once(placed.body.order_id, 'the fill', (o) => o.status === 'FILLED');
});

t.test('TRAILING_STOP: the trigger shown on GET /orders/:id follows a rise, never a fall, and the order fires at it', async (t) => {
  await market(45000);
  const placed = await order({ side: 'sell', order_type: 'TRAILING_STOP', trailing_offset: 100, client_order_id: 'ts-1' });
  t.equal(placed.status, 200, placed.text);
  t.match(placed.body, { order_type: 'TRAILING_STOP', trigger_price: 44900, trailing_offset: 100, trailing_offset_type: 'PRICE', limit_offset: null });
  await market(45300);
  await once(placed.body.order_id, 'the trigger to follow', (o) => o.trigger_price === 45200);
  await market(45250);
  // A second order's acceptance is durable after the engine saw the 45250 mark.
  const fence = await order({ side: 'buy', price: 45000, client_order_id: 'ts-fence' });
  t.equal(fence.status, 200);
  t.match((await read(placed.body.order_id)).body, { trigger_price: 45200, triggered: false }, 'a fall does not pull it back');
  await market(45200);
  const filled = await once(placed.body.order_id, 'the fill', (o) => o.status === 'FILLED');
  t.match(filled, { order_type: 'MARKET', triggered: true, trigger_price: 45200, average_fill_price: 45199 });
  t.equal((await oms.request('DELETE', `/orders/${fence.body.order_id}`)).status, 200);
});

t.test('TRAILING_STOP_LIMIT in basis points: trigger and limit shown, the limit not amendable on its own, the trigger reset by a replace', async (t) => {
  await market(45000);
  const placed = await order({
    side: 'buy', order_type: 'TRAILING_STOP_LIMIT', trailing_offset: 100, trailing_offset_type: 'BASIS_POINTS', limit_offset: 5,
    client_order_id: 'tsl-1',
  });
  t.equal(placed.status, 200, placed.text);
  t.match(placed.body, {
    order_type: 'TRAILING_STOP_LIMIT', trigger_price: 45450, price: 45455, trailing_offset: 100, trailing_offset_type: 'BASIS_POINTS', limit_offset: 5,
  });
  const price = await oms.request('PATCH', `/orders/${placed.body.order_id}`, { body: { price: 45500 } });
  t.equal(price.status, 400);
  t.match(price.body, { code: 'INVALID_PRICE', reason: /follows its trigger/ });
  const reset = await oms.request('PATCH', `/orders/${placed.body.order_id}`, { body: { trigger_price: 45400, client_order_id: 'tsl-2' } });
  t.equal(reset.status, 200, reset.text);
  t.match(reset.body, { order_type: 'TRAILING_STOP_LIMIT', trigger_price: 45400, price: 45405 });
  t.equal((await oms.request('DELETE', `/orders/${reset.body.order_id}`)).status, 200);
});

t.test('bad combinations are refused with their catalogue code and a reason that names the field', async (t) => {
  const cases: RefusalCase[] = [
    [{ side: 'buy', order_type: 'MARKET_IF_TOUCHED' }, 400, 'TRIGGER_PRICE_REQUIRED', /MARKET_IF_TOUCHED orders need a trigger_price/],
    [{ side: 'sell', order_type: 'TRAILING_STOP' }, 400, 'TRAILING_OFFSET_REQUIRED', /need a trailing_offset/],
    [{ side: 'sell', order_type: 'TRAILING_STOP_LIMIT', trailing_offset: 10 }, 400, 'LIMIT_OFFSET_REQUIRED', /need a limit_offset/],
    [{ side: 'sell', order_type: 'TRAILING_STOP_LIMIT', trailing_offset: 10, limit_offset: 1, price: 45000 }, 400, 'LIMIT_OFFSET_REQUIRED', /not price/],
    [{ side: 'buy', price: 44000, trailing_offset: 10 }, 400, 'INVALID_TRAILING_OFFSET', /only allowed on trailing orders, not LIMIT/],
    [{ side: 'sell', order_type: 'TRAILING_STOP', trailing_offset: 0.5, trailing_offset_type: 'BASIS_POINTS' }, 400, 'INVALID_TRAILING_OFFSET', /whole number from 1 to 9999/],
    [{ side: 'sell', order_type: 'TRAILING_STOP', trailing_offset: 10, peg_offset_value: -10 }, 400, 'UNKNOWN_FIELD', /unknown field "peg_offset_value"/],
    [{ side: 'sell', order_type: 'TRAILING_STOP', trailing_offset: 45000 }, 422, 'PRICE_COLLAR', /./],
  ];
  await expectRefusals(t, order, cases);
});

t.test('the process is still running and logged no errors', async (t) => {
  t.ok(oms.alive, 'running');
  t.same(oms.problems(), [], 'no error lines');
});

t.test('every answer in these scenarios matches io/openapi.json and the reject catalogue', async (t) => {
  checkAnswers(t, OpenApiContract.load(), answers);
});
