/**
 * The operator routes behind the admin token: kill switches (global and per account:
 * they cancel open orders and refuse new ones until released), symbol halts, risk limits
 * swapped in at run time (effective on the very next order; an invalid change changes
 * nothing), the admin state, and on-demand snapshots.
 */
import fs from 'node:fs';
import t from 'tap';
import { ADMIN_TOKEN, OmsServer } from '../../../support/oms_server.js';
import { restingBuy, setKnownMarket } from '../fixtures/http_fixtures.js';
import { checkAnswers, OpenApiContract, recordAnswers } from '../fixtures/openapi_contract.js';

const oms = await OmsServer.start();
t.teardown(() => oms.cleanup());
const answers = recordAnswers(oms);
await setKnownMarket(oms);

const admin = (method: string, route: string, body?: unknown) => oms.request(method, route, { key: null, admin: true, body });
const state = async () => (await admin('GET', '/admin/state')).body;

t.test('every admin route answers 403 without the token, with a wrong one, or with only an API key', async (t) => {
  const routes = [['GET', '/admin/state'], ['GET', '/admin/limits'], ['PUT', '/admin/limits'], ['POST', '/admin/kill-switch'],
    ['POST', '/admin/halt'], ['POST', '/admin/trading-state'], ['POST', '/admin/snapshot'], ['POST', '/admin/market']];
  const attempts: [string, { key?: string | null; headers?: Record<string, string> }][] = [
    ['no token', { key: null }], ['an API key', {}], ['a wrong x-admin-token', { key: null, headers: { 'x-admin-token': 'guess' } }],
    ['a wrong bearer token', { key: null, headers: { authorization: 'Bearer guess' } }],
    ['the token without "Bearer"', { key: null, headers: { authorization: ADMIN_TOKEN } }],
  ];
  for (const [method, route] of routes) {
    for (const [name, options] of attempts) {
      const body = method === 'GET' ? undefined : { engaged: true, symbol: 'BTCUSDT', halted: true };
      const result = await oms.request(method, route, { ...options, body });
      t.equal(result.status, 403, `${method} ${route} with ${name}: 403`);
      t.equal(result.body.code, 'ADMIN_TOKEN_REQUIRED');
    }
  }
  const bearer = await oms.request('GET', '/admin/state', { key: null, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  t.equal(bearer.status, 200, 'the token as a bearer token works');
  t.match(await state(), { global_kill_switch: false, killed_accounts: [], halted_symbols: [] }, 'none of the refused calls changed anything');
});

t.test('an account kill switch is HALTED plus cancel-all: it cancels that account\'s open orders, refuses its new ones with 422, and is released', async (t) => {
  const mine = await oms.request('POST', '/orders', { body: restingBuy({ client_order_id: 'ks-1' }) });
  const theirs = await oms.request('POST', '/orders', { key: 'demo2-key', body: restingBuy({ client_order_id: 'ks-2' }) });
  const engaged = await admin('POST', '/admin/kill-switch', { account: 'test', engaged: true });
  t.equal(engaged.status, 200);
  t.match(engaged.body, { success: true, scope: 'test', engaged: true, state: 'HALTED', canceled_orders: 1 });
  t.match((await oms.request('GET', `/orders/${mine.body.order_id}`)).body, { status: 'CANCELED', exec_reason: 'KILL_SWITCH' });
  t.equal((await oms.request('GET', `/orders/${theirs.body.order_id}`, { key: 'demo2-key' })).body.status, 'ACCEPTED', 'demo2 keeps its order');
  const refused = await oms.request('POST', '/orders', { body: restingBuy() });
  t.equal(refused.status, 422);
  t.match(refused.body, { code: 'TRADING_HALTED', reject_code: 417, order: { status: 'REJECTED', reject_name: 'TRADING_HALTED' } });
  t.match((await oms.request('POST', '/check', { body: restingBuy() })).body, { approved: false, code: 'TRADING_HALTED' }, '/check agrees');
  t.match(await state(), { account_trading_states: { test: 'HALTED' } }, 'the account\'s trading state is HALTED');
  t.equal((await oms.request('POST', '/orders', { key: 'demo2-key', body: restingBuy() })).status, 200, 'demo2 still trades');
  t.same((await state()).killed_accounts, ['test']);
  const released = await admin('POST', '/admin/kill-switch', { account: 'test', engaged: false });
  t.match(released.body, { success: true, scope: 'test', engaged: false, state: 'ACTIVE', canceled_orders: 0 });
  t.equal((await oms.request('POST', '/orders', { body: restingBuy() })).status, 200, 'test trades again');
  t.same((await state()).killed_accounts, []);
});

t.test('the global kill switch cancels every account\'s open orders and refuses all new ones until released', async (t) => {
  const open_before = (await oms.request('GET', '/orders?active_only=true')).body.count
    + (await oms.request('GET', '/orders?active_only=true', { key: 'demo2-key' })).body.count;
  const engaged = await admin('POST', '/admin/kill-switch', { engaged: true });
  t.match(engaged.body, { success: true, scope: 'global', engaged: true, canceled_orders: open_before });
  for (const key of ['test-key', 'demo2-key']) {
    t.equal((await oms.request('GET', '/orders?active_only=true', { key })).body.count, 0, `${key}: nothing open`);
    const refused = await oms.request('POST', '/orders', { key, body: restingBuy() });
    t.equal(refused.status, 422);
    t.equal(refused.body.code, 'TRADING_HALTED');
  }
  t.match(await state(), { global_kill_switch: true, global_trading_state: 'HALTED' });
  await admin('POST', '/admin/kill-switch', { engaged: false });
  t.equal((await state()).global_kill_switch, false);
  t.equal((await oms.request('POST', '/orders', { body: restingBuy() })).status, 200, 'trading resumes');
});

t.test('kill switch requests that are malformed are refused without engaging anything', async (t) => {
  for (const [body, status, code] of [
    [{}, 400, 'INVALID_FIELD_TYPE'], [{ engaged: 'yes' }, 400, 'INVALID_FIELD_TYPE'], [{ account: 5, engaged: true }, 400, 'INVALID_FIELD_TYPE'],
    [{ account: 'nobody', engaged: true }, 404, 'UNKNOWN_ACCOUNT'], [null, 400, 'MALFORMED_BODY'], [[true], 400, 'MALFORMED_BODY'],
  ] as const) {
    const result = await admin('POST', '/admin/kill-switch', body);
    t.equal(result.status, status, `${JSON.stringify(body)}: ${status}`);
    t.equal(result.body.code, code);
  }
  t.match(await state(), { global_kill_switch: false, killed_accounts: [] });
});

t.test('a halted symbol refuses new orders with 422 while other symbols trade, until resumed', async (t) => {
  const halted = await admin('POST', '/admin/halt', { symbol: 'btcusdt', halted: true });
  t.equal(halted.status, 200);
  t.same(halted.body, { success: true, symbol: 'BTCUSDT', halted: true });
  const refused = await oms.request('POST', '/orders', { body: restingBuy() });
  t.equal(refused.status, 422);
  t.match(refused.body, { code: 'SYMBOL_HALTED', order: { status: 'REJECTED' } });
  t.equal((await oms.request('POST', '/orders', { body: { symbol: 'ETHUSDT', side: 'buy', quantity: 0.1, price: 2400 } })).status, 200, 'ETHUSDT trades');
  t.same((await state()).halted_symbols, ['BTCUSDT']);
  for (const [body, code] of [[{ halted: true }, 'MISSING_FIELD'], [{ symbol: 'BTCUSDT' }, 'INVALID_FIELD_TYPE'], [{ symbol: 'NOPE', halted: true }, 'UNKNOWN_SYMBOL'], [null, 'MALFORMED_BODY']] as const) {
    const bad = await admin('POST', '/admin/halt', body);
    t.equal(bad.status, 400, `${JSON.stringify(body)}: 400`);
    t.equal(bad.body.code, code);
  }
  t.same((await admin('POST', '/admin/halt', { symbol: 'BTCUSDT', halted: false })).body, { success: true, symbol: 'BTCUSDT', halted: false });
  t.equal((await oms.request('POST', '/orders', { body: restingBuy() })).status, 200, 'BTCUSDT trades again');
  t.same((await state()).halted_symbols, []);
});

t.test('new limits take effect on the next order, and resetting them restores the defaults', async (t) => {
  const before = (await admin('GET', '/admin/limits')).body;
  t.match(before, { success: true, version: Number, overrides: {}, symbols: Array, accounts: Array });
  t.equal((await oms.request('POST', '/orders', { body: restingBuy({ quantity: 0.6 }) })).status, 200, '0.6 BTC is fine by default');
  const put = await admin('PUT', '/admin/limits', { symbols: { BTCUSDT: { max_order_qty: '0.5' } }, accounts: { demo2: { max_open_orders: 1 } } });
  t.equal(put.status, 200);
  t.equal(put.body.version, before.version + 1);
  t.same(put.body.overrides, { symbols: { BTCUSDT: { max_order_qty: '0.5' } }, accounts: { demo2: { max_open_orders: 1 } } });
  t.equal(put.body.symbols.find((s: { symbol: string }) => s.symbol === 'BTCUSDT').max_order_qty, '0.5');
  const refused = await oms.request('POST', '/orders', { body: restingBuy({ quantity: 0.6 }) });
  t.equal(refused.status, 422, 'the very next order meets the new limit');
  t.equal(refused.body.code, 'MAX_ORDER_QTY');
  t.equal((await state()).limits_version, before.version + 1, '/admin/state shows the version');
  const reset = await admin('PUT', '/admin/limits', {});
  t.equal(reset.status, 200);
  t.same(reset.body.overrides, {});
  t.equal((await oms.request('POST', '/orders', { body: restingBuy({ quantity: 0.6 }) })).status, 200, 'back to the default limit');
});

t.test('invalid limits are refused with 400 and change nothing', async (t) => {
  t.equal((await admin('PUT', '/admin/limits', { symbols: { BTCUSDT: { max_order_qty: '0.5' } } })).status, 200);
  const before = (await admin('GET', '/admin/limits')).body;
  const invalid: [string, unknown, string][] = [
    ['a value that is not a decimal', { symbols: { BTCUSDT: { max_order_qty: 'lots' } } }, 'VALUE_OUT_OF_RANGE'],
    ['a negative rate', { accounts: { test: { rate_per_sec: -1 } } }, 'VALUE_OUT_OF_RANGE'],
    ['a fractional burst', { accounts: { test: { burst: 1.5 } } }, 'VALUE_OUT_OF_RANGE'],
    ['an integer limit as a string', { accounts: { test: { max_open_orders: '5' } } }, 'VALUE_OUT_OF_RANGE'],
    ['an off-lot quantity limit', { symbols: { BTCUSDT: { max_order_qty: '0.00001' } } }, 'VALUE_OUT_OF_RANGE'],
    ['an unknown symbol', { symbols: { DOGEUSDT: { max_order_qty: '1' } } }, 'UNKNOWN_SYMBOL'],
    ['a lower-case symbol', { symbols: { btcusdt: { max_order_qty: '1' } } }, 'UNKNOWN_SYMBOL'],
    ['an unknown account', { accounts: { nobody: { burst: 5 } } }, 'MALFORMED_BODY'],
    ['a misspelt symbol field', { symbols: { BTCUSDT: { max_qty: '1' } } }, 'MALFORMED_BODY'],
    ['a misspelt account field', { accounts: { test: { rate: 5 } } }, 'MALFORMED_BODY'],
    ['position limits that are not an object', { accounts: { test: { position_limits: 5 } } }, 'MALFORMED_BODY'],
    ['a position limit for an unknown symbol', { accounts: { test: { position_limits: { DOGEUSDT: '1' } } } }, 'UNKNOWN_SYMBOL'],
    ['symbols that are not an object', { symbols: 'BTCUSDT' }, 'MALFORMED_BODY'],
    ['an unknown top-level key', { limits: {} }, 'MALFORMED_BODY'],
    ['a JSON array', [], 'MALFORMED_BODY'],
    ['JSON null', null, 'MALFORMED_BODY'],
  ];
  for (const [name, body, code] of invalid) {
    const result = await admin('PUT', '/admin/limits', body);
    t.equal(result.status, 400, `${name}: 400`);
    t.equal(result.body.code, code, `${name}: ${code}`);
  }
  t.same((await admin('GET', '/admin/limits')).body, before, 'the limits, overrides and version are as they were');
  t.equal((await oms.request('POST', '/orders', { body: restingBuy({ quantity: 0.6 }) })).status, 422, 'the previous limit still holds');
  t.same(JSON.parse(fs.readFileSync(`${oms.data_dir}/limits-overrides.json`, 'utf8')), before.overrides, 'the saved overrides are the valid ones');
  await admin('PUT', '/admin/limits', {});
});

t.test('POST /admin/snapshot writes a verified snapshot and says where', async (t) => {
  const result = await admin('POST', '/admin/snapshot');
  t.equal(result.status, 200);
  t.match(result.body, { success: true, seq: Number, state_hash: Number, file: String, bytes: Number, ms: Number });
  t.ok(result.body.file.startsWith(oms.data_dir), 'inside the data directory');
  t.ok(fs.existsSync(result.body.file), 'the file exists');
  t.equal(fs.statSync(result.body.file).size, result.body.bytes);
});

t.test('the process is still running and logged no errors', async (t) => {
  t.ok(oms.alive, 'running');
  t.same(oms.problems(), [], 'no error lines');
});

t.test('every answer in these scenarios matches io/openapi.json and the reject catalogue', async (t) => {
  checkAnswers(t, OpenApiContract.load(), answers);
});
