/**
 * The CLI as a user runs it: `node dist/bench/cli.js ...`. A short engine run (with its
 * ring-echo baseline, so two scenarios) must print the table, end stdout with one JSON
 * line holding the documented fields, and write one .hgrm per scenario and an SVG with
 * one series per scenario.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { parseHgrm } from '../../bench/harness/hgrm_file.js';
import { OMS_STAGE_SAMPLE_EVERY } from '../../io/config/oms_config.js';
import { checkXml } from './support/xml_check.js';

const CLI = fileURLToPath(new URL('../../bench/cli.js', import.meta.url));

t.test('a run prints the table and one JSON summary as the last line, and writes .hgrm and .svg files', (t) => {
  const out = mkdtempSync(join(tmpdir(), 'bench-cli-'));
  t.teardown(() => rmSync(out, { recursive: true, force: true }));
  const run = spawnSync(process.execPath, [CLI, '--scenario', 'engine', '--rate', '500', '--duration', '1', '--warmup', '0.2',
    '--rounds', '1', '--json', '--quiet', '--out', out], { encoding: 'utf8', timeout: 60_000 });
  t.equal(run.status, 0, run.stderr);
  const lines = run.stdout.trimEnd().split('\n');
  const summary = JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
  for (const field of ['scenario', 'rate', 'duration_s', 'sent', 'completed', 'errors', 'throughput', 'p50_us', 'p90_us', 'p99_us', 'p999_us', 'max_us', 'durability', 'settings', 'machine']) {
    t.ok(field in summary, `JSON has ${field}`);
  }
  t.equal(summary.scenario, 'engine');
  t.equal(summary.rate, 500);
  t.equal(summary.sent, 500);
  t.equal(summary.completed, 500);
  t.equal(summary.errors, 0);
  t.equal((summary.baseline as { scenario: string }).scenario, 'ring-echo', 'the baseline ran beside it');
  t.ok(typeof (summary.ratio_to_baseline as { p50: number }).p50 === 'number', 'with ratios to the baseline');
  t.match(run.stdout, /^OMS benchmark: engine vs ring-echo/);
  t.match(run.stdout, /vs ring-echo/);

  const files = summary.files as { svg: string; hgrm: Record<string, string> };
  const series = checkXml(readFileSync(files.svg, 'utf8')).filter((e) => e.name === 'g' && e.attributes.class === 'series');
  t.same(series.map((s) => s.attributes['data-label']), ['ring-echo', 'engine'], 'one series per scenario');
  t.same(Object.keys(files.hgrm).sort(), ['engine', 'ring-echo']);
  for (const path of Object.values(files.hgrm)) {
    const { rows, footer } = parseHgrm(readFileSync(path, 'utf8'));
    t.ok(rows.length > 0 && footer.some((l) => l.startsWith('#[Mean')), `${path} parses`);
  }
  t.end();
});

t.test('a usage mistake exits 2 with a clear message and prints nothing on stdout', (t) => {
  const run = spawnSync(process.execPath, [CLI, '--scenario', 'echo', '--rate', 'lots'], { encoding: 'utf8' });
  t.equal(run.status, 2);
  t.equal(run.stdout, '');
  t.match(run.stderr, /--rate must be a number > 0, got "lots"/);
  t.end();
});

t.test('http-json saturation keeps to one request in flight per connection, so the OMS serves every one', (t) => {
  const out = mkdtempSync(join(tmpdir(), 'bench-cli-'));
  t.teardown(() => rmSync(out, { recursive: true, force: true }));
  const run = spawnSync(process.execPath, [CLI, '--scenario', 'http-json', '--saturate', '--window', '16', '--connections', '4',
    '--duration', '1', '--warmup', '0.2', '--rounds', '1', '--durability', 'none', '--json', '--quiet', '--out', out],
  { encoding: 'utf8', timeout: 120_000 });
  t.equal(run.status, 0, run.stderr);
  const lines = run.stdout.trimEnd().split('\n');
  const summary = JSON.parse(lines[lines.length - 1]) as {
    errors: number; completed: number; load: { window: number; pipeline: number }; stages_sample_every: number | null;
  };
  t.equal(summary.load.pipeline, 1);
  t.equal(summary.stages_sample_every, OMS_STAGE_SAMPLE_EVERY, 'a saturation run has the OMS trace orders at its own default rate, not every one');
  t.equal(summary.load.window, 1, '--window 16 is capped by --pipeline 1');
  t.equal(summary.errors, 0, 'no connection was dropped for pipelining');
  t.ok(summary.completed > 0, `orders completed (${summary.completed})`);
  t.end();
});

t.test('a durable http-json run also runs durable-echo beside it and reports the ratio, CPU by thread and the stages', (t) => {
  const out = mkdtempSync(join(tmpdir(), 'bench-cli-'));
  t.teardown(() => rmSync(out, { recursive: true, force: true }));
  const run = spawnSync(process.execPath, [CLI, '--scenario', 'http-json', '--rate', '300', '--duration', '1', '--warmup', '0.3',
    '--rounds', '1', '--durability', 'write', '--json', '--quiet', '--out', out], { encoding: 'utf8', timeout: 120_000 });
  t.equal(run.status, 0, run.stderr);
  const lines = run.stdout.trimEnd().split('\n');
  type Ratio = { baseline: string; p50: number | null };
  type Result = {
    label: string; errors: number; completed: number; durable_baseline: string | null; ratio_to_durable_baseline: Ratio | null;
    cpu_us_per_order: Record<string, number> | null; stages: Record<string, { count: number }> | null; stages_sample_every: number | null;
  };
  const summary = JSON.parse(lines[lines.length - 1]) as Result & { durable_baseline: { scenario: string }; results: Result[] };
  t.same(summary.results.map((r) => r.label), ['echo', 'durable-echo', 'http-json'], 'echo and durable-echo ran beside it');
  t.equal(summary.durable_baseline.scenario, 'durable-echo', 'the durable baseline item is at the top level');
  t.equal(summary.ratio_to_durable_baseline?.baseline, 'durable-echo');
  t.equal(typeof summary.ratio_to_durable_baseline?.p50, 'number', 'with ratios to it');
  const item = summary.results[2];
  t.equal(item.durable_baseline, 'durable-echo');
  t.same(item.ratio_to_durable_baseline, summary.ratio_to_durable_baseline, 'the results item carries the same ratio');
  t.ok(summary.results.every((r) => r.errors === 0), 'no errors anywhere');
  t.match(run.stdout, /\n {2}vs durable-echo /, 'the table shows the ratio');

  t.ok((summary.cpu_us_per_order?.io ?? 0) > 0, 'the OMS io thread has CPU per order');
  t.ok((summary.cpu_us_per_order?.engine ?? 0) > 0, 'the engine is found by name');
  t.ok((summary.cpu_us_per_order?.journal ?? 0) > 0, 'the journal is found by name');
  t.ok((summary.results[1].cpu_us_per_order?.journal ?? 0) > 0, 'the durable echo\'s journal too');
  t.match(run.stdout, /cpu µs\/order: total [\d.]+ \(io /);
  t.match(run.stdout, /waiting for a core, µs\/order: total [\d.]+ \(io [\d.]+, engine /, 'the time threads waited for a core, by thread');
  if (summary.stages === null) {
    t.match(run.stdout, /stages: none/, 'an OMS without /metrics/stages says so and the run goes on');
  } else {
    t.equal(summary.stages_sample_every, 1, 'the bench has the OMS trace every order');
    t.ok(Object.keys(summary.stages).length > 0);
    t.match(run.stdout, /stages \(µs, every order traced\)/);
  }
  t.end();
});
