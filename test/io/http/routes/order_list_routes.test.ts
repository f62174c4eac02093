/**
 * Contingent order lists over HTTP against the real OMS with scripted marks
 * (OMS_MARKET_DATA=manual): worked examples of OCO, OTO, OUO and BRACKET, GET and DELETE
 * /order-lists/:id, the list refused whole with the member named, the edge's refusals with
 * their catalogue codes, and every answer checked against io/openapi.json.
 */
import t from 'tap';
import { OmsServer } from '../../../support/oms_server.js';
import { expectRefusals, RefusalCase, until } from '../fixtures/http_fixtures.js';
import { checkAnswers, OpenApiContract, recordAnswers } from '../fixtures/openapi_contract.js';

const oms = await OmsServer.start();
t.teardown(() => oms.cleanup());
const answers = recordAnswers(oms);
const market = (last: number, extra: Record<string, number> = {}) =>
  oms.setMarket('BTCUSDT', { bid: last - 1, ask: last + 1, last, bid_size: 1000, ask_size: 1000, ...extra });
const btc = (body: Record<string, unknown>) => ({ symbol: 'BTCUSDT', quantity: 0.01, ...body });
const place = (body: Record<string, unknown>, key?: string) => oms.request('POST', '/order-lists', { body, key });
const readList = (id: string, key?: string) => oms.request('GET', `/order-lists/${id}`, { key });
/** Polls GET /order-lists/:id until `ready` holds for it. */
const once = (id: string, what: string, ready: (l: Record<string, any>) => boolean) =>
  until(what, async () => {
    const result = await readList(id);
    return ready(result.body) ? result.body as Record<string, any> : undefined;
  });

t.test('OCO: a take-profit and a stop-loss; the market reaches the take-profit and the stop-loss is canceled', async (t) => {
  await market(45000);
  const placed = await place({
    contingency: 'OCO', list_client_id: 'oco-1',
    orders: [btc({ side: 'sell', price: 46000, client_order_id: 'oco-1-tp' }), btc({ side: 'sell', order_type: 'STOP', trigger_price: 44000, client_order_id: 'oco-1-sl' })],
  });
  t.equal(placed.status, 200, placed.text);
  t.match(placed.body, { success: true, contingency: 'OCO', list_client_id: 'oco-1', list_status: 'EXECUTING', account: 'test' });
  t.match(placed.body.orders, [
    { client_order_id: 'oco-1-tp', status: 'ACCEPTED', list_id: placed.body.list_id },
    { client_order_id: 'oco-1-sl', status: 'ACCEPTED', order_type: 'STOP', list_id: placed.body.list_id },
  ]);
  const single = await oms.request('GET', `/orders/${placed.body.orders[0].order_id}`);
  t.equal(single.body.list_id, placed.body.list_id, 'GET /orders/:id names the list');
  await market(46001);
  const done = await once(placed.body.list_id, 'the OCO to finish', (l) => l.list_status === 'ALL_DONE');
  t.match(done.orders, [{ status: 'FILLED' }, { status: 'CANCELED', exec_reason: 'LIST_CONTINGENCY', filled_quantity: 0 }]);
  const again = await oms.request('DELETE', `/order-lists/${placed.body.list_id}`);
  t.equal(again.status, 409);
  t.match(again.body, { code: 'ORDER_LIST_ALREADY_DONE', order_list: { list_id: placed.body.list_id } });
});

t.test('OTO: the child is held until the parent fills, then released at what it filled', async (t) => {
  await market(45000);
  const placed = await place({
    contingency: 'OTO', list_client_id: 'oto-1',
    orders: [btc({ side: 'buy', price: 44500, quantity: 0.05 }), btc({ side: 'sell', price: 44800, quantity: 0.05 })],
  });
  t.equal(placed.status, 200, placed.text);
  const [parent, child] = placed.body.orders;
  t.match(child, { status: 'ACCEPTED', quantity: 0.05 });
  // A working sell at 44800 would fill at this bid; the held child does not.
  await market(44900);
  const fence = await oms.request('POST', '/orders', { body: btc({ side: 'buy', price: 41000, client_order_id: 'oto-fence' }) });
  t.equal(fence.status, 200);
  t.match((await readList(placed.body.list_id)).body.orders, [{ status: 'ACCEPTED' }, { status: 'ACCEPTED', filled_quantity: 0 }], 'held');
  await market(44499, { ask_size: 0.02 });
  await until('the partial fill', async () => ((await oms.request('GET', `/orders/${parent.order_id}`)).body.filled_quantity === 0.02 ? true : undefined));
  const canceled = await oms.request('DELETE', `/orders/${parent.order_id}`);
  t.equal(canceled.status, 200, canceled.text);
  const released = await until('the release', async () => {
    const body = (await oms.request('GET', `/orders/${child.order_id}`)).body;
    return body.quantity === 0.02 ? body : undefined;
  });
  t.match(released, { status: 'ACCEPTED', quantity: 0.02, remaining_quantity: 0.02 }, 'sized to the 0.02 the parent filled');
  await market(44900);
  await once(placed.body.list_id, 'the child to fill', (l) => l.orders[1].status === 'FILLED');
  t.equal((await oms.request('DELETE', `/orders/${fence.body.order_id}`)).status, 200);
});

