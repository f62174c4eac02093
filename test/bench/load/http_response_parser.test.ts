import t from 'tap';
import { HttpProtocolError, HttpResponseParser } from '../../../bench/load/http_response_parser.js';

const PIPELINED = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"ok":true}'
  + 'HTTP/1.1 503 Service Unavailable\r\ncontent-length: 2\r\nRetry-After: 1\r\n\r\n{}'
  + 'HTTP/1.1 204 No Content\r\n\r\n'
  + 'HTTP/1.1 200 OK\r\nCONTENT-LENGTH:   0  \r\n\r\n';

function collect(feed: (parser: HttpResponseParser) => void): { status: number; body: string }[] {
  const seen: { status: number; body: string }[] = [];
  const parser = new HttpResponseParser((status, data, start, length) => seen.push({ status, body: data.toString('latin1', start, start + length) }));
  feed(parser);
  return seen;
}

const EXPECTED = [
  { status: 200, body: '{"ok":true}' },
  { status: 503, body: '{}' },
  { status: 204, body: '' },
  { status: 200, body: '' },
];

t.test('pipelined responses in one chunk come out in order with their bodies', (t) => {
  t.same(collect((p) => p.feed(Buffer.from(PIPELINED, 'latin1'))), EXPECTED);
  t.end();
});

t.test('the same stream fed one byte at a time gives the same responses', (t) => {
  const bytes = Buffer.from(PIPELINED, 'latin1');
  t.same(collect((p) => { for (let k = 0; k < bytes.length; k++) p.feed(bytes.subarray(k, k + 1)); }), EXPECTED);
  t.end();
});

t.test('every split point of the stream gives the same responses', (t) => {
  const bytes = Buffer.from(PIPELINED, 'latin1');
  for (let cut = 1; cut < bytes.length; cut++) {
    t.same(collect((p) => { p.feed(bytes.subarray(0, cut)); p.feed(bytes.subarray(cut)); }), EXPECTED, `cut at ${cut}`);
  }
  t.end();
});

t.test('chunked transfer encoding is refused, not mis-framed', (t) => {
  const parser = new HttpResponseParser(() => {});
  t.throws(() => parser.feed(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n')), HttpProtocolError);
  t.end();
});

t.test('a response without Content-Length is refused', (t) => {
  const parser = new HttpResponseParser(() => {});
  t.throws(() => parser.feed(Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nhello')), /no Content-Length/);
  t.end();
});

t.test('bytes that are not HTTP are refused', (t) => {
  const parser = new HttpResponseParser(() => {});
  t.throws(() => parser.feed(Buffer.from('SSH-2.0-OpenSSH\r\n\r\n')), HttpProtocolError);
  t.end();
});
