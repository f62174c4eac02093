/**
 * Clients that vanish mid-request leave the server healthy, on uWebSockets.js and on the
 * node:http fallback: a client that sends headers and half a body and then disappears,
 * one that disappears partway through its headers or a chunked body, and one that closes
 * while its answer is being prepared. Afterwards the next requests work, the process is
 * running, and nothing in its log reports an error.
 */
import t from 'tap';
import { OmsServer } from '../../support/oms_server.js';
import { chunk, marketBuy, postHead, rawExchange, restingBuy, setKnownMarket } from './fixtures/http_fixtures.js';
import { checkAnswers, OpenApiContract, recordAnswers, RecordedAnswer } from './fixtures/openapi_contract.js';

const answers: RecordedAnswer[] = [];
const ORDER = JSON.stringify(restingBuy());

for (const transport of ['uws', 'node:http'] as const) {
  t.test(`on ${transport}`, async (t) => {
    const oms = await OmsServer.start({ env: transport === 'node:http' ? { OMS_FORCE_NODE_HTTP: '1' } : {} });
    t.teardown(() => oms.cleanup());
    recordAnswers(oms, answers);
    await setKnownMarket(oms);
    const port = oms.port;

    t.test('clients that send half a request and vanish', async (t) => {
      const vanishing = [
        [postHead('/orders', { content_length: ORDER.length }), ORDER.slice(0, 20)],
        [postHead('/orders', { content_length: 4000 }), 'x'.repeat(1000)],
        [postHead('/orders', 'chunked'), chunk(ORDER.slice(0, 30))],
        [postHead(`/orders/1`, { content_length: 50 }).replace('POST', 'PATCH'), '{"price"'],
        [postHead('/check', { content_length: ORDER.length }), ORDER.slice(0, ORDER.length - 1)],
        ['POST /orders HTTP/1.1\r\nhost: 127.0.0.1\r\nx-api-k'],
        ['GET /orders HTTP/1.1\r\nx-api-key: test-key\r\n'],
      ];
      for (const pieces of vanishing) {
        const exchange = await rawExchange(port, pieces, { destroy_after_ms: 0 });
        t.equal(exchange.received, '', `nothing answered to a half request: ${JSON.stringify(pieces[0].slice(0, 24))}...`);
      }
    });

    t.test('clients that close while their answer is being prepared', async (t) => {
      const before = (await oms.request('GET', '/orders')).body.count;
      const requests = [
        ...Array.from({ length: 10 }, (_, i) => [postHead('/orders', { content_length: Buffer.byteLength(JSON.stringify(restingBuy({ client_order_id: `gone-${i}` }))) }),
          JSON.stringify(restingBuy({ client_order_id: `gone-${i}` }))]),
        ['POST /admin/snapshot HTTP/1.1\r\nhost: 127.0.0.1\r\nx-admin-token: test-admin-token\r\ncontent-length: 0\r\n\r\n'],
        [postHead('/check', { content_length: ORDER.length }), ORDER],
      ];
      await Promise.all(requests.map((pieces) => rawExchange(port, pieces, { destroy_after_ms: 0 })));
      // The orders were whole requests: the server takes them even though nobody waits for the answer.
      const placed = await oms.request('GET', '/orders');
      t.ok(placed.body.count >= before, 'the read model is intact');
      const resend = await oms.request('POST', '/orders', { body: restingBuy({ client_order_id: 'gone-3' }) });
      t.equal(resend.status, 200, 'a client that reconnects and resends learns what happened');
      const copies = (await oms.request('GET', '/orders')).body.orders.filter((o: { client_order_id: string }) => o.client_order_id === 'gone-3');
      t.equal(copies.length, 1, `the vanished request and its resend make one order (the resend was ${resend.body.duplicate === true ? 'a duplicate' : 'the first to arrive'})`);
    });

    t.test('a crowd of vanishing clients does not disturb the clients that stay', async (t) => {
      const crowd = Array.from({ length: 60 }, (_, i) => rawExchange(port, i % 2 === 0
        ? [postHead('/orders', { content_length: 500 }), 'y'.repeat(i * 3)]
        : [postHead('/orders', { content_length: ORDER.length }), ORDER], { destroy_after_ms: i % 3 }));
      const staying = Array.from({ length: 20 }, (_, i) => oms.request('POST', '/orders', { body: marketBuy({ client_order_id: `stay-${i}` }) }));
      const [, results] = await Promise.all([Promise.all(crowd), Promise.all(staying)]);
      t.same(results.map((r) => r.status), results.map(() => 200), 'every staying client was answered');
      t.ok(results.every((r) => r.body.status === 'FILLED'), 'and filled');
    });

    t.test('afterwards the server is healthy: it answers, takes orders, and logged nothing bad', async (t) => {
      t.equal((await oms.request('GET', '/health/live', { key: null })).status, 200);
      t.equal((await oms.request('GET', '/health/ready', { key: null })).status, 200);
      const order = await oms.request('POST', '/orders', { body: marketBuy() });
      t.equal(order.status, 200);
      t.equal(order.body.status, 'FILLED');
      t.ok(oms.alive, 'the process is running');
      t.same(oms.problems(), [], 'no error, fatal or warning lines');
    });
  });
}

t.test('every answer in these scenarios matches io/openapi.json and the reject catalogue', async (t) => {
  checkAnswers(t, OpenApiContract.load(), answers);
});
