/**
 * Portfolio limits against the real OMS with scripted marks (OMS_MARKET_DATA=manual): the
 * accounts file sets max_net_notional / max_gross_notional, GET /account shows them and
 * their use, orders over them are refused 422 PORTFOLIO_NET_LIMIT (419) or
 * PORTFOLIO_GROSS_LIMIT (420), a new mark moves the use, PUT /admin/limits changes them,
 * reduce-only orders pass; then the kill switch (HALTED plus cancel-all) survives a kill -9,
 * and /health/workers shows the global trading state. Every answer matches io/openapi.json.
 */
import t from 'tap';
import { OmsServer } from '../../../support/oms_server.js';
import { marketBuy, restingBuy, setKnownMarket } from '../fixtures/http_fixtures.js';
import { checkAnswers, OpenApiContract, recordAnswers } from '../fixtures/openapi_contract.js';

const dir = t.testdir({
  'accounts.json': JSON.stringify({
    defaults: { credit_limit: '10000000', max_open_orders: 100, rate_per_sec: 1000, burst: 1000, daily_loss_limit: '100000' },
    accounts: [
      { name: 'test', api_key: 'test-key', max_net_notional: '1000', max_gross_notional: '1500' },
      { name: 'demo2', api_key: 'demo2-key' },
    ],
  }),
});
const oms = await OmsServer.start({ env: { OMS_ACCOUNTS_FILE: `${dir}/accounts.json` } });
t.teardown(() => oms.cleanup());
const answers = recordAnswers(oms);
await setKnownMarket(oms);

const admin = (method: string, route: string, body?: unknown) => oms.request(method, route, { key: null, admin: true, body });
const usage = async () => (await oms.request('GET', '/account')).body.usage;

t.test('GET /account shows the portfolio limits and their use; no limit is null', async (t) => {
  const mine = await oms.request('GET', '/account');
  t.equal(mine.status, 200);
  t.match(mine.body.limits, { max_net_notional: 1000, max_gross_notional: 1500 });
  t.match(mine.body.usage, { gross_notional: 0, net_notional_long: 0, net_notional_short: 0, gross_notional_left: 1500, net_notional_left: 1000 });
  const other = await oms.request('GET', '/account', { key: 'demo2-key' });
  t.match(other.body.limits, { max_net_notional: null, max_gross_notional: null });
  t.match(other.body.usage, { gross_notional_left: null, net_notional_left: null });
});

t.test('orders across symbols count at the mark; over the net or the gross limit they are refused 422', async (t) => {
  // 0.01 BTC at the mark 45000 = 450; 0.2 ETH at 2500 = 500.
  t.equal((await oms.request('POST', '/orders', { body: restingBuy({ client_order_id: 'pf-1' }) })).status, 200);
  t.equal((await oms.request('POST', '/orders', { body: { symbol: 'ETHUSDT', side: 'buy', quantity: 0.2, price: 2400, client_order_id: 'pf-2' } })).status, 200);
  t.match(await usage(), { gross_notional: 950, net_notional_long: 950, net_notional_short: 0, net_notional_left: 50, gross_notional_left: 550 });
  const net = await oms.request('POST', '/orders', { body: restingBuy({ client_order_id: 'pf-3' }) });
  t.equal(net.status, 422);
  t.match(net.body, { code: 'PORTFOLIO_NET_LIMIT', reject_code: 419, order: { status: 'REJECTED', reject_name: 'PORTFOLIO_NET_LIMIT' } });
  t.match((await oms.request('POST', '/check', { body: restingBuy() })).body, { approved: false, code: 'PORTFOLIO_NET_LIMIT' }, '/check agrees');
  const sell = await oms.request('POST', '/orders', { body: restingBuy({ side: 'sell', price: 46000, client_order_id: 'pf-4' }) });
  t.equal(sell.status, 200, 'a sell is on the other side of the net: -450');
  const gross = await oms.request('POST', '/orders', { body: restingBuy({ side: 'sell', price: 46000, client_order_id: 'pf-5' }) });
  t.match(gross.body, { code: 'PORTFOLIO_GROSS_LIMIT', reject_code: 420 }, 'the net would be -900, but the gross 1400 + 450 > 1500');
  t.equal((await oms.request('POST', '/orders', { key: 'demo2-key', body: restingBuy({ quantity: 1, client_order_id: 'pf-demo2' }) })).status, 200,
    'demo2 has no portfolio limit');
});

