/**
 * Latency histograms: HdrHistogram (hdr-histogram-js) in whole microseconds, 3
 * significant digits, so every recorded value keeps 0.1% resolution from 1 µs to a
 * minute. Generators record into their own histogram and ship it to the parent as
 * HdrHistogram's compressed base64 encoding, which the parent decodes and merges.
 */
import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, Histogram } from 'hdr-histogram-js';

export type { Histogram };

/** Largest latency tracked without resizing: one minute. Larger values still record (auto-resize). */
export const LATENCY_TRACKED_MAX_US = 60_000_000;

export function newLatencyHistogram(): Histogram {
  return build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: LATENCY_TRACKED_MAX_US,
    numberOfSignificantValueDigits: 3,
    autoResize: true,
  });
}

/** Records a latency given in (fractional) microseconds; anything below 1 µs counts as 1 µs. */
export function recordLatencyUs(histogram: Histogram, latency_us: number): void {
  histogram.recordValue(latency_us < 1 ? 1 : Math.round(latency_us));
}

export function encodeHistogram(histogram: Histogram): string {
  return encodeIntoCompressedBase64(histogram);
}

export function decodeHistogram(encoded: string): Histogram {
  return decodeFromCompressedBase64(encoded);
}

/** A new histogram holding every value of `parts`. */
export function mergeHistograms(parts: readonly Histogram[]): Histogram {
  const merged = newLatencyHistogram();
  for (const part of parts) merged.add(part);
  return merged;
}
