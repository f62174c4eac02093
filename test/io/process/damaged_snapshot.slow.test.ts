/**
 * Recovery with a damaged newest snapshot, in a real process: the OMS takes two
 * snapshots, stops, and the newest one's header is damaged on disk. On restart every part
 * that rebuilds state (engine, PnL worker, io read model, snapshot task) must start from
 * the older snapshot that recovery chose, and end in the same state as a restart from the
 * undamaged copy of the same data directory.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { HttpResult, OmsServer } from '../../support/oms_server.js';

/** No snapshot on its own: the test takes each one with POST /admin/snapshot. */
const MANUAL_SNAPSHOTS = { OMS_SNAPSHOT_INTERVAL_EVENTS: '0' };
const ACCOUNT_KEYS = ['test-key', 'demo2-key'];
/** Long enough for a crash-looping PnL worker to have been restarted at least once (first backoff 250 ms). */
const SETTLE_MS = 3_000;

interface Placed {
  readonly body: Record<string, unknown>;
  readonly key: string;
  readonly order_id: string;
}

async function place(oms: OmsServer, key: string, body: Record<string, unknown>): Promise<Placed> {
  const result = await oms.request('POST', '/orders', { key, body });
  if (result.status !== 200) throw new Error(`order refused: ${result.text}`);
  return { body, key, order_id: result.body.order_id };
}

/** Fills (positions for the PnL worker) and resting orders, for both accounts. */
async function trade(oms: OmsServer, round: number): Promise<Placed[]> {
  const placed: Placed[] = [];
  for (const [n, key] of ACCOUNT_KEYS.entries()) {
    const id = `r${round}-${n}`;
    placed.push(await place(oms, key, { symbol: 'BTCUSDT', side: 'buy', quantity: 0.01 * (round + 1), order_type: 'MARKET', time_in_force: 'IOC', client_order_id: `${id}-fill` }));
    placed.push(await place(oms, key, { symbol: 'ETHUSDT', side: 'sell', quantity: 0.1, order_type: 'MARKET', time_in_force: 'IOC', client_order_id: `${id}-short` }));
    placed.push(await place(oms, key, { symbol: 'BTCUSDT', side: 'buy', quantity: 0.01, price: 44000 - round, client_order_id: `${id}-rest` }));
  }
  return placed;
}

async function snapshot(oms: OmsServer): Promise<HttpResult> {
  return oms.request('POST', '/admin/snapshot', { key: null, admin: true });
}

/**
 * What a client can see of the rebuilt state: every order, position and PnL line of both
 * accounts, less `updated_at` on positions and PnL (when the PnL worker wrote the table,
 * a wall-clock time that differs between any two starts).
 */
async function visibleState(oms: OmsServer): Promise<unknown[]> {
  const seen: unknown[] = [];
  for (const key of ACCOUNT_KEYS) {
    seen.push((await oms.request('GET', '/orders', { key })).body);
    const positions = (await oms.request('GET', '/positions', { key })).body;
    seen.push({ ...positions, positions: positions.positions.map(withoutWriteTime) });
    seen.push(withoutWriteTime((await oms.request('GET', '/pnl', { key })).body));
  }
  return seen;
}

function withoutWriteTime(line: Record<string, unknown>): Record<string, unknown> {
  const { updated_at: _written, ...rest } = line;
  return rest;
}

async function pnlWorker(oms: OmsServer): Promise<{ state: string; restarts: number }> {
  const workers = (await oms.request('GET', '/health/workers', { key: null })).body.workers as { name: string; state: string; restarts: number }[];
  const pnl = workers.find((w) => w.name === 'pnl')!;
  return { state: pnl.state, restarts: pnl.restarts };
}

/** The PnL worker writes the positions table once it has replayed: wait until it runs. */
async function settled(oms: OmsServer): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const deadline = Date.now() + 20_000;
  while ((await pnlWorker(oms)).state !== 'running' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
}

/** Flips one byte inside the JSON header, so the header's CRC no longer matches: every reader refuses the file. */
function damageHeader(file: string): void {
  const fd = fs.openSync(file, 'r+');
  const byte = Buffer.alloc(1);
  fs.readSync(fd, byte, 0, 1, 20);
  byte[0] ^= 0x01;
  fs.writeSync(fd, byte, 0, 1, 20);
  fs.closeSync(fd);
}

t.test('a damaged newest snapshot is skipped by every worker that rebuilds state, and none of them crash-loops', async (t) => {
  const oms = await OmsServer.start({ env: MANUAL_SNAPSHOTS });
  const clean_dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oms-clean-copy-'));
  t.teardown(async () => {
    await oms.cleanup();
    fs.rmSync(clean_dir, { recursive: true, force: true });
  });
  await oms.setMarket('BTCUSDT', { bid: 44999, ask: 45001, bid_size: 100000, ask_size: 100000 });
  await oms.setMarket('ETHUSDT', { bid: 2499, ask: 2501, bid_size: 100000, ask_size: 100000 });

  await trade(oms, 0);
  const older = await snapshot(oms);
  t.equal(older.status, 200, 'the older snapshot is taken');
  // Orders between the two snapshots: only a rebuild from the older one plus the journal knows them.
  const between = await trade(oms, 1);
  const newest = await snapshot(oms);
  t.equal(newest.status, 200, 'the newest snapshot is taken');
  const after = await trade(oms, 2);
  t.equal(await oms.stop(), 0, 'the OMS stops cleanly');

  // The reference: the same data directory, undamaged, started on its own.
  fs.cpSync(oms.data_dir, clean_dir, { recursive: true });
  const clean = await OmsServer.start({ env: MANUAL_SNAPSHOTS, data_dir: clean_dir });
  await settled(clean);
  const expected = await visibleState(clean);
  t.ok((expected[1] as { count: number }).count > 0, 'the reference has positions to compare');
  t.equal(await clean.stop(), 0);

  damageHeader(newest.body.file);
  await oms.launch();
  t.match(oms.logs, /snapshot skipped during recovery/, 'recovery says it skipped the damaged snapshot');
  await settled(oms);

  t.same(await visibleState(oms), expected, 'orders, positions and PnL are those of a start from the undamaged data directory');
  t.same(await pnlWorker(oms), { state: 'running', restarts: 0 }, 'the PnL worker started once from the older snapshot and did not crash-loop');

  // The engine rebuilt from the older snapshot and the journal: it knows the orders placed after it.
  const resting = between.find((p) => String(p.body.client_order_id).endsWith('-rest'))!;
  const cancelled = await oms.request('DELETE', `/orders/${resting.order_id}`, { key: resting.key });
  t.equal(cancelled.status, 200, 'an order placed between the snapshots can be cancelled');
  t.equal(cancelled.body.status, 'CANCELED');
  const resent = await oms.request('POST', '/orders', { key: after[0].key, body: after[0].body });
  t.equal(resent.body.order_id, after[0].order_id, 'a client order id from after the newest snapshot still resends to its order');
  t.equal(resent.body.duplicate, true);

  // The snapshot task starts from the snapshot recovery verified, not from the damaged one.
  const next = await snapshot(oms);
  t.equal(next.status, 200, `a snapshot taken afterwards succeeds${next.status === 200 ? '' : `: ${next.text}`}`);
  t.ok(next.body.seq > newest.body.seq, 'and is newer than the damaged one');
  t.same(await pnlWorker(oms), { state: 'running', restarts: 0 }, 'the PnL worker is still running');
  t.same(oms.problems(), [], 'no error lines in the log');
  t.equal(await oms.stop(), 0);
});
