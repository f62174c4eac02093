/**
 * The human-readable report on stdout: one line per scenario (medians across rounds),
 * under it a "vs" line of ratios for each baseline it ran beside (echo, durable-echo...),
 * its server's CPU per order by thread, and for an OMS scenario its stage breakdown;
 * then the topology, the machine and how to read the numbers.
 */
import { OMS_SCENARIOS } from '../scenarios/scenario.js';
import { BenchReport, ItemReport, Ratio } from './bench_report.js';
import { EdgeSplitFigures, edgeSplitLine } from './edge_split.js';
import { GcStats } from './load_result.js';
import { SlowOrder, StageTable } from './stage_histograms.js';

const COLUMNS: readonly { title: string; width: number; cell: (i: ItemReport) => string; ratio?: (r: Ratio) => number | null }[] = [
  { title: 'scenario', width: 20, cell: (i) => i.label },
  { title: 'mode', width: 7, cell: (i) => (i.summary?.mode === 'closed-loop' ? `closed` : 'open') },
  { title: 'rate/s', width: 9, cell: (i) => (i.summary?.rate == null ? `w${i.summary?.window ?? ''}` : num(i.summary.rate)) },
  { title: 'achieved/s', width: 11, cell: (i) => num(i.summary?.throughput), ratio: (r) => r.throughput },
  { title: 'p50', width: 9, cell: (i) => latency(i, i.summary?.p50_us), ratio: (r) => r.p50 },
  { title: 'p90', width: 9, cell: (i) => latency(i, i.summary?.p90_us), ratio: (r) => r.p90 },
  { title: 'p99', width: 9, cell: (i) => latency(i, i.summary?.p99_us), ratio: (r) => r.p99 },
  { title: 'p99.9', width: 9, cell: (i) => latency(i, i.summary?.p999_us), ratio: (r) => r.p999 },
  { title: 'p99.99', width: 9, cell: (i) => latency(i, i.summary?.p9999_us), ratio: (r) => r.p9999 },
  { title: 'max', width: 9, cell: (i) => latency(i, i.summary?.max_us), ratio: (r) => r.max },
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
    for (const ratio of [item.ratio_to_baseline, item.ratio_to_durable_baseline]) {
      if (ratio === null) continue;
      lines.push(COLUMNS.map((c, k) => {
        if (k === 0) return `  vs ${ratio.baseline}`.padEnd(c.width);
        const r = c.ratio?.(ratio) ?? null;
        return (c.ratio === undefined ? '' : r === null ? '-' : `x${r}`).padStart(c.width);
      }).join(' '));
    }
    if (item.summary.cpu_us_per_order !== null) lines.push(threadLine('cpu µs/order', item.summary.cpu_us_per_order));
    if (item.summary.wait_us_per_order !== null) lines.push(threadLine('waiting for a core, µs/order', item.summary.wait_us_per_order));
    if ((OMS_SCENARIOS as readonly string[]).includes(item.scenario)) {
      lines.push(...stageLines(item.summary.stages, item.summary.stages_sample_every));
      const split = item.summary.extra.edge_split as EdgeSplitFigures | undefined;
      if (split !== undefined) lines.push(edgeSplitLine(split));
      lines.push(...slowestLines(item.summary.slowest_orders));
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
  lines.push('"cpu µs/order": CPU of each thread of the server process over the measured window (from /proc), per completed order;'
    + ' "other" is every thread without a role (GC helpers, libuv pool); medians across rounds, so the parts need not add up to the total.'
    + ' "waiting for a core": the same threads\' time runnable but waiting for a CPU (schedstat run delay), per order.'
    + ' Stage tables: the OMS\'s own latency by stage of the path (GET /metrics/stages), for the traced orders of every round together.');
  lines.push(`Durability (OMS_DURABILITY of the OMS, ECHO_DURABILITY of the durable echoes): ${report.settings.durability}.`);
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

/** The stage breakdown under an OMS scenario's line: one row per stage, in path order. */
function stageLines(stages: StageTable | null, sample_every: number | null): string[] {
  if (stages === null) return ['  stages: none (this OMS serves no GET /metrics/stages)'];
  const names = Object.keys(stages);
  const width = Math.max(5, ...names.map((n) => n.length));
  const traced = sample_every === 1 ? 'every order traced' : `1 order in ${sample_every ?? '?'} traced`;
  const lines = [`  stages (µs, ${traced}):`];
  lines.push(`    ${'stage'.padEnd(width)} ${'count'.padStart(9)} ${'p50'.padStart(9)} ${'p90'.padStart(9)} ${'p99'.padStart(9)} ${'p99.9'.padStart(9)} ${'max'.padStart(9)}`);
  for (const name of names) {
    const s = stages[name];
    lines.push(`    ${name.padEnd(width)} ${num(s.count).padStart(9)} ${us(s.p50_us).padStart(9)} ${us(s.p90_us).padStart(9)} ${us(s.p99_us).padStart(9)} ${us(s.p999_us).padStart(9)} ${us(s.max_us).padStart(9)}`);
  }
  return lines;
}

/**
 * Under the stage table: the window's slowest traced orders, one row each, with every
 * stage of that one order, so an outlier's make-up is read directly (a slow fdatasync, a
 * wait for a core, a GC pause of the io thread in that second).
 */
function slowestLines(orders: readonly SlowOrder[] | null): string[] {
  if (orders === null || orders.length === 0) return [];
  const names = Object.keys(orders[0].stages).filter((name) => name !== 'total');
  const lines = ['  slowest traced orders (µs; one per second at most; io_gc: the io thread\'s longest GC pause that second):'];
  lines.push(`    ${'total'.padStart(9)} ${names.map((n) => n.padStart(Math.max(9, n.length))).join(' ')} ${'io_gc'.padStart(9)}`);
  for (const order of orders) {
    const cells = names.map((n) => (order.stages[n] === null ? '-' : us(order.stages[n]!)).padStart(Math.max(9, n.length)));
    lines.push(`    ${us(order.total_us).padStart(9)} ${cells.join(' ')} ${us(order.io_gc_max_us).padStart(9)}`);
  }
  return lines;
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

/** A per-thread figure as one line: the total, then each thread's share. */
function threadLine(label: string, figures: Readonly<Record<string, number>>): string {
  const { total, ...threads } = figures;
  return `  ${label}: total ${total} (${Object.entries(threads).map(([name, us]) => `${name} ${us}`).join(', ')})`;
}
