/**
 * The two "not now" answers, each with Retry-After so a well-behaved client backs off:
 * 429 when an account sends faster than its rate limit (per account, refilled over
 * time), and 503 when the journal is behind and the edge refuses new work rather than
 * queue it. Neither loses or double-places anything.
 */
import t from 'tap';
import { OmsServer } from '../../support/oms_server.js';
import { marketBuy, restingBuy, setKnownMarket } from './fixtures/http_fixtures.js';
import { checkAnswers, OpenApiContract, recordAnswers, RecordedAnswer } from './fixtures/openapi_contract.js';

const answers: RecordedAnswer[] = [];

t.test('an account over its rate limit is answered 429 with Retry-After and the refused order, per account', async (t) => {
  // One order per second with a burst of two for "test"; "demo2" keeps the generous defaults.
  const dir = t.testdir({
    'accounts.json': JSON.stringify({
      defaults: { credit_limit: '100000000' },
      accounts: [
        { name: 'test', api_key: 'test-key', rate_per_sec: 1, burst: 2 },
        { name: 'demo2', api_key: 'demo2-key' },
      ],
    }),
  });
  const oms = await OmsServer.start({ env: { OMS_ACCOUNTS_FILE: `${dir}/accounts.json` } });
  t.teardown(() => oms.cleanup());
  recordAnswers(oms, answers);
  await setKnownMarket(oms);

  const results = [];
  for (let i = 0; i < 5; i++) results.push(await oms.request('POST', '/orders', { body: restingBuy({ client_order_id: `burst-${i}` }) }));
  t.same(results.map((r) => r.status), [200, 200, 429, 429, 429], 'the burst of two is taken, the rest throttled');
  for (const r of results.slice(2)) {
    t.equal(r.headers.get('retry-after'), '1', 'Retry-After');
    t.match(r.body, { success: false, code: 'THROTTLED', reject_code: 406, order: { status: 'REJECTED', reject_name: 'THROTTLED' } });
  }
  // Replaces draw on the account's modification budget (docs/ORDER_MODEL.md), here the
  // defaults of the same numbers: the first two are taken while new orders are throttled.
  const replaces = [];
  let live = results[0].body.order_id;
  for (let i = 0; i < 3; i++) {
    const replace = await oms.request('PATCH', `/orders/${live}`, { body: { price: 44001 - i } });
    replaces.push(replace);
    if (replace.status === 200) live = replace.body.order_id; // a replace makes a new order
  }
  t.same(replaces.map((r) => r.status), [200, 200, 429], 'replaces have a budget of their own, and are throttled past it');
  t.equal(replaces[2].headers.get('retry-after'), '1');
  const other = await oms.request('POST', '/orders', { key: 'demo2-key', body: restingBuy() });
  t.equal(other.status, 200, 'another account is not throttled by this one');
  const cancel = await oms.request('DELETE', `/orders/${results[1].body.order_id}`);
  t.equal(cancel.status, 200, 'a cancel is never throttled: a client can always reduce its risk');

  await new Promise((resolve) => setTimeout(resolve, 1200));
  const later = await oms.request('POST', '/orders', { body: restingBuy({ client_order_id: 'after-refill' }) });
  t.equal(later.status, 200, 'after a second the bucket has refilled');
  const resent = await oms.request('POST', '/orders', { body: restingBuy({ client_order_id: 'burst-0' }) });
  t.match(resent.body, { duplicate: true, order_id: results[0].body.order_id }, 'a resend of a taken order is answered from dedupe');
  t.same(oms.problems(), [], 'no error lines');
});

t.test('a journal that is behind makes the edge answer 503 ENGINE_BUSY with Retry-After on every engine route', async (t) => {
  // A lag bound of zero events: any request that arrives while an fsync is in progress is busy.
  const oms = await OmsServer.start({ env: { OMS_BUSY_JOURNAL_LAG: '0' } });
  t.teardown(() => oms.cleanup());
  recordAnswers(oms, answers);
  await setKnownMarket(oms);
  const resting = await oms.request('POST', '/orders', { body: restingBuy({ quantity: 1 }) });
  t.equal(resting.status, 200);
  const requests = Array.from({ length: 240 }, (_, i) => {
    switch (i % 4) {
      case 0: return oms.request('POST', '/orders', { body: marketBuy({ client_order_id: `busy-${i}` }) });
      case 1: return oms.request('POST', '/orders', { body: restingBuy({ price: 43000 + i, client_order_id: `busy-${i}` }) });
      case 2: return oms.request('POST', '/check', { body: marketBuy() });
      default: return oms.request('PATCH', `/orders/${resting.body.order_id}`, { body: { price: 44000 + i } });
    }
  });
  const results = await Promise.all(requests);
  const busy = results.filter((r) => r.status === 503);
  t.ok(busy.length > 0, `some requests met backpressure (${busy.length} of ${results.length})`);
  for (const r of busy) {
    t.equal(r.body.code, 'ENGINE_BUSY');
    t.equal(r.headers.get('retry-after'), '1');
  }
  // Replaces race one another on the same order, so 404/409 are fair answers for them too.
  const unexpected = results.filter((r) => ![200, 503, 404, 409].includes(r.status));
  t.same(unexpected.map((r) => `${r.status} ${r.text.slice(0, 120)}`), [], 'every answer is taken, busy, or a lost replace race');
  const placed = results.filter((r, i) => i % 4 < 2 && r.status === 200);
  for (const r of placed) {
    const stored = await oms.request('GET', `/orders/${r.body.order_id}`);
    t.equal(stored.body.client_order_id, r.body.client_order_id, `${r.body.client_order_id} is on record`);
  }
  const refused = results.filter((r, i) => i % 4 < 2 && r.status === 503).length;
  const list = await oms.request('GET', '/orders');
  t.equal(list.body.orders.filter((o: { client_order_id: string }) => o.client_order_id.startsWith('busy-')).length, placed.length,
    `no busy-refused order was placed anyway (${refused} refused)`);
  t.same(oms.problems(), [], 'no error lines');
});

t.test('every answer in these scenarios matches io/openapi.json and the reject catalogue', async (t) => {
  checkAnswers(t, OpenApiContract.load(), answers);
});
