/**
 * Saving operator limit overrides: asynchronous (commit returns before the disk work is
 * done, so the io thread keeps serving), one save at a time in commit order (the file
 * ends with the last overrides, whole), and a failed save fails only its own commit.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { AccountTable, DEMO_ACCOUNTS } from '../../../engine/reference/accounts.js';
import { DEMO_INSTRUMENTS, InstrumentTable } from '../../../engine/reference/instruments.js';
import { LimitOverrides, RiskLimits } from '../../../engine/reference/risk_limits.js';
import { LimitsManager } from '../../../io/admin/limits_manager.js';

function manager(t: { teardown(fn: () => void): void }): { limits: LimitsManager; file: string } {
  const data_dir = fs.mkdtempSync(path.join(os.tmpdir(), 'limits-manager-test-'));
  t.teardown(() => fs.rmSync(data_dir, { recursive: true, force: true }));
  const instruments = new InstrumentTable(DEMO_INSTRUMENTS);
  const accounts = new AccountTable(DEMO_ACCOUNTS, instruments);
  const geometry = { accounts: accounts.count, symbols: instruments.count };
  const limits = new LimitsManager([RiskLimits.allocate(geometry), RiskLimits.allocate(geometry)], instruments, accounts, data_dir);
  limits.initialize();
  return { limits, file: path.join(data_dir, 'limits-overrides.json') };
}

/** What PUT /admin/limits does once the engine has swapped banks. */
function change(limits: LimitsManager, overrides: LimitOverrides): Promise<void> {
  const { version } = limits.prepare(overrides);
  return limits.commit(overrides, version);
}

const qty = (text: string): LimitOverrides => ({ symbols: { BTCUSDT: { max_order_qty: text } } });

t.test('commit returns before the overrides are written, and settles once they are on disk', async (t) => {
  const { limits, file } = manager(t);
  const saved = change(limits, qty('0.5'));
  t.notOk(fs.existsSync(file), 'nothing is on disk yet when commit returns: the save did not block the thread');
  t.same(limits.overrides, qty('0.5'), 'the new overrides are in effect at once');
  await saved;
  t.same(JSON.parse(fs.readFileSync(file, 'utf8')), qty('0.5'));
  t.notOk(fs.existsSync(`${file}.tmp`), 'no temp file is left behind');
});

t.test('changes committed while earlier saves run are saved one at a time, in order, ending with the last', async (t) => {
  const { limits, file } = manager(t);
  const settled: number[] = [];
  const saves: Promise<void>[] = [];
  for (let i = 1; i <= 20; i++) saves.push(change(limits, qty(`0.${i}`)).then(() => { settled.push(i); }));
  await Promise.all(saves);
  t.same(settled, Array.from({ length: 20 }, (_, i) => i + 1), 'every save succeeded, in commit order');
  t.same(JSON.parse(fs.readFileSync(file, 'utf8')), qty('0.20'), 'the file holds the last overrides, whole');
  t.equal(limits.version, 21);
  t.notOk(fs.existsSync(`${file}.tmp`));
});

t.test('a save that fails rejects its own commit only; the next one is saved', async (t) => {
  const { limits, file } = manager(t);
  await change(limits, qty('0.5'));
  // A directory where the temp file goes: opening it for writing fails (EISDIR).
  fs.mkdirSync(`${file}.tmp`);
  await t.rejects(change(limits, qty('0.6')), { code: 'EISDIR' });
  t.same(JSON.parse(fs.readFileSync(file, 'utf8')), qty('0.5'), 'the file still holds the last saved overrides, whole');
  fs.rmdirSync(`${file}.tmp`);
  await change(limits, qty('0.7'));
  t.same(JSON.parse(fs.readFileSync(file, 'utf8')), qty('0.7'));
});

t.test('without a data directory nothing is saved and commit settles at once', async (t) => {
  const instruments = new InstrumentTable(DEMO_INSTRUMENTS);
  const accounts = new AccountTable(DEMO_ACCOUNTS, instruments);
  const geometry = { accounts: accounts.count, symbols: instruments.count };
  const limits = new LimitsManager([RiskLimits.allocate(geometry), RiskLimits.allocate(geometry)], instruments, accounts, null);
  limits.initialize();
  await change(limits, qty('0.5'));
  t.same(limits.overrides, qty('0.5'));
});
