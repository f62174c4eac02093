import t from 'tap';
import { HttpResponseParser } from '../../../bench/load/http_response_parser.js';
import { indexOfClientOrderId, OrderRequestEncoder } from '../../../bench/load/order_request.js';

const encoder = new OrderRequestEncoder({ host: '127.0.0.1', port: 8080, id_prefix: 'bx1g0-' });

function request(index: number): string {
  const out = Buffer.alloc(encoder.byteLength(index));
  if (encoder.encodeInto(index, out, 0) !== out.length) throw new Error('encodeInto wrote a different length than byteLength');
  return out.toString('latin1');
}

t.test('each request is a complete POST /orders with the documented body and a matching Content-Length', (t) => {
  const text = request(7);
  const [head, body] = text.split('\r\n\r\n');
  t.match(head, /^POST \/orders HTTP\/1\.1\r\n/);
  t.match(head, /\r\nx-api-key: test-key\r\n/);
  t.equal(Number(/Content-Length: (\d+)/.exec(head)![1]), Buffer.byteLength(body));
  t.same(JSON.parse(body), {
    symbol: 'BTCUSDT', side: 'sell', quantity: 0.001, price: 45000, order_type: 'LIMIT', time_in_force: 'IOC',
    client_order_id: 'bx1g0-000000000007',
  });
  t.end();
});

t.test('sides alternate and every client order id is unique and decodes back to its index', (t) => {
  const ids = new Set<string>();
  for (let i = 0; i < 1000; i++) {
    const body = JSON.parse(request(i).split('\r\n\r\n')[1]) as { side: string; client_order_id: string };
    t.equal(body.side, i % 2 === 0 ? 'buy' : 'sell');
    ids.add(body.client_order_id);
    t.equal(indexOfClientOrderId(body.client_order_id, 'bx1g0-'), i);
  }
  t.equal(ids.size, 1000);
  t.end();
});

t.test('requests written back to back parse as separate pipelined messages', (t) => {
  // Reuse the response parser's framing idea: split the request stream by Content-Length.
  const parts = [request(0), request(1), request(2)].join('');
  let count = 0;
  const as_response = parts.replace(/POST \/orders HTTP\/1\.1/g, 'HTTP/1.1 200 OK');
  new HttpResponseParser(() => count++).feed(Buffer.from(as_response, 'latin1'));
  t.equal(count, 3);
  t.end();
});

t.test('an id prefix that would not fit the 40-character client order id is refused', (t) => {
  t.throws(() => new OrderRequestEncoder({ host: 'h', port: 1, id_prefix: 'x'.repeat(29) }));
  t.throws(() => new OrderRequestEncoder({ host: 'h', port: 1, id_prefix: 'bad prefix' }));
  t.end();
});
