/**
 * Fail-stop with a real process: the engine worker dies (the documented test fault
 * OMS_FAULT_ENGINE_EXIT_AFTER_COMMANDS ends its thread after its first command, as a crash
 * would), and the OMS must at once refuse orders NOT_READY on HTTP and WebSocket (not
 * leave them to time out after OMS_REQUEST_TIMEOUT_MS), answer 503 on /health/live and
 * /health/ready with the reason, log it at fatal, and exit non-zero within
 * OMS_FAIL_STOP_EXIT_MS so that its supervisor restarts it (test/support/fail_stop_checks.ts;
 * the journal's death is checked the same way in worker_death.crash.test.ts).
 */
import t from 'tap';
import { expectFailStop, FAIL_STOP_REQUEST_TIMEOUT_MS, startFailStopOms } from '../../support/fail_stop_checks.js';
import { restingBuy } from '../http/fixtures/http_fixtures.js';

t.test('when the engine worker dies, orders are refused NOT_READY at once, health goes 503 and the process exits non-zero in time', async (t) => {
  const { oms, ws } = await startFailStopOms(t, { OMS_FAULT_ENGINE_EXIT_AFTER_COMMANDS: '1' });
  t.equal((await oms.request('GET', '/health/live')).status, 200, 'live before the fault');

  // The engine handles this one command, then its thread ends. Whether the answer is the
  // order or NOT_READY depends on which the io thread sees first; it must not wait.
  const first_sent_ms = Date.now();
  const first = await oms.request('POST', '/orders', { body: restingBuy({ client_order_id: 'before-death' }) });
  t.ok(first.status === 200 || (first.status === 503 && first.body.code === 'NOT_READY'), `the last order answered ${first.status}`);
  t.ok(Date.now() - first_sent_ms < FAIL_STOP_REQUEST_TIMEOUT_MS / 2, 'without waiting for the request timeout');

  await expectFailStop(t, oms, ws, /engine worker exited unexpectedly/, 'engine-death');
});
