/**
 * The human-readable report on stdout: one line per scenario (medians across rounds),
 * a "vs baseline" line of ratios under every scenario that has a baseline, then the
 * topology, the machine and how to read the numbers.
 */
import { BenchReport, ItemReport } from './bench_report.js';
import { GcStats } from './load_result.js';

const COLUMNS: readonly { title: string; width: number; cell: (i: ItemReport) => string; ratio?: (i: ItemReport) => number | null }[] = [
  { title: 'scenario', width: 14, cell: (i) => i.label },
  { title: 'mode', width: 7, cell: (i) => (i.summary?.mode === 'closed-loop' ? `closed` : 'open') },
  { title: 'rate/s', width: 9, cell: (i) => (i.summary?.rate == null ? `w${i.summary?.window ?? ''}` : num(i.summary.rate)) },
  { title: 'achieved/s', width: 11, cell: (i) => num(i.summary?.throughput), ratio: (i) => i.ratio_to_baseline?.throughput ?? null },
  { title: 'p50', width: 9, cell: (i) => latency(i, i.summary?.p50_us), ratio: (i) => i.ratio_to_baseline?.p50 ?? null },
  { title: 'p90', width: 9, cell: (i) => latency(i, i.summary?.p90_us), ratio: (i) => i.ratio_to_baseline?.p90 ?? null },
  { title: 'p99', width: 9, cell: (i) => latency(i, i.summary?.p99_us), ratio: (i) => i.ratio_to_baseline?.p99 ?? null },
  { title: 'p99.9', width: 9, cell: (i) => latency(i, i.summary?.p999_us), ratio: (i) => i.ratio_to_baseline?.p999 ?? null },
  { title: 'p99.99', width: 9, cell: (i) => latency(i, i.summary?.p9999_us), ratio: (i) => i.ratio_to_baseline?.p9999 ?? null },
  { title: 'max', width: 9, cell: (i) => latency(i, i.summary?.max_us), ratio: (i) => i.ratio_to_baseline?.max ?? null },
  { title: 'samples', width: 10, cell: (i) => num(i.summary?.samples) },
  { title: 'errors', width: 7, cell: (i) => num(i.summary?.errors) },
  { title: 'late p99', width: 9, cell: (i) => (i.summary?.mode === 'open-loop' ? us(i.summary.send_lateness_p99_us) : '-') },
];

export function renderTable(report: BenchReport): string {
  const lines: string[] = [];
  lines.push(report.title);
  lines.push('');
  lines.push(COLUMNS.map((c, k) => (k === 0 ? c.title.padEnd(c.width) : c.title.padStart(c.width))).join(' '));
  for (const item of report.items) {
    if (item.summary === null) {
      lines.push(`${item.label.padEnd(COLUMNS[0].width)} ${item.status.toUpperCase()}: ${item.reason ?? ''}`);
      continue;
    }
    lines.push(COLUMNS.map((c, k) => (k === 0 ? c.cell(item).padEnd(c.width) : c.cell(item).padStart(c.width))).join(' '));
    if (item.ratio_to_baseline !== null) {
      lines.push(COLUMNS.map((c, k) => {
        if (k === 0) return `  vs ${item.ratio_to_baseline!.baseline}`.padEnd(c.width);
        const r = c.ratio?.(item) ?? null;
        return (c.ratio === undefined ? '' : r === null ? '-' : `x${r}`).padStart(c.width);
      }).join(' '));
    }
    if (item.status !== 'ok') lines.push(`  ${item.status.toUpperCase()} after ${item.rounds} round(s): ${item.reason ?? ''}`);
  }
  if (report.sweep !== null) {
    lines.push('');
    lines.push(`sweep (p99 budget ${report.sweep.p99_budget_us} µs):`);
    for (const step of report.sweep.steps) {
      lines.push(`  ${num(step.rate).padStart(9)}/s  achieved ${num(step.throughput).padStart(9)}/s  p99 ${us(step.p99_us).padStart(9)} µs  `
        + `errors ${step.errors}  ${step.held ? 'held' : `broke: ${step.why_not}`}`);
    }
    lines.push(`  highest rate that held: ${report.sweep.max_rate_held === null ? 'none' : `${num(report.sweep.max_rate_held)}/s`}`);
  }
  lines.push('');
  lines.push('Latencies in µs. Open loop: from each order\'s intended send time (coordinated omission corrected);'
    + ' closed loop (--saturate): from the actual send, for throughput only.');
  const rounds = report.settings.rounds;
  lines.push(`Medians across ${rounds} round(s) (scenario and baseline alternate); max, samples and errors over all rounds.`
    + ' "vs" rows: scenario / baseline. "late p99": how late orders left the generator against their intended time'
    + ' (generator delay, plus waiting for a free place when --pipeline caps requests in flight); already inside the latency.');
  lines.push(`Durability (OMS_DURABILITY): ${report.settings.durability}.`);
  lines.push(`Machine: ${report.machine.cores} cores (${report.machine.cpu_model}), ${report.machine.platform}, node ${report.machine.node}; `
    + `${report.machine.sharing}.`);
  lines.push('Topology:');
  const seen = new Set<string>();
  for (const item of report.items) {
    if (item.topology === null || seen.has(item.scenario)) continue;
    seen.add(item.scenario);
    lines.push(`  ${item.scenario}: ${item.topology.path}`);
    lines.push(`    server: ${item.topology.server}`);
    lines.push(`    load: ${item.topology.generator}`);
  }
  for (const item of report.items) {
    const gc = item.summary?.extra.engine_gc as GcStats | null | undefined;
    const before = item.summary?.extra.engine_gc_before_measuring as GcStats | null | undefined;
    if (gc !== undefined && gc !== null) {
      lines.push(`${item.label}: engine-side worker GC while measured: ${gcText(gc)}`
        + (before !== undefined && before !== null ? `; before (start-up and warm-up): ${gcText(before)}.` : '.'));
    }
  }
  return lines.join('\n') + '\n';
}

function gcText(gc: GcStats): string {
  return gc.count === 0 ? 'no collections' : `${gc.count} collections, ${gc.total_pause_us} µs total pause, longest ${gc.max_pause_us} µs`;
}

function num(value: number | null | undefined): string {
  if (value === null || value === undefined) return '-';
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/** A latency cell: '-' when the run has no successful answer to time. */
function latency(item: ItemReport, value: number | undefined): string {
  return item.summary === null || item.summary.samples === 0 ? '-' : us(value);
}

function us(value: number | null | undefined): string {
  if (value === null || value === undefined) return '-';
  return value >= 100 ? String(Math.round(value)) : value.toFixed(1).replace(/\.0$/, '');
}
