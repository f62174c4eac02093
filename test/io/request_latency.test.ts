/**
 * RequestLatency binds each (protocol, type) histogram child once, at construction, and
 * observing a request only indexes an array: no label objects or strings per request.
 */
import t from 'tap';
import { REQUEST_KIND_LABELS, RequestKind, RequestLatency } from '../../io/request_latency.js';

t.test('every request kind has its own child, bound once, and observations land on it', (t) => {
  const bound: string[] = [];
  const seen = new Map<string, number[]>();
  const latency = new RequestLatency((protocol, type) => {
    const key = `${protocol}/${type}`;
    bound.push(key);
    seen.set(key, []);
    return { observe: (seconds) => seen.get(key)!.push(seconds) };
  });
  t.equal(bound.length, Object.keys(RequestKind).length, 'one child per kind');
  t.equal(new Set(bound).size, bound.length, 'no two kinds share labels');
  latency.observe(RequestKind.WS_CANCEL, 0.001);
  latency.observe(RequestKind.HTTP_CHECK, 0.002);
  latency.observe(RequestKind.WS_CANCEL, 0.003);
  t.equal(bound.length, REQUEST_KIND_LABELS.length, 'observing binds nothing more');
  t.same(seen.get('ws/cancel'), [0.001, 0.003]);
  t.same(seen.get('http/check'), [0.002]);
  t.same(seen.get('http/cancel'), []);
  t.end();
});
