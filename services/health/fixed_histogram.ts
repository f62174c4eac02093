/**
 * A Prometheus histogram with fixed buckets, observed on the io thread once per request
 * without allocating, hashing label values or formatting numbers.
 *
 * prom-client's own Histogram does all three on every `observe` (even through a bound
 * child: it rebuilds and hashes the label object, then keys the bucket by the bound's
 * string), which was 3-5% of the io thread's CPU at WebSocket saturation
 * (bench/README.md, "Third pass"). Here each label set is bound once to a series, a row
 * of bucket counts in a Float64Array; the counts become Prometheus text only when it
 * scrapes, through `histogramValues`, which the stage timer's metric shares.
 */
import type { Metric } from 'prom-client';

export interface HistogramSeries {
  observe(seconds: number): void;
}

/** One line of a metric's values, in the shape prom-client's registry renders. */
export interface MetricValue {
  readonly value: number;
  readonly labels: Record<string, string | number>;
  readonly metricName: string;
}

/**
 * A histogram's `_bucket`, `_sum` and `_count` lines for one series. `count_in(b)` is the
 * count of bucket b alone (b = bounds.length: above the last bound); the lines are cumulative.
 */
export function histogramValues(
  name: string, bounds_seconds: readonly number[], labels: Record<string, string>, count_in: (bucket: number) => number, sum_seconds: number,
): MetricValue[] {
  const values: MetricValue[] = [];
  let cumulative = 0;
  for (let b = 0; b <= bounds_seconds.length; b++) {
    cumulative += count_in(b);
    const le = b < bounds_seconds.length ? String(bounds_seconds[b]) : '+Inf';
    values.push({ metricName: `${name}_bucket`, labels: { le, ...labels }, value: cumulative });
  }
  values.push({ metricName: `${name}_sum`, labels, value: sum_seconds });
  values.push({ metricName: `${name}_count`, labels, value: cumulative });
  return values;
}

/** A metric the registry reads at scrape time (`registry.registerMetric`). */
export function scrapedHistogram<L extends string>(name: string, help: string, values: () => MetricValue[]): Metric<L> {
  const metric = {
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    get: async () => ({ name, help, type: 'histogram', aggregator: 'sum', values: values() }),
    reset: () => {},
  };
  return metric as unknown as Metric<L>;
}

/** Series bound at most, per histogram: each is a row of counts, kept forever. */
const MAX_SERIES = 64;

export class FixedHistogram {
  private readonly width: number;
  private readonly counts: Float64Array;
  private readonly sums = new Float64Array(MAX_SERIES);
  private readonly series_labels: Record<string, string>[] = [];
  private readonly by_key = new Map<string, HistogramSeries>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly label_names: readonly string[],
    readonly bounds_seconds: readonly number[],
  ) {
    for (let b = 1; b < bounds_seconds.length; b++) {
      if (!(bounds_seconds[b] > bounds_seconds[b - 1])) throw new Error(`${name}: bucket bounds must increase`);
    }
    this.width = bounds_seconds.length + 1;
    this.counts = new Float64Array(MAX_SERIES * this.width);
  }

  /** The series for these label values (in label_names order): bind once, observe often. */
  series(values: readonly string[]): HistogramSeries {
    if (values.length !== this.label_names.length) throw new Error(`${this.name}: labels ${this.label_names.join(', ')} expected`);
    const key = values.join('\u0000');
    const known = this.by_key.get(key);
    if (known !== undefined) return known;
    const index = this.series_labels.length;
    if (index === MAX_SERIES) throw new Error(`${this.name}: more than ${MAX_SERIES} label sets`);
    this.series_labels.push(Object.fromEntries(this.label_names.map((label, k) => [label, values[k]])));
    const series: HistogramSeries = { observe: (seconds) => this.observeAt(index, seconds) };
    this.by_key.set(key, series);
    return series;
  }

  /** Convenience for tests and rare callers: looks the series up by its labels. */
  observe(labels: Record<string, string>, seconds: number): void {
    this.series(this.label_names.map((label) => labels[label] ?? '')).observe(seconds);
  }

  metric(): Metric<string> {
    return scrapedHistogram(this.name, this.help, () => this.values());
  }

  private observeAt(index: number, seconds: number): void {
    if (!(seconds >= 0)) return; // NaN or negative: a clock step, not a latency
    const bounds = this.bounds_seconds;
    let b = 0;
    while (b < bounds.length && seconds > bounds[b]) b++;
    this.counts[index * this.width + b]++;
    this.sums[index] += seconds;
  }

  private values(): MetricValue[] {
    const values: MetricValue[] = [];
    for (let index = 0; index < this.series_labels.length; index++) {
      const row = index * this.width;
      values.push(...histogramValues(this.name, this.bounds_seconds, this.series_labels[index], (b) => this.counts[row + b], this.sums[index]));
    }
    return values;
  }
}
