/**
 * GET /instruments against the real OMS: every traded symbol with the grids and sizes a
 * client needs, and the numbers published are the numbers enforced (an order one lot over
 * max_quantity is refused, one tick off the grid is refused), following halts and
 * operator limit changes.
 */
import t from 'tap';
import { OmsServer } from '../../../support/oms_server.js';
import { restingBuy, setKnownMarket } from '../fixtures/http_fixtures.js';
import { checkAnswers, OpenApiContract, recordAnswers } from '../fixtures/openapi_contract.js';

const oms = await OmsServer.start();
t.teardown(() => oms.cleanup());
const answers = recordAnswers(oms);
await setKnownMarket(oms);

async function instrument(symbol: string) {
  const result = await oms.request('GET', '/instruments', { key: null });
  return result.body.instruments.find((i: { symbol: string }) => i.symbol === symbol);
}

t.test('every traded symbol is listed, without an API key, with exact grids, sizes and decimals', async (t) => {
  const result = await oms.request('GET', '/instruments', { key: null });
  t.equal(result.status, 200);
  t.match(result.body, { success: true, quote_currency: 'USDT', count: 3, limits_version: 1 });
  t.same(result.body.instruments.map((i: { symbol: string }) => i.symbol), ['BTCUSDT', 'ETHUSDT', 'SOLUSDT']);
  t.same(result.body.instruments[0], {
    symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT', status: 'TRADING', tick_size: '0.01', lot_size: '0.0001',
    min_quantity: '0.0001', max_quantity: '100', max_notional: '5000000', collar_bps: 1000, price_decimals: 2, quantity_decimals: 4,
  });
  t.match(result.body.instruments[2], { symbol: 'SOLUSDT', lot_size: '0.01', quantity_decimals: 2 });
});

t.test('the published sizes are the ones enforced: one lot over max_quantity and one step off either grid are refused', async (t) => {
  const btc = await instrument('BTCUSDT');
  const over = Number(btc.max_quantity) + Number(btc.lot_size);
  t.equal((await oms.request('POST', '/orders', { body: restingBuy({ quantity: String(over) }) })).body.code, 'MAX_ORDER_QTY');
  t.equal((await oms.request('POST', '/orders', { body: restingBuy({ quantity: '0.00015' }) })).body.code, 'OFF_LOT');
  t.equal((await oms.request('POST', '/orders', { body: restingBuy({ price: '44000.005' }) })).body.code, 'OFF_TICK');
  const at_min = await oms.request('POST', '/orders', { body: restingBuy({ quantity: btc.min_quantity, client_order_id: 'inst-min' }) });
  t.equal(at_min.status, 200, 'min_quantity is accepted');
});

t.test('a halted symbol is listed HALTED until it is resumed', async (t) => {
  const halt = await oms.request('POST', '/admin/halt', { key: null, admin: true, body: { symbol: 'ETHUSDT', halted: true } });
  t.equal(halt.status, 200);
  t.equal((await instrument('ETHUSDT')).status, 'HALTED');
  t.equal((await instrument('BTCUSDT')).status, 'TRADING', 'other symbols keep trading');
  await oms.request('POST', '/admin/halt', { key: null, admin: true, body: { symbol: 'ETHUSDT', halted: false } });
  t.equal((await instrument('ETHUSDT')).status, 'TRADING');
});

t.test('an operator override of the maximum quantity is published with a new limits_version', async (t) => {
  const put = await oms.request('PUT', '/admin/limits', { key: null, admin: true, body: { symbols: { BTCUSDT: { max_order_qty: '2.5' } } } });
  t.equal(put.status, 200);
  const result = await oms.request('GET', '/instruments', { key: null });
  t.equal(result.body.limits_version, 2);
  t.equal(result.body.instruments[0].max_quantity, '2.5');
  t.equal((await oms.request('POST', '/orders', { body: restingBuy({ quantity: '2.5001' }) })).body.code, 'MAX_ORDER_QTY');
});

t.test('the process is still running and logged no errors', async (t) => {
  t.ok(oms.alive, 'running');
  t.same(oms.problems(), [], 'no error lines');
});

t.test('every answer in these scenarios matches io/openapi.json and the reject catalogue', async (t) => {
  checkAnswers(t, OpenApiContract.load(), answers);
});
