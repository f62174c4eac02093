/**
 * The OMS process as an operator meets it: durability modes, graceful shutdown, and
 * journal backpressure that turns into 503s at the edge rather than lost events.
 */
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { OmsServer } from '../../support/oms_server.js';

async function market(oms: OmsServer): Promise<void> {
  await oms.setMarket('BTCUSDT', { bid: 44999, ask: 45001, bid_size: 100000, ask_size: 100000 });
}

t.test('SIGTERM lets in-flight orders finish, exits 0, and a restart finds every acknowledged order', async (t) => {
  const oms = await OmsServer.start();
  t.teardown(() => oms.cleanup());
  await market(oms);
  // Eight clients place orders back to back until the server refuses or goes away, so
  // orders are in flight whenever the signal lands, however slow the machine is today.
  type Answer = { status: number; body: any; after_signal: boolean };
  const answers: Answer[] = [];
  let signalled = false;
  let sent = 0;
  const client = async (lane: number): Promise<void> => {
    for (let i = 0; ; i++) {
      const id = `g-${lane}-${i}`;
      sent++;
      const r = await oms.request('POST', '/orders', {
        body: { symbol: 'BTCUSDT', side: i % 2 === 0 ? 'buy' : 'sell', quantity: 0.01, price: i % 2 === 0 ? 44000 : 46000, client_order_id: id },
      }).catch(() => null);
      if (r === null) return;
      answers.push({ status: r.status, body: r.body, after_signal: signalled });
      if (r.status !== 200) return;
    }
  };
  const lanes = Array.from({ length: 8 }, (_, lane) => client(lane));
  while (answers.length < 40) await new Promise((resolve) => setTimeout(resolve, 5));
  const started = Date.now();
  signalled = true;
  const code = await oms.stop();
  await Promise.all(lanes);
  t.equal(code, 0, 'exit code 0');
  t.ok(Date.now() - started < 15_000, 'shutdown is bounded');
  t.match(oms.logs, /shutting down/);
  t.match(oms.logs, /"orders":20000,"refused":0,"elapsed_ms":\d+,"msg":"the engine warmed up its hot loop before the first real order"/, 'the default start-up warm-up ran and was logged');
  const finished_after_signal = answers.filter((a) => a.after_signal && a.status === 200).length;
  t.ok(finished_after_signal > 0, `orders in flight at SIGTERM were answered 200 after it (${finished_after_signal} of ${sent} sent)`);
  t.same(answers.filter((a) => a.status !== 200 && a.status !== 503).map((a) => a.status), [],
    'every answer is taken (200) or refused as shutting down (503)');
  await oms.launch();
  for (const a of answers.filter((a) => a.status === 200)) {
    const found = await oms.request('GET', `/orders/${a.body.order_id}`);
    t.equal(found.status, 200, `order ${a.body.order_id} acknowledged before exit is there after restart`);
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
