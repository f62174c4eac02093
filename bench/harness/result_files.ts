/**
 * Writes a run's files under bench/results/<time>-<what>/ (or --out): one .hgrm per
 * scenario (every sample of every round, µs), latency_by_percentile.svg with every
 * scenario of the run, and summary.json (the JSON report). The default directory is
 * found from this file's compiled location, so dist/ and dist-c/ builds both write to
 * the repository's bench/results.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchReport } from './bench_report.js';
import { hgrmText } from './hgrm_file.js';
import { Histogram } from './latency_histogram.js';
import { ReportFiles, reportJson } from './report_json.js';
import { latencyByPercentileSvg } from './svg_chart.js';

export const DEFAULT_RESULTS_DIR = fileURLToPath(new URL('../../../bench/results/', import.meta.url));

export function runDirectoryName(what: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${what.replace(/[^A-Za-z0-9._-]+/g, '_')}`;
}

export function writeResultFiles(dir: string, report: BenchReport, histograms: ReadonlyMap<string, Histogram>): ReportFiles {
  mkdirSync(dir, { recursive: true });
  const hgrm: Record<string, string> = {};
  for (const [label, histogram] of histograms) {
    const path = join(dir, `${safe(label)}.latency-us.hgrm`);
    writeFileSync(path, hgrmText(histogram));
    hgrm[label] = path;
  }
  const svg = join(dir, 'latency_by_percentile.svg');
  const series = [...histograms].map(([label, histogram]) => ({ label, histogram }));
  writeFileSync(svg, latencyByPercentileSvg(series, report.title));
  const summary = join(dir, 'summary.json');
  const files: ReportFiles = { dir, svg, summary, hgrm };
  writeFileSync(summary, JSON.stringify(reportJson(report, files), null, 2) + '\n');
  return files;
}

function safe(label: string): string {
  return label.replace(/[^A-Za-z0-9._@-]+/g, '_');
}