t.test('BRACKET: the entry fills, the exits are released, the stop-loss fires and cancels the take-profit', async (t) => {
  await market(45000);
  const placed = await place({
    contingency: 'BRACKET',
    orders: [
      btc({ side: 'buy', order_type: 'MARKET' }),
      btc({ side: 'sell', price: 46000 }),
      btc({ side: 'sell', order_type: 'STOP', trigger_price: 44500 }),
    ],
  });
  t.equal(placed.status, 200, placed.text);
  const [entry, take_profit, stop_loss] = placed.body.orders;
  t.equal(entry.status, 'FILLED');
  await market(44400);
  const done = await once(placed.body.list_id, 'the stop-loss', (l) => l.list_status === 'ALL_DONE');
  t.match(done.orders, [
    { order_id: entry.order_id, status: 'FILLED' },
    { order_id: take_profit.order_id, status: 'CANCELED', exec_reason: 'LIST_CONTINGENCY' },
    { order_id: stop_loss.order_id, status: 'FILLED', triggered: true },
  ]);
});

t.test('OUO: a partial fill of one reduces the other by as much', async (t) => {
  await market(45000);
  const placed = await place({
    contingency: 'OUO',
    orders: [btc({ side: 'buy', price: 44000, quantity: 0.1 }), btc({ side: 'sell', price: 46000, quantity: 0.1 })],
  });
  t.equal(placed.status, 200, placed.text);
  await market(46001, { bid_size: 0.03 });
  const reduced = await once(placed.body.list_id, 'the reduction', (l) => l.orders[0].quantity === 0.07);
  t.match(reduced.orders, [{ status: 'ACCEPTED', quantity: 0.07 }, { status: 'PARTIALLY_FILLED', filled_quantity: 0.03 }]);
  const canceled = await oms.request('DELETE', `/order-lists/${placed.body.list_id}`);
  t.equal(canceled.status, 200, canceled.text);
  t.match(canceled.body, { canceled_orders: 2, list_status: 'ALL_DONE' });
});

t.test('a list is refused whole: a member over the collar names itself and nothing is placed', async (t) => {
  await market(45000);
  const before = (await oms.request('GET', '/orders?active_only=true')).body.count;
  const refused = await place({
    contingency: 'OCO', orders: [btc({ side: 'buy', price: 44000 }), btc({ side: 'sell', price: 90000 })],
  });
  t.equal(refused.status, 422, refused.text);
  t.match(refused.body, { success: false, code: 'PRICE_COLLAR', reason: /^orders\[1\]: .*nothing of the list was placed/ });
  t.equal((await oms.request('GET', '/orders?active_only=true')).body.count, before, 'no member was placed');
});

t.test('another account\'s list is answered as a missing one', async (t) => {
  await market(45000);
  const placed = await place({ contingency: 'OCO', orders: [btc({ side: 'buy', price: 44000 }), btc({ side: 'sell', price: 46000 })] });
  t.equal(placed.status, 200);
  t.equal((await readList(placed.body.list_id, 'demo2-key')).status, 404);
  t.match((await oms.request('DELETE', `/order-lists/${placed.body.list_id}`, { key: 'demo2-key' })).body, { code: 'UNKNOWN_ORDER_LIST' });
  t.equal((await oms.request('DELETE', `/order-lists/${placed.body.list_id}`)).status, 200);
  t.equal((await readList('999999')).status, 404);
});

t.test('bad lists are refused at the edge with their catalogue code and a reason', async (t) => {
  const two = [btc({ side: 'buy', price: 44000 }), btc({ side: 'sell', price: 46000 })];
  const cases: RefusalCase[] = [
    [{ orders: two }, 400, 'MISSING_FIELD', /contingency is required/],
    [{ contingency: 'OCA', orders: two }, 400, 'INVALID_ORDER_LIST', /OCO, OUO, OTO or BRACKET/],
    [{ contingency: 'OCO', orders: [two[0]] }, 400, 'INVALID_ORDER_LIST', /OCO and OUO take 2 orders/],
    [{ contingency: 'OTO', orders: [...two, ...two, two[0]] }, 400, 'INVALID_ORDER_LIST', /1 to 3 children/],
    [{ contingency: 'OCO', orders: two, note: 'x' }, 400, 'UNKNOWN_FIELD', /unknown field "note"/],
    [{ contingency: 'OCO', orders: [two[0], { ...two[1], colour: 'red' }] }, 400, 'UNKNOWN_FIELD', /^orders\[1\]: unknown field "colour"/],
    [{ contingency: 'OCO', orders: [btc({ side: 'buy', price: 44000, client_order_id: 'same' }), btc({ side: 'sell', price: 46000, client_order_id: 'same' })] },
      400, 'INVALID_ORDER_LIST', /used twice/],
    [{ contingency: 'OTO', orders: [two[0], { ...two[1], reduce_only: true }] }, 400, 'INVALID_ORDER_LIST', /held until its parent/],
    [{ contingency: 'BRACKET', orders: [two[0], two[1], btc({ side: 'sell', price: 43000 })] }, 400, 'INVALID_ORDER_LIST', /stop-loss/],
    [{ contingency: 'OCO', list_client_id: 'has space', orders: two }, 400, 'INVALID_CLIENT_ORDER_ID', /list_client_id/],
  ];
  await expectRefusals(t, place, cases);
});

t.test('the process is still running and logged no errors', async (t) => {
  t.ok(oms.alive, 'running');
  t.same(oms.problems(), [], 'no error lines');
});

t.test('every answer in these scenarios matches io/openapi.json and the reject catalogue', async (t) => {
  checkAnswers(t, OpenApiContract.load(), answers);
});
