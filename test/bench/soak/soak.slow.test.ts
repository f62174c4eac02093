/**
 * The soak run's 30-second version, as CI runs it: `npm run soak -- --minutes 0.5` against
 * a real OMS, nats-server and redis-server. It must exit 0 with every check PASS (memory
 * may be SKIP: each start of the OMS lives 15 s, too short to judge; memory_check.test.ts
 * covers the judgement), after printing progress lines with RSS and every thread's heap,
 * killing the OMS with -9 at the middle, and sending every kind of the mix.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { ORDER_KINDS } from '../../../bench/soak/order_mix.js';

const CLI = fileURLToPath(new URL('../../../bench/soak/soak_cli.js', import.meta.url));

t.test('a 30-second soak passes every check', async (t) => {
  const started = Date.now();
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(process.execPath, [CLI, '--minutes', '0.5', '--warmup', '5', '--report-every', '10'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.once('exit', (exit_code) => resolve({ code: exit_code, output }));
  });
  t.comment(output);
  t.equal(code, 0, 'exit 0');
  t.match(output, /^soak: PASS$/m);
  t.notMatch(output, /^FAIL/m, 'no check failed');
  for (const check of [
    'state hash after the restart equals the one before the kill',
    'every acknowledged order is there after the restart',
    'the NATS stream holds every order event once',
    'Redis holds every acknowledged order and the OMS\'s positions',
    'snapshots retired journal segments',
    'stop orders triggered as the marks moved',
    'the OMS did not exit unasked and logged no error',
  ]) t.match(output, new RegExp(`^PASS  ${check.replace(/[.*+?^${}()|[\]\\']/g, '\\$&')}`, 'm'), check);
  t.match(output, /^(PASS|SKIP) {2}memory is flat after the warm-up/m);
  const progress = output.split('\n').filter((l) => /^\[\s*\d+ s\] rss [\d.]+ MiB \| heap MiB: io [\d.]+ engine [\d.]+ journal [\d.]+ pnl [\d.]+/.test(l));
  t.ok(progress.length >= 2, `${progress.length} progress lines with RSS and each thread's heap`);
  t.match(output, /kill -9 right after the state-hash marker \d+ at sequence \d+; restarting/);
  const taken = /taken by kind: (.*)/.exec(output)?.[1] ?? '';
  for (const kind of ORDER_KINDS) t.match(taken, new RegExp(`\\b${kind} [1-9]\\d*`), `the mix sent ${kind} orders and the OMS took some`);
  t.ok(Date.now() - started < 60_000, `done in ${Math.round((Date.now() - started) / 1000)} s`);
});
