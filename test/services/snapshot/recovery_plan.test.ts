/**
 * The recovery plan as plain data: what it promises (it starts right after its snapshot
 * and never ends before it), that an empty journal means starting empty, and how the
 * latest verified snapshot moves the plan a restarted worker gets.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { checkRecoveryPlan, planFrom, planRecovery, RecoveryError, recoveryPlanOf, START_EMPTY, StartupRecovery } from '../../../services/snapshot/recovery_plan.js';
import { snapshotDirectory, snapshotFileName } from '../../../services/snapshot/snapshot_files.js';
import { VerifiedSnapshot } from '../../../services/snapshot/verified_snapshot.js';

t.test('a plan starts right after its snapshot and does not end before it', (t) => {
  t.same(planFrom(null, 7), { snapshot: null, from_seq: 1, to_seq: 7 });
  t.same(planFrom({ path: '/s/40.snap', seq: 40 }, 40), { snapshot: { path: '/s/40.snap', seq: 40 }, from_seq: 41, to_seq: 40 }, 'nothing to replay after it');
  t.throws(() => checkRecoveryPlan({ snapshot: { path: '/s/40.snap', seq: 40 }, from_seq: 40, to_seq: 50 }), RecoveryError, 'a gap or overlap with the snapshot');
  t.throws(() => planFrom({ path: '/s/40.snap', seq: 40 }, 39), RecoveryError, 'a journal end before the snapshot');
  t.throws(() => checkRecoveryPlan({ snapshot: null, from_seq: 1, to_seq: -1 }), RecoveryError);
  t.end();
});

t.test('an empty journal starts empty, whatever snapshots lie in the data directory', (t) => {
  const data_dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recovery-plan-test-'));
  t.teardown(() => fs.rmSync(data_dir, { recursive: true, force: true }));
  fs.mkdirSync(snapshotDirectory(data_dir), { recursive: true });
  fs.writeFileSync(path.join(snapshotDirectory(data_dir), snapshotFileName(12)), 'not read');
  const plan = planRecovery(data_dir, { segments: [], last_seq: 0, torn: null });
  t.same(recoveryPlanOf(plan), START_EMPTY);
  t.equal(plan.file, null);
  t.end();
});

t.test('the plain plan carries no opened file, so it can go in workerData', (t) => {
  const startup: StartupRecovery = { ...planFrom({ path: '/s/9.snap', seq: 9 }, 12), file: null, skipped: [{ path: '/s/10.snap', reason: 'damaged' }] };
  const plan = recoveryPlanOf(startup);
  t.same(Object.keys(plan).sort(), ['from_seq', 'snapshot', 'to_seq']);
  t.same(structuredClone(plan), plan);
  t.end();
});

t.test('a restarted worker plans from the latest verified snapshot, never before the start-up plan ends', (t) => {
  const verified = new VerifiedSnapshot({ path: '/s/10.snap', seq: 10 });
  t.same(verified.planFromLatest(25), planFrom({ path: '/s/10.snap', seq: 10 }, 25), 'before a new snapshot: the start-up plan');
  verified.advance({ path: '/s/30.snap', seq: 30 });
  t.same(verified.planFromLatest(25), { snapshot: { path: '/s/30.snap', seq: 30 }, from_seq: 31, to_seq: 30 }, 'after one: from it');
  t.throws(() => verified.advance({ path: '/s/20.snap', seq: 20 }), RecoveryError, 'the verified snapshot only moves forward');
  t.same(new VerifiedSnapshot(null).planFromLatest(0), START_EMPTY);
  t.end();
});
