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
import { histogramValues, MetricValue, scrapedHistogram } from '../../services/health/fixed_histogram.js';
import { STAGE_NAMES, StageTimer } from './stage_timer.js';

export const STAGE_METRIC_NAME = 'oms_stage_latency_seconds';

export function stageLatencyMetric(timer: StageTimer): Metric<'stage'> {
  const help = `Traced requests' time in each stage, socket to durable answer (one in ${timer.sample_every} traced; 0: off)`;
  return scrapedHistogram(STAGE_METRIC_NAME, help, () => stageValues(timer));
}

function stageValues(timer: StageTimer): MetricValue[] {
  const bounds_seconds = timer.bucket_bounds_us.map((us) => us / 1e6);
  const width = bounds_seconds.length + 1;
  return STAGE_NAMES.flatMap((stage, k) =>
    histogramValues(STAGE_METRIC_NAME, bounds_seconds, { stage }, (b) => timer.bucket_counts[k * width + b], timer.sums_us[k] / 1e6));
}
