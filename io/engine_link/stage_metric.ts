/**
 * The stage timer's histograms as one Prometheus histogram, read when Prometheus scrapes:
 *
 *   oms_stage_latency_seconds{stage}   traced requests' time in each stage of the path
 *                                      (stage_timer.ts lists the stages); one request in
 *                                      OMS_STAGE_SAMPLE_EVERY is traced
 *
 * prom-client's own Histogram would be observed once per stage per traced request on the
 * io thread; this reads the counts the timer already keeps.
 */
import type { Metric } from 'prom-client';
import { STAGE_NAMES, StageTimer } from './stage_timer.js';

export const STAGE_METRIC_NAME = 'oms_stage_latency_seconds';

interface MetricValue {
  readonly value: number;
  readonly labels: Record<string, string | number>;
  readonly metricName: string;
}

export function stageLatencyMetric(timer: StageTimer): Metric<'stage'> {
  const help = `Traced requests' time in each stage, socket to durable answer (one in ${timer.sample_every} traced; 0: off)`;
  const metric = {
    name: STAGE_METRIC_NAME,
    help,
    type: 'histogram',
    aggregator: 'sum',
    get: async () => ({ name: STAGE_METRIC_NAME, help, type: 'histogram', aggregator: 'sum', values: stageValues(timer) }),
    reset: () => {},
  };
  return metric as unknown as Metric<'stage'>;
}

function stageValues(timer: StageTimer): MetricValue[] {
  const values: MetricValue[] = [];
  const bounds = timer.bucket_bounds_us;
  const width = bounds.length + 1;
  STAGE_NAMES.forEach((stage, k) => {
    let cumulative = 0;
    for (let b = 0; b < width; b++) {
      cumulative += timer.bucket_counts[k * width + b];
      const le = b < bounds.length ? String(bounds[b] / 1e6) : '+Inf';
      values.push({ metricName: `${STAGE_METRIC_NAME}_bucket`, labels: { le, stage }, value: cumulative });
    }
    values.push({ metricName: `${STAGE_METRIC_NAME}_sum`, labels: { stage }, value: timer.sums_us[k] / 1e6 });
    values.push({ metricName: `${STAGE_METRIC_NAME}_count`, labels: { stage }, value: cumulative });
  });
  return values;
}
