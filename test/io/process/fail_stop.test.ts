/**
 * Fail-stop with a real process: the engine worker dies (the documented test fault
 * OMS_FAULT_ENGINE_EXIT_AFTER_COMMANDS ends its thread after its first command, as a crash
 * would), and the OMS must at once refuse orders NOT_READY on HTTP and WebSocket (not
 * leave them to time out after OMS_REQUEST_TIMEOUT_MS), answer 503 on /health/live and
 * /health/ready with the reason, log it at fatal, and exit non-zero within
 * OMS_FAIL_STOP_EXIT_MS so that its supervisor restarts it.
 */
import t from 'tap';
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import { FAIL_STOP_EXIT_CODE } from '../../../io/process/fail_stop.js';
import { OmsServer } from '../../support/oms_server.js';
import { newOrder, WsClient } from '../../support/ws_client.js';
import { restingBuy, setKnownMarket, until } from '../http/fixtures/http_fixtures.js';

const EXIT_AFTER_MS = 2000;
/** Far above anything the test waits for, so a TIMEOUT answer cannot pass for a fast refusal. */
const REQUEST_TIMEOUT_MS = 30_000;

t.test('when the engine worker dies, orders are refused NOT_READY at once, health goes 503 and the process exits non-zero in time', async (t) => {
  const oms = await OmsServer.start({
    env: {
      OMS_FAULT_ENGINE_EXIT_AFTER_COMMANDS: '1',
      OMS_FAIL_STOP_EXIT_MS: String(EXIT_AFTER_MS),
      OMS_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    },
  });
  t.teardown(() => oms.cleanup());
  await setKnownMarket(oms);
  const ws = await WsClient.logon(oms.url, 'test-key', false);
  t.teardown(() => ws.terminate());
  t.equal((await oms.request('GET', '/health/live')).status, 200, 'live before the fault');

  // The engine handles this one command, then its thread ends. Whether the answer is the
  // order or NOT_READY depends on which the io thread sees first; it must not wait.
  const first_sent_ms = Date.now();
  const first = await oms.request('POST', '/orders', { body: restingBuy({ client_order_id: 'before-death' }) });
  t.ok(first.status === 200 || (first.status === 503 && first.body.code === 'NOT_READY'), `the last order answered ${first.status}`);
  t.ok(Date.now() - first_sent_ms < REQUEST_TIMEOUT_MS / 2, 'without waiting for the request timeout');

  const live = await until('/health/live to fail', async () => {
    const answer = await oms.request('GET', '/health/live');
    return answer.status === 503 ? answer : undefined;
  });
  const failed_at_ms = Date.now();
  t.match(live.body, { status: 'failed', reasons: [/engine worker exited unexpectedly/] }, 'live says why');
  const ready = await oms.request('GET', '/health/ready');
  t.equal(ready.status, 503);
  t.match(ready.body, { status: 'not_ready' });
  t.ok(ready.body.reasons.some((r: string) => /engine worker exited unexpectedly/.test(r)), 'ready says why');

  const sent_ms = Date.now();
  const after = await oms.request('POST', '/orders', { body: restingBuy({ client_order_id: 'after-death' }) });
  t.equal(after.status, 503);
  t.match(after.body, { success: false, code: 'NOT_READY', reject_code: RejectCode.NOT_READY });
  t.ok(Date.now() - sent_ms < 1000, `refused in ${Date.now() - sent_ms} ms, not after a timeout`);

  const [seq] = ws.send(newOrder({ client_order_id: 'ws-after-death' }));
  const reject = await ws.waitForReject(seq);
  t.equal(reject.code, RejectCode.NOT_READY, 'the WebSocket order is refused NOT_READY too');

  await until('the process to exit', async () => (oms.exit_code !== null ? true : undefined), EXIT_AFTER_MS + 3000);
  t.equal(oms.exit_code, FAIL_STOP_EXIT_CODE, 'it exits non-zero, so its supervisor restarts it');
  t.ok(Date.now() - failed_at_ms <= EXIT_AFTER_MS + 1000, `it exited ${Date.now() - failed_at_ms} ms after live went 503 (bound ${EXIT_AFTER_MS} ms)`);
  t.match(oms.logs, /"level":60[^\n]*engine worker exited unexpectedly/, 'the reason is logged at fatal');
});
