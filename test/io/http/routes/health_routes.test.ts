/**
 * Health routes answer without a key: /health/live (the process answers), /health/ready
 * (orders can be taken now) and /health/workers (each worker's state and lag). This OMS
 * runs without OMS_ADMIN_TOKEN, which also shows that the admin API is then closed.
 */
import t from 'tap';
import { OmsServer } from '../../../support/oms_server.js';
import { checkAnswers, OpenApiContract, recordAnswers } from '../fixtures/openapi_contract.js';

// OMS_BACKGROUND_NICE (default 0) set, to see the worker threads off the order path take it.
const oms = await OmsServer.start({ env: { OMS_ADMIN_TOKEN: '', OMS_BACKGROUND_NICE: '10' } });
t.teardown(() => oms.cleanup());
const answers = recordAnswers(oms);

t.test('/health/live answers 200 without a key, and with any key', async (t) => {
  for (const key of [null, 'test-key', 'garbage-key']) {
    const result = await oms.request('GET', '/health/live', { key });
    t.equal(result.status, 200);
    t.same(result.body, { status: 'live' });
  }
});

t.test('/health/ready answers 200 ready with no reasons when the engine and journal keep up', async (t) => {
  const result = await oms.request('GET', '/health/ready', { key: null });
  t.equal(result.status, 200);
  t.match(result.body, { status: 'ready', reasons: [], journal_lag: Number });
});

t.test('/health/workers lists each worker with its state, heartbeat age, processed count, lag and restarts', async (t) => {
  const result = await oms.request('GET', '/health/workers', { key: null });
  t.equal(result.status, 200);
  const by_name = new Map(result.body.workers.map((w: { name: string }) => [w.name, w]));
  for (const name of ['engine', 'journal']) {
    t.match(by_name.get(name), { state: 'running', heartbeat_age_ms: Number, processed: Number, lag: Number, restarts: 0 }, `${name} is running`);
  }
  for (const worker of result.body.workers) {
    t.match(worker, { name: String, state: String, processed: Number, lag: Number, restarts: Number }, `${worker.name}: the documented fields`);
  }
  // OMS_BACKGROUND_NICE=10: the PnL thread yields to the order path's threads.
  const nice = (name: string) => (by_name.get(name) as { thread_nice: number }).thread_nice;
  t.ok(nice('pnl') >= 10, `the PnL thread runs at nice ${nice('pnl')}`);
  t.equal(nice('engine'), nice('journal'), 'the engine and journal threads keep the process\'s');
  t.ok(nice('engine') < nice('pnl'), 'below the PnL thread\'s');
});

t.test('without OMS_ADMIN_TOKEN every admin route answers 403 and says the admin API is disabled', async (t) => {
  for (const [method, route] of [['GET', '/admin/state'], ['GET', '/admin/limits'], ['PUT', '/admin/limits'], ['POST', '/admin/kill-switch'],
    ['POST', '/admin/halt'], ['POST', '/admin/snapshot'], ['POST', '/admin/market']]) {
    const result = await oms.request(method, route, { key: null, body: method === 'GET' ? undefined : {}, headers: { authorization: 'Bearer ' } });
    t.equal(result.status, 403, `${method} ${route}: 403`);
    t.match(result.body, { code: 'ADMIN_TOKEN_REQUIRED', reason: /disabled/ });
  }
});

t.test('the process is still running and logged no errors', async (t) => {
  t.ok(oms.alive, 'running');
  t.same(oms.problems(), [], 'no error lines');
});

t.test('every answer in these scenarios matches io/openapi.json and the reject catalogue', async (t) => {
  checkAnswers(t, OpenApiContract.load(), answers);
});
