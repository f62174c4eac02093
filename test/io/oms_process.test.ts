/**
 * The OMS process as an operator meets it: durability modes, graceful shutdown, and
 * journal backpressure that turns into 503s at the edge rather than lost events.
 */
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { OmsServer } from '../support/oms_server.js';

async function market(oms: OmsServer): Promise<void> {
  await oms.setMarket('BTCUSDT', { bid: 44999, ask: 45001, bid_size: 100000, ask_size: 100000 });
}

t.test('SIGTERM lets in-flight orders finish, exits 0, and a restart finds every acknowledged order', async (t) => {
  const oms = await OmsServer.start();
  t.teardown(() => oms.cleanup());
  await market(oms);
  const burst = Array.from({ length: 40 }, (_, i) => oms.request('POST', '/orders', {
    body: { symbol: 'BTCUSDT', side: i % 2 === 0 ? 'buy' : 'sell', quantity: 0.01, price: i % 2 === 0 ? 44000 : 46000, client_order_id: `g-${i}` },
  }).catch(() => null));
  await new Promise((resolve) => setTimeout(resolve, 30));
  const started = Date.now();
  const code = await oms.stop();
  const results = await Promise.all(burst);
  t.equal(code, 0, 'exit code 0');
  t.ok(Date.now() - started < 15_000, 'shutdown is bounded');
  t.match(oms.logs, /shutting down/);
  const acked = results.filter((r) => r !== null && r.status === 200);
  t.ok(acked.length > 0, `orders in flight at SIGTERM were finished (${acked.length})`);
  t.same(results.filter((r) => r !== null && r.status !== 200 && r.status !== 503).map((r) => r!.status), [],
    'every answer is taken (200) or refused as shutting down (503)');
  await oms.launch();
  for (const r of acked) {
    const found = await oms.request('GET', `/orders/${r!.body.order_id}`);
    t.equal(found.status, 200, `order ${r!.body.order_id} acknowledged before SIGTERM is there after restart`);
  }
  await oms.stop();
});

t.test('OMS_DURABILITY=write journals without fsync and recovers after a process crash', async (t) => {
  const oms = await OmsServer.start({ env: { OMS_DURABILITY: 'write' } });
  t.teardown(() => oms.cleanup());
  await market(oms);
  const placed = await oms.request('POST', '/orders', { body: { symbol: 'BTCUSDT', side: 'buy', quantity: 0.5, price: 44000, client_order_id: 'w-1' } });
  t.equal(placed.status, 200);
  t.ok(fs.readdirSync(path.join(oms.data_dir, 'journal')).length > 0, 'the journal has a segment');
  await oms.kill9();
  await oms.launch();
  const found = await oms.request('GET', `/orders/${placed.body.order_id}`);
  t.equal(found.body.status, 'ACCEPTED', 'a process crash loses nothing in write mode (the OS still had the data)');
  await oms.stop();
});

t.test('OMS_DURABILITY=none writes nothing and starts empty after a restart', async (t) => {
  const oms = await OmsServer.start({ env: { OMS_DURABILITY: 'none' } });
  t.teardown(() => oms.cleanup());
  await market(oms);
  const placed = await oms.request('POST', '/orders', { body: { symbol: 'BTCUSDT', side: 'buy', quantity: 0.5, price: 44000 } });
  t.equal(placed.status, 200);
  t.notOk(fs.existsSync(path.join(oms.data_dir, 'journal')) && fs.readdirSync(path.join(oms.data_dir, 'journal')).length > 0, 'no journal files');
  await oms.stop();
  await oms.launch();
  const found = await oms.request('GET', `/orders/${placed.body.order_id}`);
  t.equal(found.status, 404, 'memory only: the order is gone, as documented');
  await oms.stop();
});

t.test('a journal that falls behind turns into 503 with Retry-After at the edge, and no acknowledged order is lost', async (t) => {
  // A lag bound of zero events makes every request that arrives while an fsync is in progress busy.
  const oms = await OmsServer.start({ env: { OMS_BUSY_JOURNAL_LAG: '0' } });
  t.teardown(() => oms.cleanup());
  await market(oms);
  const results = await Promise.all(Array.from({ length: 200 }, (_, i) => oms.request('POST', '/orders', {
    body: { symbol: 'BTCUSDT', side: i % 2 === 0 ? 'buy' : 'sell', quantity: 0.01, order_type: 'MARKET', client_order_id: `b-${i}` },
  })));
  const busy = results.filter((r) => r.status === 503);
  const ok = results.filter((r) => r.status === 200);
  t.equal(busy.length + ok.length, results.length, 'every request is either taken or refused as busy');
  t.ok(busy.length > 0, `some requests met backpressure (${busy.length} of ${results.length})`);
  for (const r of busy) {
    t.equal(r.body.code, 'ENGINE_BUSY');
    t.equal(r.headers.get('retry-after'), '1');
  }
  const workers = await oms.request('GET', '/health/workers', { key: null });
  t.ok(workers.body.workers.some((w: { name: string }) => w.name === 'journal'), '/health/workers lists the journal and its lag');
  await oms.kill9();
  await oms.launch();
  for (const r of ok) t.equal((await oms.request('GET', `/orders/${r.body.order_id}`)).status, 200);
  await oms.stop();
});