t.test('a new mark revalues every open order and position', async (t) => {
  await oms.setMarket('BTCUSDT', { bid: 43999, ask: 44001, bid_size: 100000, ask_size: 100000 });
  t.match(await usage(), { gross_notional: 1380, net_notional_long: 940, net_notional_short: -440 }, 'BTC at 44000, nothing filled');
  await setKnownMarket(oms);
  t.match(await usage(), { gross_notional: 1400 });
});

t.test('PUT /admin/limits changes them at once; a reduce-only order is never refused by them', async (t) => {
  for (const id of ['pf-1', 'pf-2', 'pf-4']) {
    const order = (await oms.request('GET', `/orders?active_only=true`)).body.orders.find((o: { client_order_id: string }) => o.client_order_id === id);
    t.equal((await oms.request('DELETE', `/orders/${order.order_id}`)).status, 200, `${id} canceled`);
  }
  t.match(await usage(), { gross_notional: 0 }, 'cancels release it');
  t.equal((await oms.request('POST', '/orders', { body: marketBuy({ quantity: 0.02, client_order_id: 'pf-long' }) })).status, 200);
  const put = await admin('PUT', '/admin/limits', { accounts: { test: { max_gross_notional: '500', max_net_notional: null } } });
  t.equal(put.status, 200, put.text);
  t.match(put.body.accounts.find((a: { account: string }) => a.account === 'test'), { max_gross_notional: 500, max_net_notional: null });
  const plain = await oms.request('POST', '/orders', { body: restingBuy({ side: 'sell', price: 46000, client_order_id: 'pf-plain' }) });
  t.match(plain.body, { code: 'PORTFOLIO_GROSS_LIMIT' }, 'a plain sell is new risk: 900 + 450 > 500');
  const reduce = await oms.request('POST', '/orders', { body: restingBuy({ side: 'sell', price: 46000, reduce_only: true, client_order_id: 'pf-ro' }) });
  t.equal(reduce.status, 200, 'a reduce-only sell passes');
  const bad = await admin('PUT', '/admin/limits', { accounts: { test: { max_gross_notional: '-1' } } });
  t.match(bad.body, { code: 'VALUE_OUT_OF_RANGE' }, 'a negative limit is refused');
});

t.test('the kill switch is HALTED plus cancel-all, shows on /health/workers, and a kill -9 keeps it', async (t) => {
  const open = (await oms.request('GET', '/orders?active_only=true')).body.count;
  t.ok(open > 0, 'test has open orders');
  const kill = await admin('POST', '/admin/trading-state', { state: 'HALTED', cancel_open_orders: true });
  t.equal(kill.status, 200, kill.text);
  t.ok(kill.body.canceled_orders >= open, `canceled ${kill.body.canceled_orders}`);
  t.equal((await oms.request('GET', '/orders?active_only=true')).body.count, 0);
  t.match((await oms.request('GET', '/health/workers', { key: null })).body.trading, { global_trading_state: 'HALTED', accounts_halted: 0 });
  await oms.kill9();
  await oms.launch();
  await setKnownMarket(oms);
  t.match((await oms.request('POST', '/orders', { body: restingBuy({ client_order_id: 'pf-after' }) })).body, { code: 'TRADING_HALTED' });
  t.equal((await oms.request('GET', '/orders?active_only=true')).body.count, 0, 'the cancels were journaled');
  t.match(await usage(), { gross_notional: 900 }, 'after recovery the position is valued at the mark again');
  t.equal((await admin('POST', '/admin/kill-switch', { engaged: false })).status, 200);
  t.match((await oms.request('GET', '/health/workers', { key: null })).body.trading, { global_trading_state: 'ACTIVE' });
});

t.test('the process is still running and logged no errors', async (t) => {
  t.ok(oms.alive, 'running');
  t.same(oms.problems(), [], 'no error lines');
});

t.test('every answer in these scenarios matches io/openapi.json and the reject catalogue', async (t) => {
  checkAnswers(t, OpenApiContract.load(), answers);
});
