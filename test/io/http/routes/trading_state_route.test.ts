/**
 * Trading states against the real OMS: POST /admin/trading-state (behind the admin token)
 * sets the global or an account's state; GET /account, GET /admin/state and /metrics show
 * it; REDUCING refuses plain orders 422 TRADING_REDUCING and takes reduce-only ones,
 * HALTED refuses all but cancels 422 TRADING_HALTED; after a kill -9 the journal restores
 * the states. Every answer matches io/openapi.json.
 */
import t from 'tap';
import { OmsServer } from '../../../support/oms_server.js';
import { marketBuy, restingBuy, setKnownMarket } from '../fixtures/http_fixtures.js';
import { checkAnswers, OpenApiContract, recordAnswers } from '../fixtures/openapi_contract.js';

const oms = await OmsServer.start();
t.teardown(() => oms.cleanup());
const answers = recordAnswers(oms);
await setKnownMarket(oms);

const admin = (method: string, route: string, body?: unknown) => oms.request(method, route, { key: null, admin: true, body });
const sell = (overrides: Record<string, unknown>) => restingBuy({ side: 'sell', price: 46000, ...overrides });

t.test('setting a state needs the admin token, a known state and a known account', async (t) => {
  const without = await oms.request('POST', '/admin/trading-state', { key: null, body: { state: 'HALTED' } });
  t.equal(without.status, 403);
  t.match((await admin('POST', '/admin/trading-state', { state: 'PAUSED' })).body, { code: 'VALUE_OUT_OF_RANGE' });
  t.match((await admin('POST', '/admin/trading-state', {})).body, { code: 'MISSING_FIELD' });
  t.match((await admin('POST', '/admin/trading-state', { state: 'HALTED', account: 'nobody' })).body, { code: 'UNKNOWN_ACCOUNT' });
  t.match((await admin('POST', '/admin/trading-state', { state: 'HALTED', scope: 'all' })).body, { code: 'UNKNOWN_FIELD' });
  t.match((await admin('GET', '/admin/state')).body, { global_trading_state: 'ACTIVE', account_trading_states: {} }, 'nothing changed');
});

t.test('REDUCING an account: plain orders refused 422 TRADING_REDUCING, reduce-only ones taken; GET /account shows it', async (t) => {
  t.equal((await oms.request('POST', '/orders', { body: marketBuy({ quantity: 0.03, client_order_id: 'ts-long' }) })).status, 200);
  const resting = await oms.request('POST', '/orders', { body: restingBuy({ client_order_id: 'ts-rest' }) });
  const set = await admin('POST', '/admin/trading-state', { account: 'test', state: 'reducing' });
  t.equal(set.status, 200, set.text);
  t.same(set.body, { success: true, scope: 'test', state: 'REDUCING', canceled_orders: 0 });
  const plain = await oms.request('POST', '/orders', { body: restingBuy({ client_order_id: 'ts-plain' }) });
  t.equal(plain.status, 422);
  t.match(plain.body, { code: 'TRADING_REDUCING', reject_code: 418 });
  const reduce = await oms.request('POST', '/orders', { body: sell({ quantity: 0.01, reduce_only: true, client_order_id: 'ts-ro' }) });
  t.equal(reduce.status, 200, 'a reduce-only sell is taken');
  t.equal((await oms.request('DELETE', `/orders/${resting.body.order_id}`)).status, 200, 'a cancel is taken');
  t.match((await oms.request('GET', '/account')).body, { trading: true, trading_state: 'REDUCING', account_trading_state: 'REDUCING', global_trading_state: 'ACTIVE' });
  t.match((await oms.request('GET', '/account', { key: 'demo2-key' })).body, { trading_state: 'ACTIVE' }, 'another account is untouched');
  t.equal((await oms.request('POST', '/orders', { key: 'demo2-key', body: restingBuy({ client_order_id: 'ts-demo2' }) })).status, 200);
});

t.test('HALTED globally: every account refused 422 TRADING_HALTED, even reduce-only; /admin/state and /metrics show it', async (t) => {
  t.equal((await admin('POST', '/admin/trading-state', { state: 'HALTED' })).status, 200);
  const refused = await oms.request('POST', '/orders', { key: 'demo2-key', body: restingBuy({ client_order_id: 'ts-halted' }) });
  t.match(refused.body, { code: 'TRADING_HALTED', reject_code: 417 });
  const reduce = await oms.request('POST', '/orders', { body: sell({ quantity: 0.01, reduce_only: true, client_order_id: 'ts-ro-halted' }) });
  t.match(reduce.body, { code: 'TRADING_HALTED' });
  t.match((await oms.request('GET', '/account')).body, { trading: false, trading_state: 'HALTED', account_trading_state: 'REDUCING', global_trading_state: 'HALTED' });
  t.match((await admin('GET', '/admin/state')).body, { global_trading_state: 'HALTED', account_trading_states: { test: 'REDUCING' } });
  const metrics = (await oms.request('GET', '/metrics', { key: null })).text;
  t.match(metrics, /oms_trading_state\{scope="global"\} 3/);
  t.match(metrics, /oms_trading_state\{scope="test"\} 2/);
  t.match(metrics, /oms_trading_state\{scope="demo2"\} 1/);
});

t.test('after a kill -9 the journal restores both states', async (t) => {
  await oms.kill9();
  await oms.launch();
  await setKnownMarket(oms);
  t.match((await admin('GET', '/admin/state')).body, { global_trading_state: 'HALTED', account_trading_states: { test: 'REDUCING' } });
  t.match((await oms.request('POST', '/orders', { key: 'demo2-key', body: restingBuy({ client_order_id: 'ts-after' }) })).body,
    { code: 'TRADING_HALTED' }, 'the engine refuses as before the crash');
  t.equal((await admin('POST', '/admin/trading-state', { state: 'ACTIVE' })).status, 200);
  t.match((await oms.request('POST', '/orders', { body: restingBuy({ client_order_id: 'ts-still' }) })).body,
    { code: 'TRADING_REDUCING' }, 'global ACTIVE again: the account is still REDUCING');
  t.equal((await admin('POST', '/admin/trading-state', { account: 'test', state: 'ACTIVE' })).status, 200);
  t.equal((await oms.request('POST', '/orders', { body: restingBuy({ client_order_id: 'ts-active' }) })).status, 200);
  t.match((await admin('GET', '/admin/state')).body, { global_trading_state: 'ACTIVE', account_trading_states: {} });
});

t.test('the process is still running and logged no errors', async (t) => {
  t.ok(oms.alive, 'running');
  t.same(oms.problems(), [], 'no error lines');
});

t.test('every answer in these scenarios matches io/openapi.json and the reject catalogue', async (t) => {
  checkAnswers(t, OpenApiContract.load(), answers);
});
