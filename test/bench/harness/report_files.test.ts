import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { hgrmText, parseHgrm } from '../../../bench/harness/hgrm_file.js';
import { Histogram, newLatencyHistogram } from '../../../bench/harness/latency_histogram.js';
import { latencyByPercentileSvg } from '../../../bench/harness/svg_chart.js';
import { checkXml } from '../support/xml_check.js';

function histogram(base_us: number, count: number, tail_us: number): Histogram {
  const h = newLatencyHistogram();
  for (let k = 0; k < count; k++) h.recordValue(base_us + (k % 97));
  h.recordValue(tail_us);
  return h;
}

t.test('the SVG is well-formed XML with one series per scenario of the run', (t) => {
  const series = [
    { label: 'echo', histogram: histogram(50, 20_000, 5_000) },
    { label: 'http-json', histogram: histogram(400, 20_000, 90_000) },
    { label: 'a <quoted> & "odd" label', histogram: histogram(10, 100, 20) },
  ];
  const svg = latencyByPercentileSvg(series, 'run & title <1>');
  const elements = checkXml(svg);
  t.equal(elements[0].name, 'svg', 'the root is <svg>');
  const groups = elements.filter((e) => e.name === 'g' && e.attributes.class === 'series');
  t.same(groups.map((g) => g.attributes['data-label']), ['echo', 'http-json', 'a &lt;quoted&gt; &amp; &quot;odd&quot; label']);
  t.equal(elements.filter((e) => e.name === 'polyline').length, 3, 'one line per series');
  for (const line of elements.filter((e) => e.name === 'polyline')) {
    const points = line.attributes.points.split(' ').map((p) => p.split(',').map(Number));
    t.ok(points.length > 10, 'each line has points');
    t.ok(points.every(([x, y]) => Number.isFinite(x) && Number.isFinite(y)), 'every point is a number');
    t.ok(points.every((p, k) => k === 0 || p[0] >= points[k - 1][0]), 'x (percentile) never goes back');
    // Latency never falls as the percentile rises: y in SVG coordinates never increases.
    t.ok(points.every((p, k) => k === 0 || p[1] <= points[k - 1][1] + 1e-9), 'latency never falls with the percentile');
  }
  t.match(svg, /99\.9%/, 'the percentile axis is labelled the HdrHistogram way');
  t.end();
});

t.test('a scenario with no successful answer keeps its series and legend but draws no line', (t) => {
  const elements = checkXml(latencyByPercentileSvg([
    { label: 'echo', histogram: histogram(50, 1000, 900) },
    { label: 'nothing', histogram: newLatencyHistogram() },
  ], 'one empty'));
  t.equal(elements.filter((e) => e.name === 'g' && e.attributes.class === 'series').length, 2);
  t.equal(elements.filter((e) => e.name === 'polyline').length, 1);
  t.end();
});

t.test('.hgrm files parse: the percentile column rises and the #[Mean footer is there', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-hgrm-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'echo.latency-us.hgrm');
  const h = histogram(50, 50_000, 7_000);
  writeFileSync(path, hgrmText(h));
  const { rows, footer } = parseHgrm(readFileSync(path, 'utf8'));
  t.ok(rows.length > 20, `${rows.length} rows`);
  t.ok(rows.every((r, k) => k === 0 || r.percentile >= rows[k - 1].percentile), 'percentile column is monotonic');
  t.ok(rows.every((r, k) => k === 0 || r.value >= rows[k - 1].value), 'value column is monotonic');
  t.ok(rows.every((r, k) => k === 0 || r.total_count >= rows[k - 1].total_count), 'total count is monotonic');
  t.equal(rows[rows.length - 1].percentile, 1, 'ends at percentile 1.0');
  t.equal(rows[rows.length - 1].total_count, h.totalCount);
  t.ok(footer.some((line) => line.startsWith('#[Mean')), 'has the #[Mean footer');
  t.ok(footer.some((line) => line.startsWith('#[Max')), 'has the #[Max footer');
  t.end();
});
