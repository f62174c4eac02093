/**
 * GET /tickers and GET /ticker/:symbol in the seed system's shape, read from the mark
 * table the engine prices against; no API key needed. Marks are set by hand through
 * POST /admin/market (OMS_MARKET_DATA=manual), which these tests also cover.
 */
import t from 'tap';
import { OmsServer } from '../../../support/oms_server.js';
import { checkAnswers, OpenApiContract, recordAnswers } from '../fixtures/openapi_contract.js';

const oms = await OmsServer.start();
t.teardown(() => oms.cleanup());
const answers = recordAnswers(oms);

const SEED_KEYS = ['ask', 'bid', 'change_24h', 'last_price', 'symbol', 'timestamp', 'volume_24h'];

t.test('before any market data every symbol is listed with null prices', async (t) => {
  const result = await oms.request('GET', '/tickers', { key: null });
  t.equal(result.status, 200);
  t.same(result.body.map((x: { symbol: string }) => x.symbol), ['BTCUSDT', 'ETHUSDT', 'SOLUSDT']);
  for (const ticker of result.body) {
    t.same(Object.keys(ticker).sort(), SEED_KEYS, `${ticker.symbol}: exactly the seed's fields`);
    t.match(ticker, { last_price: null, bid: null, ask: null, volume_24h: 0, change_24h: 0, timestamp: null });
  }
});

t.test('a ticker shows the marks set, and change_24h follows the last price in percent', async (t) => {
  const set = await oms.request('POST', '/admin/market', { key: null, admin: true, body: { symbol: 'btcusdt', bid: 44999, ask: '45001' } });
  t.equal(set.status, 200);
  t.match(set.body, { success: true, symbol: 'BTCUSDT', bid: 44999, ask: 45001, last_price: 45000 }, 'last defaults to the mid');
  const one = await oms.request('GET', '/ticker/BTCUSDT', { key: null });
  t.equal(one.status, 200);
  t.same(Object.keys(one.body).sort(), SEED_KEYS);
  t.match(one.body, { symbol: 'BTCUSDT', bid: 44999, ask: 45001, last_price: 45000, change_24h: 0 });
  t.ok(Number.isFinite(Date.parse(one.body.timestamp)), 'an ISO timestamp');
  await oms.request('POST', '/admin/market', { key: null, admin: true, body: { symbol: 'BTCUSDT', last: 49500 } });
  const moved = await oms.request('GET', '/ticker/btcusdt', { key: null });
  t.equal(moved.body.change_24h, 10, 'up 10% from the first price');
  const all = await oms.request('GET', '/tickers', { key: null });
  t.same(all.body.find((x: { symbol: string }) => x.symbol === 'BTCUSDT'), moved.body, '/tickers agrees with /ticker/:symbol');
});

t.test('an unknown symbol answers 404 UNKNOWN_SYMBOL', async (t) => {
  for (const symbol of ['DOGEUSDT', 'BTC', '%20', 'BTCUSDT.']) {
    const result = await oms.request('GET', `/ticker/${symbol}`, { key: null });
    t.equal(result.status, 404, `${symbol}: 404`);
    t.match(result.body, { success: false, code: 'UNKNOWN_SYMBOL', reject_code: 108, reason: String });
  }
});

t.test('setting marks by hand needs the admin token and valid, on-grid values', async (t) => {
  const anonymous = await oms.request('POST', '/admin/market', { key: null, body: { symbol: 'ETHUSDT', bid: 1 } });
  t.equal(anonymous.status, 403);
  t.equal(anonymous.body.code, 'ADMIN_TOKEN_REQUIRED');
  const with_api_key = await oms.request('POST', '/admin/market', { body: { symbol: 'ETHUSDT', bid: 1 } });
  t.equal(with_api_key.status, 403, 'an API key is not the admin token');
  for (const [body, code] of [
    [{ bid: 1 }, 'MISSING_FIELD'], [{ symbol: 'NOPE', bid: 1 }, 'UNKNOWN_SYMBOL'], [{ symbol: 'ETHUSDT', bid: -1 }, 'INVALID_PRICE'],
    [{ symbol: 'ETHUSDT', bid: 'abc' }, 'INVALID_PRICE'], [{ symbol: 'ETHUSDT', bid: 2500.001 }, 'OFF_TICK'],
    [{ symbol: 'ETHUSDT', bid_size: 0.00001 }, 'OFF_LOT'], [null, 'MALFORMED_BODY'], [[], 'MALFORMED_BODY'],
  ] as const) {
    const result = await oms.request('POST', '/admin/market', { key: null, admin: true, body });
    t.equal(result.status, 400, `${JSON.stringify(body)}: 400`);
    t.equal(result.body.code, code, `${JSON.stringify(body)}: ${code}`);
  }
  t.match((await oms.request('GET', '/ticker/ETHUSDT', { key: null })).body, { bid: null, ask: null }, 'nothing was set');
});

t.test('the process is still running and logged no errors', async (t) => {
  t.ok(oms.alive, 'running');
  t.same(oms.problems(), [], 'no error lines');
});

t.test('every answer in these scenarios matches io/openapi.json and the reject catalogue', async (t) => {
  checkAnswers(t, OpenApiContract.load(), answers);
});
