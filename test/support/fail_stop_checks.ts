/**
 * The fail-stop outcome (docs/DEPLOYMENT.md, "What fails how"), the same whether the
 * engine or the journal died: /health/live and /health/ready answer 503 and say why, an
 * order is refused NOT_READY at once on HTTP and on WebSocket (not left to time out after
 * OMS_REQUEST_TIMEOUT_MS), the reason is logged at fatal, and the process exits 70 within
 * OMS_FAIL_STOP_EXIT_MS so that its supervisor restarts it. Used by
 * test/io/process/fail_stop.test.ts (the engine) and worker_death.crash.test.ts (the journal).
 */
import type { Test } from 'tap';
import { RejectCode } from '../../engine/protocol/reject_codes.js';
import { FAIL_STOP_EXIT_CODE } from '../../io/process/fail_stop.js';
import { restingBuy, setKnownMarket, until } from '../io/http/fixtures/http_fixtures.js';
import { OmsServer } from './oms_server.js';
import { newOrder, WsClient } from './ws_client.js';

export const FAIL_STOP_EXIT_MS = 2000;
const EXIT_SLACK_MS = 2500;
/** Far above anything the checks wait for, so a TIMEOUT answer cannot pass for a fast refusal. */
export const FAIL_STOP_REQUEST_TIMEOUT_MS = 30_000;

/** An OMS with the given test fault, the known market, and a WebSocket session logged on. */
export async function startFailStopOms(t: Test, fault_env: Record<string, string>): Promise<{ oms: OmsServer; ws: WsClient }> {
  const oms = await OmsServer.start({
    env: {
      ...fault_env,
      OMS_FAIL_STOP_EXIT_MS: String(FAIL_STOP_EXIT_MS),
      OMS_REQUEST_TIMEOUT_MS: String(FAIL_STOP_REQUEST_TIMEOUT_MS),
    },
  });
  t.teardown(() => oms.cleanup());
  await setKnownMarket(oms);
  const ws = await WsClient.logon(oms.url, 'test-key', false);
  t.teardown(() => ws.terminate());
  return { oms, ws };
}

/**
 * Waits for the fault to take effect, then checks every part of the outcome.
 * @param reason what /health/live, /health/ready and the fatal log line say (e.g. /journal worker exited unexpectedly/)
 * @param tag makes the client order ids of the refused orders unique
 */
export async function expectFailStop(t: Test, oms: OmsServer, ws: WsClient, reason: RegExp, tag: string): Promise<void> {
  const live = await until('/health/live to fail', async () => {
    const answer = await oms.request('GET', '/health/live', { key: null });
    return answer.status === 503 ? answer : undefined;
  }, 30_000);
  const failed_at_ms = Date.now();
  t.match(live.body, { status: 'failed', reasons: [reason] }, 'live says why');
  const ready = await oms.request('GET', '/health/ready', { key: null });
  t.equal(ready.status, 503, 'ready is 503');
  t.match(ready.body, { status: 'not_ready' });
  t.ok(ready.body.reasons.some((r: string) => reason.test(r)), 'ready says why');

  const sent_ms = Date.now();
  const after = await oms.request('POST', '/orders', { body: restingBuy({ client_order_id: `after-${tag}` }) });
  t.equal(after.status, 503);
  t.match(after.body, { success: false, code: 'NOT_READY', reject_code: RejectCode.NOT_READY });
  t.ok(Date.now() - sent_ms < 1000, `an HTTP order is refused in ${Date.now() - sent_ms} ms, not after a timeout`);
  const [seq] = ws.send(newOrder({ client_order_id: `ws-after-${tag}` }));
  t.equal((await ws.waitForReject(seq)).code, RejectCode.NOT_READY, 'a WebSocket order is refused NOT_READY');

  await until('the process to exit', async () => (oms.exit_code !== null ? true : undefined), FAIL_STOP_EXIT_MS + EXIT_SLACK_MS + 2000);
  t.equal(oms.exit_code, FAIL_STOP_EXIT_CODE, 'it exits 70, so its supervisor restarts it');
  // The slack covers polling and the exit itself (workers are terminated): ~0.1 s on a quiet
  // machine, over 1 s seen at a load average of 19.
  t.ok(Date.now() - failed_at_ms <= FAIL_STOP_EXIT_MS + EXIT_SLACK_MS,
    `it exited ${Date.now() - failed_at_ms} ms after live went 503 (bound ${FAIL_STOP_EXIT_MS} ms + ${EXIT_SLACK_MS} ms slack)`);
  t.match(oms.logs, new RegExp(`"level":60[^\\n]*${reason.source}`), 'the reason is logged at fatal');
}
