/**
 * The state hash across a crash: a marker placed while orders flow (POST /admin/state-hash:
 * the engine's hash of its whole state at that point of the stream, journaled) reads back
 * after kill -9 and a restart with the same hash, computed by the restarted engine as it
 * replayed the journal through the marker (GET /admin/state-hash).
 */
import t from 'tap';
import { HttpOrderFlow } from '../../support/http_order_flow.js';
import { OmsServer } from '../../support/oms_server.js';
import { setKnownMarket, until } from '../http/fixtures/http_fixtures.js';

t.test('a state-hash marker placed before kill -9 is reproduced by the restarted engine', async (t) => {
  const oms = await OmsServer.start();
  t.teardown(() => oms.cleanup());
  await setKnownMarket(oms);
  const flow = new HttpOrderFlow(oms);
  await until('orders to flow', async () => (flow.acked.size >= 100 ? true : undefined), 20_000);
  const marker = await oms.request('POST', '/admin/state-hash', { key: null, admin: true });
  t.equal(marker.status, 200);
  t.ok(marker.body.sequence > 100 && Number.isSafeInteger(marker.body.state_hash), `marker at ${marker.body.sequence}`);
  const acked_at_marker = flow.acked.size;
  await until('more orders after the marker', async () => (flow.acked.size >= acked_at_marker + 50 ? true : undefined), 20_000);
  await oms.kill9();
  await flow.stop();

  await oms.launch();
  const recovery = (await oms.request('GET', '/admin/state-hash', { key: null, admin: true })).body.recovery;
  t.same(recovery.last_marker, { sequence: marker.body.sequence, state_hash: marker.body.state_hash },
    'the restarted engine hashed the same state at the marker');
  t.equal(recovery.markers_mismatched, 0);
  t.equal(recovery.first_mismatch_sequence, null);
  t.match(oms.logs, /recovery reproduced the state hash at every marker it replayed/);
  await oms.stop();
});
