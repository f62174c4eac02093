/**
 * The client example in README.md works as printed: the test takes the code block marked
 * `example=client` out of the README and runs it with node from the repository root,
 * against the real OMS. The one change is the address: the test's OMS listens on a free
 * port, not on 8099.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { OmsServer } from '../../support/oms_server.js';

// dist/test/io/client/ -> the repository root (README.md, and dist/ for the example's import).
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

function readmeExample(): string {
  const readme = fs.readFileSync(`${ROOT}README.md`, 'utf8');
  const match = /```js example=client\n([\s\S]*?)```/.exec(readme);
  if (match === null) throw new Error('README.md has no ```js example=client block');
  return match[1];
}

t.test('the README\'s client example is at most ten lines of code', async (t) => {
  const lines = readmeExample().split('\n').filter((line) => line.trim() !== '');
  t.ok(lines.length <= 10, `${lines.length} lines`);
  t.match(readmeExample(), /ws:\/\/127\.0\.0\.1:8099\/ws/, 'it names the address make run listens on');
});

t.test('the README\'s client example places an order, prints its reports as it fills, and exits 0', async (t) => {
  const oms = await OmsServer.start();
  t.teardown(() => oms.cleanup());
  await oms.setMarket('BTCUSDT', { bid: 44999.5, ask: 45001.5, bid_size: 1000, ask_size: 1000 });
  const code = readmeExample().replace('127.0.0.1:8099', `127.0.0.1:${oms.port}`);
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
  const exit_code = await new Promise((resolve) => child.on('exit', resolve));
  t.equal(exit_code, 0, output);
  const lines = output.trim().split('\n');
  t.match(lines[0], /^accepted as order \d+$/);
  t.same(lines.slice(1), ['0 0 0 0', 'F 2 0.01 45001.5'], 'the NEW report, then the fill');
});
