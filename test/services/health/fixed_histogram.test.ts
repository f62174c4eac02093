import t from 'tap';
import { Registry } from 'prom-client';
import { FixedHistogram } from '../../../services/health/fixed_histogram.js';

const BOUNDS = [0.00001, 0.0001, 0.001];

async function scrape(histogram: FixedHistogram): Promise<string> {
  const registry = new Registry();
  registry.registerMetric(histogram.metric());
  return registry.metrics();
}

t.test('observations land in the first bucket whose bound they do not exceed, cumulative as Prometheus wants', async (t) => {
  const h = new FixedHistogram('oms_test_latency_seconds', 'test', ['protocol', 'type'], BOUNDS);
  const ws = h.series(['ws', 'new_order']);
  ws.observe(0.000005);
  ws.observe(0.00001); // on the bound: le is "less or equal"
  ws.observe(0.0005);
  ws.observe(2);
  const text = await scrape(h);
  const has = (line: string) => t.ok(text.includes(line), line);
  has('# TYPE oms_test_latency_seconds histogram');
  has('oms_test_latency_seconds_bucket{le="0.00001",protocol="ws",type="new_order"} 2');
  has('oms_test_latency_seconds_bucket{le="0.0001",protocol="ws",type="new_order"} 2');
  has('oms_test_latency_seconds_bucket{le="0.001",protocol="ws",type="new_order"} 3');
  has('oms_test_latency_seconds_bucket{le="+Inf",protocol="ws",type="new_order"} 4');
  has('oms_test_latency_seconds_count{protocol="ws",type="new_order"} 4');
  t.match(text, /oms_test_latency_seconds_sum\{protocol="ws",type="new_order"\} 2\.0005/);
});

t.test('each label set is its own series, bound once and found again by its labels', async (t) => {
  const h = new FixedHistogram('oms_test_latency_seconds', 'test', ['protocol', 'type'], BOUNDS);
  const http = h.series(['http', 'cancel']);
  t.equal(h.series(['http', 'cancel']), http, 'binding the same labels again returns the same series');
  http.observe(0.00005);
  h.observe({ protocol: 'http', type: 'cancel' }, 0.00005);
  h.series(['ws', 'cancel']);
  const text = await scrape(h);
  t.ok(text.includes('oms_test_latency_seconds_count{protocol="http",type="cancel"} 2'));
  t.ok(text.includes('oms_test_latency_seconds_count{protocol="ws",type="cancel"} 0'), 'a bound series with nothing observed shows zero');
});

t.test('a negative or NaN duration (a clock step) is not counted; bad set-ups are refused', async (t) => {
  const h = new FixedHistogram('oms_test_latency_seconds', 'test', ['operation'], BOUNDS);
  h.observe({ operation: 'x' }, -1);
  h.observe({ operation: 'x' }, NaN);
  t.ok((await scrape(h)).includes('oms_test_latency_seconds_count{operation="x"} 0'));
  t.throws(() => h.series(['a', 'b']), /labels operation expected/);
  t.throws(() => new FixedHistogram('n', 'h', [], [0.1, 0.1]), /must increase/);
});
