/**
 * Latency by percentile as an SVG, the way HdrHistogram's plotter draws it: the x axis
 * is the percentile on a log scale of 1/(1-p) (0%, 90%, 99%, 99.9%, ... equally spaced),
 * so the tail gets as much room as the median; one line per scenario of the run. The y
 * axis is log-scaled too, since a run can hold a 10 µs engine and a 10 ms stall.
 *
 * Self-contained (no external fonts or scripts) and well-formed XML; every series is a
 * `<g class="series" data-label="...">` holding one `<polyline>` (none if the scenario had
 * no successful answer to time).
 */
import { Histogram } from './latency_histogram.js';

export interface ChartSeries {
  readonly label: string;
  readonly histogram: Histogram;
}

const WIDTH = 960;
const HEIGHT = 560;
const MARGIN = { left: 80, right: 220, top: 50, bottom: 60 };
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
/** Points per decade of 1/(1-p). */
const STEPS_PER_DECADE = 20;
const PERCENTILE_TICKS: readonly [number, string][] = [
  [0, '0%'], [1, '90%'], [2, '99%'], [3, '99.9%'], [4, '99.99%'], [5, '99.999%'], [6, '99.9999%'], [7, '99.99999%'],
];

/** One point per step: x = log10(1 / (1 - p)), y = latency µs; ends at the maximum. */
export function percentileCurve(h: Histogram): { x: number; y: number }[] {
  if (h.totalCount === 0) return [];
  // Beyond 1/(1-p) = count the percentile is simply the maximum.
  const x_end = Math.max(Math.log10(h.totalCount), 0.5);
  const points: { x: number; y: number }[] = [];
  for (let k = 0; k * (1 / STEPS_PER_DECADE) < x_end; k++) {
    const x = k / STEPS_PER_DECADE;
    const percentile = 100 * (1 - 10 ** -x);
    points.push({ x, y: Math.max(1, h.getValueAtPercentile(percentile)) });
  }
  points.push({ x: x_end, y: Math.max(1, h.maxValue) });
  return points;
}

export function latencyByPercentileSvg(series: readonly ChartSeries[], title: string): string {
  const curves = series.map((s) => ({ label: s.label, points: percentileCurve(s.histogram) }));
  const all = curves.flatMap((c) => c.points);
  const x_max = Math.max(2, Math.ceil(Math.max(0, ...all.map((p) => p.x))));
  const y_min_decade = Math.floor(Math.log10(Math.min(...all.map((p) => p.y), 10)));
  const y_max_decade = Math.max(y_min_decade + 1, Math.ceil(Math.log10(Math.max(...all.map((p) => p.y), 10))));
  const plot_w = WIDTH - MARGIN.left - MARGIN.right;
  const plot_h = HEIGHT - MARGIN.top - MARGIN.bottom;
  const sx = (x: number) => MARGIN.left + (x / x_max) * plot_w;
  const sy = (y: number) => MARGIN.top + plot_h - ((Math.log10(y) - y_min_decade) / (y_max_decade - y_min_decade)) * plot_h;

  const out: string[] = [];
  out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`);
  out.push(`<title>${escapeXml(title)}</title>`);
  out.push(`<rect x="0" y="0" width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`);
  out.push(`<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="13">${escapeXml(title)}</text>`);
  // Grid and axes.
  out.push('<g class="axes" stroke="#cccccc" stroke-width="1">');
  for (const [x, label] of PERCENTILE_TICKS) {
    if (x > x_max) break;
    out.push(`<line x1="${f(sx(x))}" y1="${MARGIN.top}" x2="${f(sx(x))}" y2="${MARGIN.top + plot_h}"/>`);
    out.push(`<text x="${f(sx(x))}" y="${MARGIN.top + plot_h + 18}" text-anchor="middle" stroke="none" fill="#333333">${label}</text>`);
  }
  for (let d = y_min_decade; d <= y_max_decade; d++) {
    const y = sy(10 ** d);
    out.push(`<line x1="${MARGIN.left}" y1="${f(y)}" x2="${MARGIN.left + plot_w}" y2="${f(y)}"/>`);
    out.push(`<text x="${MARGIN.left - 8}" y="${f(y + 4)}" text-anchor="end" stroke="none" fill="#333333">${formatUs(10 ** d)}</text>`);
  }
  out.push('</g>');
  out.push(`<text x="${MARGIN.left + plot_w / 2}" y="${HEIGHT - 16}" text-anchor="middle">percentile (log scale of 1/(1-p))</text>`);
  out.push(`<text x="18" y="${MARGIN.top + plot_h / 2}" text-anchor="middle" transform="rotate(-90 18 ${MARGIN.top + plot_h / 2})">latency (log scale)</text>`);
  // Series and legend.
  curves.forEach((curve, k) => {
    const color = COLORS[k % COLORS.length];
    const points = curve.points.map((p) => `${f(sx(p.x))},${f(sy(p.y))}`).join(' ');
    out.push(`<g class="series" data-label="${escapeXml(curve.label)}">`);
    // A scenario with no successful answer has nothing to draw; its legend entry says so.
    if (curve.points.length > 0) out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${points}"/>`);
    out.push('</g>');
    const ly = MARGIN.top + 10 + k * 20;
    const lx = MARGIN.left + plot_w + 16;
    out.push(`<g class="legend"><line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" stroke="${color}" stroke-width="3"/>`
      + `<text x="${lx + 30}" y="${ly + 4}">${escapeXml(curve.label)}${curve.points.length === 0 ? ' (no answers to time)' : ''}</text></g>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function formatUs(us: number): string {
  if (us >= 1_000_000) return `${us / 1_000_000} s`;
  if (us >= 1000) return `${us / 1000} ms`;
  return `${us} µs`;
}

function f(value: number): string {
  return value.toFixed(1);
}
