/**
 * When recovery does not reproduce the engine's state (a STATE_HASH marker whose hash the
 * replay does not reach), the OMS starts with trading HALTED: cancels only, until an
 * operator checks the state and resumes; OMS_RECOVERY_HASH_MISMATCH=trade only logs. The
 * journal here is written with the production JournalWriter and holds one marker whose
 * hash no empty state has.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { EventType } from '../../../engine/protocol/enums.js';
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import { TestJournal } from '../../services/support/journal_fixture.js';
import { OmsServer } from '../../support/oms_server.js';
import { restingBuy, setKnownMarket } from '../http/fixtures/http_fixtures.js';

/** A data directory whose journal holds one STATE_HASH marker the replay cannot reproduce. */
function divergedDataDir(): string {
  const data_dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oms-diverged-'));
  const journal = new TestJournal(data_dir);
  journal.append([{ type: EventType.STATE_HASH, arg: 123_456_789 }]);
  journal.close();
  return data_dir;
}

t.test('a recovery that did not reproduce the engine\'s state starts HALTED: cancels only, until an operator resumes', async (t) => {
  const oms = await OmsServer.start({ data_dir: divergedDataDir() });
  t.teardown(() => oms.cleanup());
  await setKnownMarket(oms);
  const recovery = (await oms.request('GET', '/admin/state-hash', { key: null, admin: true })).body.recovery;
  t.equal(recovery.markers_mismatched, 1, 'the marker did not match');
  t.match(oms.logs, /recovery did not reproduce the engine's state: trading is HALTED/, 'the log says why and what to do');

  const refused = await oms.request('POST', '/orders', { body: restingBuy({ client_order_id: 'after-divergence' }) });
  t.equal(refused.body.reject_code, RejectCode.TRADING_HALTED, 'a new order is refused TRADING_HALTED');
  const workers = (await oms.request('GET', '/health/workers')).body;
  t.equal(workers.trading?.global_trading_state, 'HALTED', '/health/workers shows the halt');

  const resumed = await oms.request('POST', '/admin/trading-state', { key: null, admin: true, body: { state: 'ACTIVE' } });
  t.equal(resumed.status, 200, 'an operator resumes');
  const placed = await oms.request('POST', '/orders', { body: restingBuy({ client_order_id: 'after-resume' }) });
  t.equal(placed.status, 200, 'and orders are taken again');

  // Each start judges its own recovery: while the diverging marker is replayed, a restart
  // halts again. A snapshot taken after the resume moves recovery past it.
  await oms.stop();
  await oms.launch();
  await setKnownMarket(oms);
  const halted_again = await oms.request('POST', '/orders', { body: restingBuy({ client_order_id: 'after-restart' }) });
  t.equal(halted_again.body.reject_code, RejectCode.TRADING_HALTED, 'a restart that replays the marker again halts again');
  t.equal((await oms.request('POST', '/admin/trading-state', { key: null, admin: true, body: { state: 'ACTIVE' } })).status, 200);
  const snapshot = await oms.request('POST', '/admin/snapshot', { key: null, admin: true });
  t.equal(snapshot.status, 200, `a snapshot after the resume: ${snapshot.text}`);
  await oms.stop();
  await oms.launch();
  await setKnownMarket(oms);
  const placed_after_snapshot = await oms.request('POST', '/orders', { body: restingBuy({ client_order_id: 'after-snapshot' }) });
  t.equal(placed_after_snapshot.status, 200, 'recovery from the snapshot replays no diverging marker: trading is on');
});

t.test('OMS_RECOVERY_HASH_MISMATCH=trade only logs', async (t) => {
  const oms = await OmsServer.start({ data_dir: divergedDataDir(), env: { OMS_RECOVERY_HASH_MISMATCH: 'trade' } });
  t.teardown(() => oms.cleanup());
  await setKnownMarket(oms);
  t.match(oms.logs, /recovery did not reproduce the state hash at every marker/);
  const placed = await oms.request('POST', '/orders', { body: restingBuy({ client_order_id: 'trading-on' }) });
  t.equal(placed.status, 200);
});
