/**
 * io/openapi.json and the server agree:
 *  1. every documented path + method has a route, and every route the server registers
 *     is documented: read from the router itself (Router.list) and, for routes the
 *     process adds at start-up, from the live server (a method no route has answers 405
 *     with Allow listing the methods a path has);
 *  2. the document's security matches what the server demands (API key: 401 without it;
 *     admin token: 403 without it; none: no credentials needed);
 *  3. a tour of every documented operation gets answers that validate against the
 *     documented schema for their status (the scenario files check theirs the same way).
 */
import t from 'tap';
import { buildRouter, HttpServerOptions } from '../../../io/http/http_server.js';
import { addManualMarketRoute } from '../../../io/http/routes/manual_market_route.js';
import { addAccountRoutes } from '../../../io/http/routes/account_routes.js';
import { addAccountStatusRoute } from '../../../io/http/routes/account_status_route.js';
import { addMetricsRoute } from '../../../io/http/routes/metrics_route.js';
import { addSnapshotRoute } from '../../../io/http/routes/snapshot_route.js';
import { addStateHashRoutes } from '../../../io/http/routes/state_hash_route.js';
import { OmsServer } from '../../support/oms_server.js';
import { restingBuy, setKnownMarket } from './fixtures/http_fixtures.js';
import { checkAnswers, KNOWN_GAPS, OpenApiContract, recordAnswers } from './fixtures/openapi_contract.js';

const contract = OpenApiContract.load();
const documented = new Set(contract.operations().map((o) => `${o.method} ${o.path}`));

/** Paths beside the ones every test tours, probed on the live server (and sub-paths that must not exist). */
const EXPECTED_SOON = ['/positions', '/pnl', '/metrics', '/metrics/stages', '/metrics/stages/window', '/positions/test', '/pnl/test'];

/** The routes as the process registers them: the shared router plus the routes oms_process adds (manual market data, snapshots). */
function registeredRoutes(): Set<string> {
  const unused = {} as never;
  const options: HttpServerOptions = {
    context: unused, admin: unused, limits: unused, probe: unused, log: unused,
    extra_routes: (router) => {
      addManualMarketRoute(router, unused, unused);
      addSnapshotRoute(router, unused, unused);
      addStateHashRoutes(router, unused, unused);
      addMetricsRoute(router, unused, unused);
      addAccountRoutes(router, unused, unused);
      addAccountStatusRoute(router, unused, unused);
    },
  };
  return new Set(buildRouter(options).list().map((r) => `${r.method} ${r.pattern.replace(/:([a-z_]+)/g, '{$1}')}`));
}

t.test('every documented operation has a route and every registered route is documented', async (t) => {
  const routed = registeredRoutes();
  t.ok(routed.size >= 18, `${routed.size} routes registered`);
  t.same([...documented].filter((op) => !routed.has(op)).sort(), [], 'documented but not served');
  t.same([...routed].filter((op) => !documented.has(op)).sort(), [], 'served but not documented');
});

const oms = await OmsServer.start();
t.teardown(() => oms.cleanup());
const answers = recordAnswers(oms);
await setKnownMarket(oms);

/** The methods the live server has for a path, from the Allow header of a 405 (empty for an unknown path). */
async function liveMethods(path: string): Promise<string[]> {
  const result = await oms.request('OPTIONS', path, { key: null });
  if (result.status === 404) return [];
  if (result.status !== 405) throw new Error(`OPTIONS ${path} answered ${result.status}, not 405 or 404`);
  return (result.headers.get('allow') ?? '').split(',').map((m) => m.trim()).filter((m) => m.length > 0);
}

const sample = (template: string) => template.replace('{order_id}', '1').replace('{list_id}', '1').replace('{symbol}', 'BTCUSDT');

t.test('the live server serves exactly the documented methods on every documented path', async (t) => {
  const templates = [...new Set(contract.operations().map((o) => o.path))];
  for (const template of templates) {
    const live = (await liveMethods(sample(template))).sort();
    const doc = contract.operations().filter((o) => o.path === template).map((o) => o.method).sort();
    t.same(live, doc, `${template}: ${doc.join(', ')}`);
  }
});

t.test('the positions, PnL and metrics paths are documented exactly as served', async (t) => {
  for (const path of EXPECTED_SOON) {
    const live = await liveMethods(path);
    const template = contract.templateOf(path);
    const doc = template === undefined ? [] : contract.operations().filter((o) => o.path === template).map((o) => o.method);
    t.same(live.sort(), doc.sort(), `${path}: served ${live.join(', ') || 'by nothing'}; documented ${doc.join(', ') || 'nowhere'}`);
  }
});

t.test('the documented security is what the server demands', async (t) => {
  for (const operation of contract.operations()) {
    const spec = contract.document.paths[operation.path][operation.method.toLowerCase()];
    const schemes = (spec.security ?? []).flatMap((s: Record<string, unknown>) => Object.keys(s));
    const body = ['GET', 'DELETE'].includes(operation.method) ? undefined : {};
    const result = await oms.request(operation.method, sample(operation.path), { key: null, body });
    const what = `${operation.method} ${operation.path} without credentials`;
    if (schemes.includes('ApiKey')) t.equal(result.status, 401, `${what}: 401 (ApiKey)`);
    else if (schemes.includes('AdminToken')) t.equal(result.status, 403, `${what}: 403 (AdminToken)`);
    else t.notOk([401, 403].includes(result.status), `${what}: no credentials needed (${result.status})`);
  }
});

