/** The floor tools quoted in bench/README.md run and print one figure per hop or mode. */
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const tool = (name: string) => fileURLToPath(new URL(`../../../bench/floor/${name}.js`, import.meta.url));

t.test('wake_latency measures each kind of hop, and what each ring costs the ringer', async (t) => {
  const out = execFileSync(process.execPath, [tool('wake_latency'), '--samples', '200', '--gap-us', '100'], { encoding: 'utf8', timeout: 60_000 });
  t.match(out, /worker -> io thread \(Atomics\.waitAsync\): p50 \d+ µs, .*\(200 wake-ups\)/);
  t.match(out, /worker -> worker \(Atomics\.wait\): +p50 \d+ µs, .*\(200 wake-ups\)/);
  t.match(out, /io thread -> worker \(Atomics\.wait\): +p50 \d+ µs, .*\(200 wake-ups\)/);
  t.match(out, /io thread -> worker \(Atomics\.waitAsync\): p50 \d+ µs, .*\(200 wake-ups\)/);
  // One line per hop, below it; the ringer counts only the rings that woke the parked waiter, at least one.
  const costs = out.match(/^ {2}the ringer's notify call, paid on its thread: p50 \d+ µs, p90 \d+, p99 \d+, max \d+ \([1-9]\d* wake-ups\)$/gm);
  t.equal(costs?.length, 4);
});

t.test('fdatasync_cost measures appending and overwriting, each also from the paced due time', async (t) => {
  const dir = t.testdir();
  const out = execFileSync(process.execPath, [tool('fdatasync_cost'), '--dir', dir, '--rate', '200', '--seconds', '0.5'], { encoding: 'utf8', timeout: 60_000 });
  t.match(out, /append \+ fdatasync: +p50 \d+ µs, p99 \d+, p99\.9 \d+, max \d+; from due: p50 \d+, p99 \d+, p99\.9 \d+, max \d+$/m);
  t.match(out, /overwrite \+ fdatasync: p50 \d+ µs, .*; from due: p50 \d+, p99 \d+, p99\.9 \d+, max \d+$/m);
});
