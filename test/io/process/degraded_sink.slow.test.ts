/**
 * A degraded sink must be visible to the operator, without stopping order entry: with its
 * Redis stopped, the real OMS process keeps /health/ready at 200 and keeps taking orders
 * (they are durable in the journal; the sink catches up from its cursor), but names the
 * sink as degraded, since when and with its last error, on /health/ready and
 * /health/workers, and sets oms_worker_degraded{worker="sink_redis"} to 1 on /metrics.
 * With Redis back, the sink catches up and every one of those clears.
 */
import t from 'tap';
import { workerLine } from '../../support/http_order_flow.js';
import { OmsServer } from '../../support/oms_server.js';
import { startRedisServer } from '../../support/servers.js';
import { restingBuy, setKnownMarket, until } from '../http/fixtures/http_fixtures.js';

const DEGRADED_GAUGE = /^oms_worker_degraded\{worker="sink_redis"\} (\d)$/m;

t.test('a Redis sink whose Redis is down is named degraded on /health/ready (still 200), /health/workers and /metrics, and clears when Redis is back', async (t) => {
  const redis = await startRedisServer(t);
  const oms = await OmsServer.start({ env: { REDIS_URL: redis.url } });
  t.teardown(() => oms.cleanup());
  await setKnownMarket(oms);
  let n = 0;
  const placeOrder = async () => {
    const answer = await oms.request('POST', '/orders', { body: restingBuy({ client_order_id: `d-${n++}` }) });
    t.equal(answer.status, 200, `order ${n} is taken`);
  };
  const caughtUp = async () => {
    const [sink, journal] = [await workerLine(oms, 'sink_redis'), await workerLine(oms, 'journal')];
    return sink.state === 'running' && sink.position === journal.position ? true : undefined;
  };
  await placeOrder();
  await until('the sink to deliver the first order', caughtUp, 10_000);
  t.same((await oms.request('GET', '/health/ready', { key: null })).body.degraded, [], 'nothing is degraded while Redis runs');

  const stopped_ms = Date.now();
  await redis.stop();
  await placeOrder();
  const ready = await until('ready to name the degraded sink', async () => {
    const answer = await oms.request('GET', '/health/ready', { key: null });
    // The state is shared memory; the error text comes by message, a moment later.
    return answer.body.degraded?.length > 0 && answer.body.degraded[0].last_error !== null ? answer : undefined;
  }, 10_000);
  t.equal(ready.status, 200, 'order entry stays ready: a downstream cache does not stop trading');
  t.equal(ready.body.status, 'ready');
  t.equal(ready.body.degraded.length, 1);
  const [degraded] = ready.body.degraded;
  t.match(degraded, { name: 'sink_redis', state: 'degraded', since: String, last_error: String, last_error_at: String });
  t.ok(Date.parse(degraded.since) >= stopped_ms - 1000, `degraded since ${degraded.since}, after Redis stopped`);
  t.match(degraded.last_error, /ECONNREFUSED|connect|redis/i, `with the error it is stuck on: ${degraded.last_error}`);

  const workers = (await oms.request('GET', '/health/workers', { key: null })).body;
  t.equal(workers.status, 'degraded');
  t.match(workers.degraded, [{ name: 'sink_redis', state: 'degraded', since: degraded.since }], '/health/workers lists it too');
  t.match(workers.workers.find((w: { name: string }) => w.name === 'sink_redis'),
    { state: 'degraded', state_since: degraded.since, last_error: { message: String, at: String } });
  t.equal(DEGRADED_GAUGE.exec((await oms.request('GET', '/metrics', { key: null })).text)?.[1], '1', 'oms_worker_degraded is 1');
  await placeOrder();

  await redis.start();
  await until('the sink to catch up once Redis is back', caughtUp, 20_000);
  const recovered = await oms.request('GET', '/health/ready', { key: null });
  t.equal(recovered.status, 200);
  t.same(recovered.body.degraded, [], 'ready no longer names it');
  t.same((await oms.request('GET', '/health/workers', { key: null })).body.degraded, [], 'nor does /health/workers');
  t.equal(DEGRADED_GAUGE.exec((await oms.request('GET', '/metrics', { key: null })).text)?.[1], '0', 'oms_worker_degraded is 0 again');
  await oms.stop();
});
