/**
 * The conformance script (io/client/conformance.ts, PROTOCOL.md §17) as its users run it,
 * a separate process: every check passes against the real OMS (heartbeat 300 ms, so the
 * heartbeat checks take about a second), every check fails against a WebSocket server
 * that never answers, and a wrong command line is refused with the usage.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import t from 'tap';
import { WebSocketServer } from 'ws';
import { CHECKS } from '../../../io/client/conformance/checks.js';
import { OmsServer } from '../../support/oms_server.js';

const SCRIPT = new URL('../../../io/client/conformance.js', import.meta.url).pathname;

function runScript(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8'); });
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

/** The PASS/FAIL lines, as [verdict, check name]. */
function verdicts(stdout: string): [string, string][] {
  return stdout.split('\n').filter((line) => /^(PASS|FAIL) /.test(line)).map((line) => {
    const verdict = line.slice(0, 4);
    const name = CHECKS.map((c) => c.name).find((n) => line.startsWith(`${verdict} ${n}: `)) ?? line;
    return [verdict, name];
  });
}

t.test('against the real OMS every check passes and the exit code is 0', async (t) => {
  const oms = await OmsServer.start({ env: { OMS_WS_HEARTBEAT_MS: '300' } });
  t.teardown(() => oms.cleanup());
  await oms.setMarket('BTCUSDT', { bid: 44999.5, ask: 45001.5, bid_size: 1000, ask_size: 1000 });
  const run = await runScript([`ws://127.0.0.1:${oms.port}`, '--api-key', 'test-key']);
  t.equal(run.code, 0, run.stdout + run.stderr);
  t.same(verdicts(run.stdout), CHECKS.map((c) => ['PASS', c.name]), 'one PASS line per check, in order');
  t.match(run.stdout, new RegExp(`${CHECKS.length} checks: ${CHECKS.length} passed, 0 failed`));
  t.same(oms.problems(), [], 'the server logged no errors');
  const orders = (await oms.request('GET', '/orders?active_only=true&limit=1000')).body.orders;
  t.same(orders, [], 'it left no order open');
});

t.test('against a WebSocket server that never answers every check fails and the exit code is 1', async (t) => {
  const server = http.createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => { wss.close(); server.close(); });
  const port = (server.address() as { port: number }).port;
  const run = await runScript([`ws://127.0.0.1:${port}`, '--api-key', 'test-key', '--timeout-ms', '300']);
  t.equal(run.code, 1);
  t.same(verdicts(run.stdout), CHECKS.map((c) => ['FAIL', c.name]), 'one FAIL line per check, in order');
});

t.test('a wrong command line is refused with the usage and exit code 2', async (t) => {
  for (const args of [[], ['ws://127.0.0.1:1'], ['not a url', '--api-key', 'k'], ['ws://127.0.0.1:1', '--api-key', 'k', '--bogus']]) {
    const run = await runScript(args);
    t.equal(run.code, 2, JSON.stringify(args));
    t.match(run.stderr, /usage: node dist\/io\/client\/conformance\.js/);
  }
});
