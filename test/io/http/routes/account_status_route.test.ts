/**
 * GET /account against the real OMS: the caller's own limits (overrides applied) beside
 * its current use as the engine's risk check counts it (open orders, exposure, rate
 * tokens, daily loss), authenticated like every account route, and asking takes no token.
 */
import t from 'tap';
import { OmsServer } from '../../../support/oms_server.js';
import { marketBuy, restingBuy, setKnownMarket } from '../fixtures/http_fixtures.js';
import { checkAnswers, OpenApiContract, recordAnswers } from '../fixtures/openapi_contract.js';

const dir = t.testdir({
  'accounts.json': JSON.stringify({
    defaults: { credit_limit: '100000', max_open_orders: 10, rate_per_sec: 1, burst: 20, modify_rate_per_sec: 2, modify_burst: 30, daily_loss_limit: '5000' },
    accounts: [
      { name: 'test', api_key: 'test-key', position_limits: { BTCUSDT: '3' } },
      { name: 'demo2', api_key: 'demo2-key' },
    ],
  }),
});
const oms = await OmsServer.start({ env: { OMS_ACCOUNTS_FILE: `${dir}/accounts.json` } });
t.teardown(() => oms.cleanup());
const answers = recordAnswers(oms);
await setKnownMarket(oms);

t.test('an account that has done nothing shows its limits, no use, and its whole burst of tokens', async (t) => {
  const result = await oms.request('GET', '/account', { key: 'demo2-key' });
  t.equal(result.status, 200);
  t.match(result.body, {
    success: true, account: 'demo2', quote_currency: 'USDT', trading: true, kill_switch: false, global_kill_switch: false,
    limits: { max_open_orders: 10, credit_limit: 100000, rate_per_sec: 1, burst: 20, modify_rate_per_sec: 2, modify_burst: 30, daily_loss_limit: 5000 },
    usage: {
      open_orders: 0, open_orders_left: 10, exposure: 0, credit_left: 100000, rate_tokens: 20, modify_rate_tokens: 30, daily_loss: 0,
      daily_loss_left: 5000,
    },
  });
});

t.test('open orders, exposure and tokens follow what the account does', async (t) => {
  t.equal((await oms.request('POST', '/orders', { body: restingBuy({ quantity: 0.5, client_order_id: 'acct-1' }) })).status, 200);
  t.equal((await oms.request('POST', '/orders', { body: restingBuy({ quantity: 0.25, client_order_id: 'acct-2' }) })).status, 200);
  t.equal((await oms.request('POST', '/orders', { body: marketBuy({ quantity: 0.1, client_order_id: 'acct-3' }) })).status, 200);
  const result = await oms.request('GET', '/account');
  t.equal(result.status, 200);
  t.match(result.body.limits, { position_limits: { BTCUSDT: '3', ETHUSDT: '1000000' } }, 'per-symbol position limits, the file\'s and the default');
  const usage = result.body.usage;
  t.equal(usage.open_orders, 2);
  t.equal(usage.open_orders_left, 8);
  // 0.75 resting at 44000 = 33000; a position of 0.1 at the last price 45000 (the mid of the known market) = 4500.
  t.equal(usage.exposure, 37500);
  t.equal(usage.credit_left, 62500);
  t.ok(usage.rate_tokens >= 17 && usage.rate_tokens <= 18, `three orders took three tokens (${usage.rate_tokens} left; one may have refilled)`);
  const again = await oms.request('GET', '/account');
  t.ok(again.body.usage.rate_tokens >= usage.rate_tokens, 'asking took no token');
  const other = await oms.request('GET', '/account', { key: 'demo2-key' });
  t.match(other.body.usage, { open_orders: 0, exposure: 0 }, 'another account sees only its own use');
});

t.test('a kill switch on the account shows as not trading', async (t) => {
  const kill = await oms.request('POST', '/admin/kill-switch', { key: null, admin: true, body: { account: 'demo2', engaged: true } });
  t.equal(kill.status, 200, kill.text);
  t.match((await oms.request('GET', '/account', { key: 'demo2-key' })).body, { trading: false, kill_switch: true, global_kill_switch: false });
  t.match((await oms.request('GET', '/account')).body, { trading: true, kill_switch: false }, 'the other account trades on');
});

t.test('a missing or unknown key is refused 401, and naming another account 403', async (t) => {
  t.equal((await oms.request('GET', '/account', { key: null })).body.code, 'MISSING_API_KEY');
  t.equal((await oms.request('GET', '/account', { key: 'no-such-key' })).body.code, 'UNKNOWN_API_KEY');
  const other = await oms.request('GET', '/account?account=demo2');
  t.equal(other.status, 403);
  t.equal(other.body.code, 'ACCOUNT_MISMATCH');
  t.equal((await oms.request('GET', '/account?account=test')).status, 200, 'naming its own account is fine');
});

t.test('the process is still running and logged no errors', async (t) => {
  t.ok(oms.alive, 'running');
  t.same(oms.problems(), [], 'no error lines');
});

t.test('every answer in these scenarios matches io/openapi.json and the reject catalogue', async (t) => {
  checkAnswers(t, OpenApiContract.load(), answers);
});
