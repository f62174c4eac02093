/**
 * HdrHistogram percentile-distribution files (.hgrm), the text format HdrHistogram's own
 * tools print and its online plotter reads. Values are microseconds (the unit scaling
 * ratio is 1), which the file name says, since the format itself carries no unit.
 */
import { Histogram } from './latency_histogram.js';

/** Five percentile ticks per half distance, HdrHistogram's default. */
const TICKS_PER_HALF_DISTANCE = 5;

export function hgrmText(histogram: Histogram): string {
  return histogram.outputPercentileDistribution(TICKS_PER_HALF_DISTANCE, 1);
}

export interface HgrmRow {
  readonly value: number;
  readonly percentile: number;
  readonly total_count: number;
}

/** Parses the rows of a .hgrm text (the header and the `#[...]` footer are skipped). */
export function parseHgrm(text: string): { rows: HgrmRow[]; footer: string[] } {
  const rows: HgrmRow[] = [];
  const footer: string[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed.startsWith('#')) {
      footer.push(trimmed);
      continue;
    }
    const parts = trimmed.split(/\s+/);
    if (parts.length < 3 || !/^[0-9.]+$/.test(parts[0])) continue;
    rows.push({ value: Number(parts[0]), percentile: Number(parts[1]), total_count: Number(parts[2]) });
  }
  return { rows, footer };
}
