/**
 * Bodies over OMS_MAX_BODY_BYTES (4096 by default) are refused with 413, whether the
 * client declares the length or streams chunks, on uWebSockets.js and on the node:http
 * fallback alike. The client must read the 413 (not a reset connection) even while it is
 * still sending, and the server keeps serving: the connection is reusable once the body
 * has ended, and a body that never ends is cut off after a short grace period.
 */
import t, { Test } from 'tap';
import { OmsServer } from '../../support/oms_server.js';
import { chunk, firstStatus, marketBuy, postHead, rawExchange, setKnownMarket } from './fixtures/http_fixtures.js';
import { checkAnswers, OpenApiContract, recordAnswers, RecordedAnswer } from './fixtures/openapi_contract.js';

const CAP = 4096;
const answers: RecordedAnswer[] = [];

/** A JSON order padded with spaces to exactly `bytes` bytes. */
function paddedOrder(bytes: number): string {
  const json = JSON.stringify(marketBuy());
  return json.slice(0, -1) + ' '.repeat(bytes - json.length) + '}';
}

/** A fetch body that arrives in chunks (transfer-encoding: chunked). */
function streamed(total: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= total) return controller.close();
      const piece = new TextEncoder().encode('x'.repeat(Math.min(8192, total - sent)));
      sent += piece.length;
      controller.enqueue(piece);
    },
  });
}

for (const transport of ['uws', 'node:http'] as const) {
  t.test(`on ${transport}`, async (t) => {
    const oms = await OmsServer.start({ env: transport === 'node:http' ? { OMS_FORCE_NODE_HTTP: '1' } : {} });
    t.teardown(() => oms.cleanup());
    recordAnswers(oms, answers);
    await setKnownMarket(oms);
    const serving = async (t: Test, why: string) => {
      const next = await oms.request('POST', '/orders', { body: marketBuy() });
      t.equal(next.status, 200, `the server keeps serving ${why}`);
    };

    t.test('a body of exactly the cap is read, one byte more is refused with 413', async (t) => {
      const at_cap = await oms.request('POST', '/orders', { raw: paddedOrder(CAP) });
      t.equal(at_cap.status, 200, `${CAP} bytes: placed`);
      const over = await oms.request('POST', '/orders', { raw: paddedOrder(CAP + 1) });
      t.equal(over.status, 413, `${CAP + 1} bytes: 413`);
      t.match(over.body, { success: false, code: 'BODY_TOO_LARGE', reject_code: 115, reason: String });
    });

    t.test('a declared content-length over the cap is refused with 413 on every route with a body', async (t) => {
      for (const [method, route] of [['POST', '/orders'], ['PATCH', '/orders/1'], ['POST', '/check'], ['PUT', '/admin/limits']]) {
        for (const size of [5000, 100_000, 1_000_000]) {
          const result = await oms.request(method, route, { raw: 'x'.repeat(size), admin: true });
          t.equal(result.status, 413, `${method} ${route}, ${size} bytes: 413`);
          t.equal(result.body?.code, 'BODY_TOO_LARGE');
        }
      }
      await serving(t, 'after refusing declared bodies');
    });

    t.test('a chunked body over the cap is refused with 413 while it is still arriving', async (t) => {
      // Sizes a loaded machine still streams well within the grace period (a body that takes longer is cut off, below).
      for (const size of [5000, 100_000, 400_000]) {
        const response = await fetch(`${oms.url}/orders`, {
          method: 'POST', headers: { 'x-api-key': 'test-key', 'content-type': 'application/json' }, body: streamed(size), duplex: 'half',
        } as RequestInit);
        t.equal(response.status, 413, `${size} bytes streamed: 413, not a broken pipe`);
        t.match(await response.json(), { code: 'BODY_TOO_LARGE' });
      }
      await serving(t, 'after refusing streamed bodies');
    });

    t.test('after a refused body that ends, the same connection serves the next request', async (t) => {
      const next = `GET /health/live HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n`;
      const declared = await rawExchange(oms.port, [postHead('/orders', { content_length: 8000 }), 'x'.repeat(8000), next], { until: /"status":"live"/, wait_ms: 10_000 });
      t.equal(firstStatus(declared.received), 413, 'content-length: 413 first');
      t.match(declared.received, /\{"status":"live"\}/, 'content-length: then the pipelined request is answered on the same connection');
      const chunked = await rawExchange(oms.port, [postHead('/orders', 'chunked'), chunk('y'.repeat(3000)), chunk('y'.repeat(3000)), chunk('y'.repeat(3000)), '0\r\n\r\n', next], { until: /"status":"live"/, wait_ms: 10_000 });
      t.equal(firstStatus(chunked.received), 413, 'chunked: 413 first');
      t.match(chunked.received, /\{"status":"live"\}/, 'chunked: then the pipelined request is answered on the same connection');
    });

    t.test('a client that keeps sending a huge body reads the 413 and is cut off after the grace period', async (t) => {
      const started = Date.now();
      const pieces = [postHead('/orders', { content_length: 50_000_000 }), ...Array.from({ length: 40 }, () => 'z'.repeat(4000))];
      const exchange = await rawExchange(oms.port, pieces, { wait_ms: 15_000 });
      t.equal(firstStatus(exchange.received), 413, 'the 413 arrived');
      t.match(exchange.received, /BODY_TOO_LARGE/);
      t.equal(exchange.ended, 'closed', 'the server closed the connection, rather than wait for the rest');
      t.ok(Date.now() - started < 10_000, `after the grace period (${Date.now() - started} ms)`);
      await serving(t, 'after cutting off a body that never ends');
    });

    t.test('the process is still running and logged no errors', async (t) => {
      t.ok(oms.alive, 'running');
      t.same(oms.problems(), [], 'no error lines');
    });
  });
}

t.test('every answer in these scenarios matches io/openapi.json and the reject catalogue', async (t) => {
  checkAnswers(t, OpenApiContract.load(), answers);
});