t.test('a tour of every documented operation gets its documented success answer', async (t) => {
  const toured = new Set<string>();
  const call = async (method: string, template: string, route: string, options: Parameters<OmsServer['request']>[2] = {}) => {
    toured.add(`${method} ${template}`);
    const result = await oms.request(method, route, options);
    t.equal(result.status, 200, `${method} ${route}: 200`);
    return result;
  };
  const admin = { key: null, admin: true } as const;
  const placed = await call('POST', '/orders', '/orders', { body: restingBuy() });
  await call('GET', '/orders', '/orders?active_only=true');
  await call('GET', '/orders/{order_id}', `/orders/${placed.body.order_id}`);
  const replaced = await call('PATCH', '/orders/{order_id}', `/orders/${placed.body.order_id}`, { body: { price: 44001 } });
  await call('DELETE', '/orders/{order_id}', `/orders/${replaced.body.order_id}`);
  const list = await call('POST', '/order-lists', '/order-lists', {
    body: { contingency: 'OCO', list_client_id: 'tour-oco', orders: [restingBuy(), restingBuy({ side: 'sell', price: 46000 })] },
  });
  await call('GET', '/order-lists/{list_id}', `/order-lists/${list.body.list_id}`);
  await call('DELETE', '/order-lists/{list_id}', `/order-lists/${list.body.list_id}`);
  await call('POST', '/check', '/check', { body: restingBuy() });
  await call('GET', '/tickers', '/tickers', { key: null });
  await call('GET', '/ticker/{symbol}', '/ticker/BTCUSDT', { key: null });
  await call('GET', '/instruments', '/instruments', { key: null });
  await call('GET', '/account', '/account');
  await call('GET', '/health/live', '/health/live', { key: null });
  await call('GET', '/health/ready', '/health/ready', { key: null });
  await call('GET', '/health/workers', '/health/workers', { key: null });
  await call('POST', '/admin/kill-switch', '/admin/kill-switch', { ...admin, body: { account: 'demo2', engaged: true } });
  await call('POST', '/admin/kill-switch', '/admin/kill-switch', { ...admin, body: { account: 'demo2', engaged: false } });
  await call('POST', '/admin/halt', '/admin/halt', { ...admin, body: { symbol: 'SOLUSDT', halted: true } });
  await call('POST', '/admin/halt', '/admin/halt', { ...admin, body: { symbol: 'SOLUSDT', halted: false } });
  await call('POST', '/admin/trading-state', '/admin/trading-state', { ...admin, body: { account: 'demo2', state: 'REDUCING' } });
  await call('POST', '/admin/trading-state', '/admin/trading-state', { ...admin, body: { account: 'demo2', state: 'ACTIVE' } });
  await call('GET', '/admin/limits', '/admin/limits', admin);
  await call('PUT', '/admin/limits', '/admin/limits', { ...admin, body: { symbols: { SOLUSDT: { collar_bps: 500 } } } });
  await call('GET', '/admin/state', '/admin/state', admin);
  await call('POST', '/admin/snapshot', '/admin/snapshot', admin);
  const marker = await call('POST', '/admin/state-hash', '/admin/state-hash', admin);
  t.ok(marker.body.sequence > 0 && Number.isSafeInteger(marker.body.state_hash), 'a marker: its sequence and the hash');
  await call('GET', '/admin/state-hash', '/admin/state-hash', admin);
  await call('POST', '/admin/market', '/admin/market', { ...admin, body: { symbol: 'SOLUSDT', bid: 99.99, ask: 100.01 } });
  await call('GET', '/positions', '/positions');
  await call('GET', '/pnl', '/pnl');
  const metrics = await call('GET', '/metrics', '/metrics', { key: null });
  t.match(metrics.text, /^# HELP oms_/m, 'Prometheus text exposition');
  const stages = await call('GET', '/metrics/stages', '/metrics/stages', { key: null });
  t.equal(stages.body.unit, 'us', 'stage timing as JSON');
  const window = await call('POST', '/metrics/stages/window', '/metrics/stages/window', { key: null });
  t.ok(window.body.started_at_us > 0, 'a stage window started');
  await call('GET', '/metrics/stages/window', '/metrics/stages/window', { key: null });
  t.same([...documented].filter((op) => !toured.has(op)).sort(), [], 'the tour covered every documented operation');
});

t.test('every known gap names a documented operation', async (t) => {
  for (const gap of KNOWN_GAPS) t.ok(documented.has(`${gap.method} ${gap.path}`), `${gap.method} ${gap.path} ${gap.status}`);
});

t.test('every answer in these scenarios matches io/openapi.json and the reject catalogue', async (t) => {
  checkAnswers(t, contract, answers);
});
