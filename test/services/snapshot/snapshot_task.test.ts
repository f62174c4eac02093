/**
 * Snapshots against real journal files: a snapshot plus the journal after it rebuilds
 * exactly the state the whole journal does (engine state by hash, io read model record
 * by record); replay is deterministic; a snapshot that does not match the live engine's
 * hash is refused; retirement keeps what readers still need.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { EventType } from '../../../engine/protocol/enums.js';
import { EVENT_SLOT_BYTES } from '../../../engine/protocol/event_layout.js';
import { slotViewsOver } from '../../../engine/protocol/slot_views.js';
import { EngineState } from '../../../engine/state/engine_state.js';
import { stateHash } from '../../../engine/state/state_hash.js';
import { OrderRecord, OrderStore } from '../../../services/read_model/order_store.js';
import { listSegments, scanJournal } from '../../../services/journal/journal_reader.js';
import { RECORD_BYTES, SEGMENT_HEADER_BYTES } from '../../../services/journal/journal_layout.js';
import { JournalWriter } from '../../../services/journal/journal_writer.js';
import { replayJournal } from '../../../services/journal/replay.js';
import { ColumnarFile, readSnapshotMeta } from '../../../services/snapshot/columnar_file.js';
import { PnlBook, PnlBookJson } from '../../../services/pnl/pnl_book.js';
import { applyEventToBook } from '../../../services/pnl/pnl_events.js';
import { readEngineState } from '../../../services/snapshot/engine_state_codec.js';
import { readOrderStore } from '../../../services/snapshot/order_store_codec.js';
import { DISABLED_SINK_WARN_SEGMENTS } from '../../../services/snapshot/journal_retention.js';
import { planRecovery, RecoveryError } from '../../../services/snapshot/recovery_plan.js';
import { listSnapshots, SnapshotRef } from '../../../services/snapshot/snapshot_files.js';
import takeSnapshot, { SnapshotTaskInput, SnapshotTaskResult, SnapshotVerificationError } from '../../../services/snapshot/snapshot_task.js';
import { createSnapshotPool } from '../../../services/snapshot/snapshot_pool.js';
import { EngineHarness } from '../../support/engine_harness.js';
import { WorkerHealthBlock } from '../../../engine/telemetry/worker_health.js';
import { WorkerId } from '../../../engine/telemetry/worker_health_layout.js';

const ORDER_HISTORY = 4096;

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snapshot-test-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Drives a varied session through a real engine: fills, resting (some post-only) orders, trailing orders, replaces, cancels, expiries, a kill switch. */
function session(h: EngineHarness, rounds: number): void {
  h.setMarket('BTCUSDT', { bid: '44999', ask: '45001', ask_size: '0.5', bid_size: '0.5' });
  h.setMarket('ETHUSDT', { bid: '2499', ask: '2501' });
  for (let i = 0; i < rounds; i++) {
    h.order({ side: 'buy', type: 'MARKET', tif: 'IOC', qty: '0.2' });
    // Every other one post-only, so snapshots carry order instructions (the state hash covers them).
    const resting = h.order({ side: 'sell', qty: '0.3', price: String(45100 + (i % 7)), post_only: i % 2 === 0 });
    h.order({ account: 'bob', symbol: 'ETHUSDT', side: 'buy', qty: '1', price: '2450', tif: 'GTD', expire_at_ms: h.clock.now_us / 1000 + 5_000 });
    if (i % 3 === 0) h.replace(resting.reply.order_id, { price: String(45090 + (i % 5)) });
    if (i % 4 === 1) h.cancel(resting.reply.order_id);
    // Now and then a trailing stop-limit, which the ticks below move: snapshots carry trailing terms and moved triggers.
    if (i % 5 === 0) h.order({ side: 'sell', type: 'TRAILING_STOP_LIMIT', trail: '60', limit_offset: '5', qty: '0.1' });
    if (i % 5 === 2) h.setMarket('BTCUSDT', { bid: String(45080 + i % 20), ask: String(45082 + i % 20), ask_size: '0.4', bid_size: '0.4' });
    h.advanceMs(1_000);
  }
  h.killSwitch('bob', true);
  h.killSwitch('bob', false);
}

/**
 * A data dir and a harness that ran one session per entry of `rounds`, each followed by
 * a STATE_HASH marker (a snapshot point), then `tail` more rounds with no marker.
 */
function markedSessions(t: { teardown(fn: () => void): void }, rounds: readonly number[], tail = 0) {
  const data_dir = tempDir(t);
  const journal_dir = path.join(data_dir, 'journal');
  const h = new EngineHarness();
  const markers = rounds.map((n) => {
    session(h, n);
    return h.stateHash();
  });
  if (tail > 0) session(h, tail);
  return { data_dir, journal_dir, h, markers };
}

function journal(h: EngineHarness, dir: string, segment_records = 50): number {
  const bytes = h.journalBytes();
  const views = slotViewsOver(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const writer = new JournalWriter({ directory: dir, durability: 'fsync', segment_bytes: SEGMENT_HEADER_BYTES + segment_records * RECORD_BYTES, buffer_records: 64 });
  writer.open(1);
  const count = bytes.byteLength / EVENT_SLOT_BYTES;
  for (let i = 0; i < count; i++) writer.append(views, i * EVENT_SLOT_BYTES);
  writer.close();
  return count;
}

function fullReplay(h: EngineHarness, journal_dir: string, to: number): { state: EngineState; store: OrderStore } {
  const state = new EngineState(h.state.capacity, h.state.notional_scale);
  const store = new OrderStore(ORDER_HISTORY);
  replayJournal(journal_dir, 1, to, (v, base) => { state.apply(v, base); store.apply(v, base); });
  return { state, store };
}

function records(store: OrderStore): OrderRecord[] {
  const all: OrderRecord[] = [];
  store.forEach((r) => all.push(r));
  return all.sort((a, b) => a.order_id - b.order_id);
}

function taskInput(h: EngineHarness, data_dir: string, target_seq: number, expected_hash: number, cursors: string[] = [],
  base: SnapshotRef | null = null): SnapshotTaskInput {
  return {
    data_dir, capacity: h.state.capacity, notional_scale: Array.from(h.state.notional_scale), order_history: ORDER_HISTORY,
    base, target_seq, expected_hash, sink_cursor_files: cursors, keep_snapshots: 2, session_end_utc_minutes: 0,
  };
}

/** The snapshot a task result names, as the scheduler records it once verified. */
function refOf(result: SnapshotTaskResult): SnapshotRef {
  return { path: result.file, seq: result.seq };
}

/** Flips one byte near the end (in the data), so the data CRC no longer matches. */
function damageData(file: string): void {
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, Buffer.from([0xab]), 0, 1, fs.statSync(file).size - 20);
  fs.closeSync(fd);
}

t.test('replaying the same journal twice gives the same state hash as the live engine', (t) => {
  const data_dir = tempDir(t);
  const h = new EngineHarness();
  session(h, 40);
  const count = journal(h, path.join(data_dir, 'journal'));
  const first = fullReplay(h, path.join(data_dir, 'journal'), count);
  const second = fullReplay(h, path.join(data_dir, 'journal'), count);
  t.equal(stateHash(first.state), stateHash(second.state));
  t.equal(stateHash(first.state), stateHash(h.state), 'the journal rebuilds the live engine exactly');
  t.end();
});

t.test('a snapshot plus the journal after it equals the journal alone', (t) => {
  const data_dir = tempDir(t);
  const journal_dir = path.join(data_dir, 'journal');
  const h = new EngineHarness();
  session(h, 25);
  const marker = h.stateHash();
  const target_seq = marker.reply.last_seq;
  session(h, 25);
  const count = journal(h, journal_dir);
  // Replay everything first: the snapshot retires the segments it covers.
  const whole = fullReplay(h, journal_dir, count);

  const result = takeSnapshot(taskInput(h, data_dir, target_seq, marker.reply.arg));
  t.equal(result.seq, target_seq);
  t.ok(fs.existsSync(result.file), 'the verified snapshot has its final name');

  const file = new ColumnarFile(result.file);
  const state = readEngineState(file, h.state.capacity, h.state.notional_scale);
  const store = new OrderStore(ORDER_HISTORY);
  readOrderStore(file, store);
  replayJournal(journal_dir, target_seq + 1, count, (v, base) => { state.apply(v, base); store.apply(v, base); });

  const trailing = [...Array(state.slab.capacity).keys()].filter((slot) => state.slab.status[slot] !== 0 && state.slab.trailing_offset_type[slot] !== 0);
  t.ok(trailing.length > 0, 'trailing orders are open at the end');
  t.ok(h.all_events.some((e) => e.type === EventType.TRIGGER_MOVED && e.seq <= target_seq), 'and triggers moved before the snapshot');
  t.equal(stateHash(state), stateHash(whole.state), 'engine state: snapshot + tail == full replay');
  t.equal(stateHash(state), stateHash(h.state), 'and == the live engine');
  t.same(records(store), records(whole.store), 'io read model: snapshot + tail == full replay, record by record');
  t.end();
});

t.test('a snapshot carries the PnL book a full replay builds, so the PnL worker can start from it', (t) => {
  const data_dir = tempDir(t);
  const journal_dir = path.join(data_dir, 'journal');
  const h = new EngineHarness();
  session(h, 20);
  const marker = h.stateHash();
  const count = journal(h, journal_dir);
  const expected = new PnlBook({ accounts: h.state.capacity.accounts, notional_scale: Array.from(h.state.notional_scale), session_end_utc_minutes: 0 });
  replayJournal(journal_dir, 1, marker.reply.last_seq, (v, base) => { applyEventToBook(expected, v, base, true); });
  const result = takeSnapshot(taskInput(h, data_dir, marker.reply.last_seq, marker.reply.arg));
  const meta = readSnapshotMeta(result.file);
  t.same(meta.pnl, expected.toJSON(), 'the snapshot\'s book equals the replayed one, field by field');
  const restored = PnlBook.fromJSON(meta.pnl as PnlBookJson);
  t.ok(restored.toJSON().position_lots.some((lots) => lots !== 0), 'and it holds real positions');
  t.equal(count > marker.reply.last_seq, false, 'the marker is the last event journaled');
  t.end();
});

t.test('a snapshot whose replay disagrees with the engine\'s hash is refused and never named as verified', (t) => {
  const data_dir = tempDir(t);
  const h = new EngineHarness();
  session(h, 10);
  const marker = h.stateHash();
  journal(h, path.join(data_dir, 'journal'));
  t.throws(() => takeSnapshot(taskInput(h, data_dir, marker.reply.last_seq, marker.reply.arg + 1)), SnapshotVerificationError);
  t.same(listSnapshots(data_dir), []);
  t.end();
});

t.test('snapshots chain: the second starts from the first and retires the segments no reader needs', (t) => {
  const { data_dir, journal_dir, h, markers: [first, second] } = markedSessions(t, [20, 20], 5);
  const count = journal(h, journal_dir, 20);
  const segments_before = listSegments(journal_dir).length;

  const cursor = path.join(data_dir, 'cursor.json');
  fs.writeFileSync(cursor, JSON.stringify({ seq: 10 }));
  const base = takeSnapshot(taskInput(h, data_dir, first.reply.last_seq, first.reply.arg, [cursor]));
  t.equal(listSegments(journal_dir)[0].first_seq, 1, 'a sink at sequence 10 keeps the first segment');

  fs.writeFileSync(cursor, JSON.stringify({ seq: count }));
  const result = takeSnapshot(taskInput(h, data_dir, second.reply.last_seq, second.reply.arg, [cursor], refOf(base)));
  t.ok(result.retired_segments.length > 0, 'segments wholly below the oldest kept snapshot are retired');
  t.ok(listSegments(journal_dir).length < segments_before);
  t.ok(listSegments(journal_dir)[0].first_seq <= first.reply.last_seq + 1, 'the oldest kept snapshot can still be replayed forward');

  const scan = scanJournal(journal_dir);
  const plan = planRecovery(data_dir, scan);
  t.equal(plan.snapshot?.seq, second.reply.last_seq, 'recovery starts from the newest snapshot');
  t.end();
});

t.test('a cursor file of a sink not enabled in this run holds the journal until an operator deletes it, with a warning', (t) => {
  const { data_dir, journal_dir, h, markers: [first, second, third] } = markedSessions(t, [30, 10, 10], 5);
  journal(h, journal_dir, 5);
  // The Redis sink ran once, got to sequence 3, and is switched off in this run.
  const cursor = path.join(data_dir, 'cursors', 'redis.json');
  fs.mkdirSync(path.dirname(cursor));
  fs.writeFileSync(cursor, JSON.stringify({ sink: 'redis', seq: 3, updated_at: new Date().toISOString() }));

  const base = takeSnapshot(taskInput(h, data_dir, first.reply.last_seq, first.reply.arg));
  t.equal(listSegments(journal_dir)[0].first_seq, 1, 'the disabled sink\'s cursor at 3 keeps the first segment');
  t.same(base.retired_segments, []);
  t.ok(first.reply.last_seq / 5 > DISABLED_SINK_WARN_SEGMENTS + 2, 'the journal before the snapshot is longer than the warning bound');
  t.equal(base.disabled_sink_holds.length, 1, 'the long hold is reported, for the scheduler to warn');
  t.equal(base.disabled_sink_holds[0].file, cursor);
  t.equal(base.disabled_sink_holds[0].seq, 3);
  t.ok(base.disabled_sink_holds[0].segments_held > DISABLED_SINK_WARN_SEGMENTS);

  const enabled = takeSnapshot(taskInput(h, data_dir, second.reply.last_seq, second.reply.arg, [cursor], refOf(base)));
  t.equal(listSegments(journal_dir)[0].first_seq, 1, 'enabled, the same cursor holds the journal too');
  t.same(enabled.disabled_sink_holds, [], 'an enabled sink\'s cursor is not warned about');

  fs.rmSync(cursor);
  const released = takeSnapshot(taskInput(h, data_dir, third.reply.last_seq, third.reply.arg, [], refOf(enabled)));
  t.ok(released.retired_segments.length > 0, 'once the operator deletes the cursor file, the next snapshot retires the segments');
  t.ok(listSegments(journal_dir)[0].first_seq > 3);
  t.same(released.disabled_sink_holds, []);
  t.end();
});

t.test('recovery skips a damaged newest snapshot and uses the one before it', (t) => {
  const { data_dir, journal_dir, h, markers: [first, second] } = markedSessions(t, [10, 10]);
  journal(h, journal_dir, 1000);
  const older = takeSnapshot(taskInput(h, data_dir, first.reply.last_seq, first.reply.arg));
  const newest = takeSnapshot(taskInput(h, data_dir, second.reply.last_seq, second.reply.arg, [], refOf(older)));
  damageData(newest.file);
  const plan = planRecovery(data_dir, scanJournal(journal_dir));
  t.equal(plan.snapshot?.seq, first.reply.last_seq);
  t.equal(plan.skipped.length, 1);
  t.match(plan.skipped[0].reason, /fails its check/);
  t.end();
});

t.test('a snapshot starts from its base, not from a damaged newer file, and never retires its base', (t) => {
  const { data_dir, journal_dir, h, markers: [first, second, third] } = markedSessions(t, [10, 10, 10]);
  const count = journal(h, journal_dir, 1000);
  const whole = fullReplay(h, journal_dir, count);
  const older = takeSnapshot(taskInput(h, data_dir, first.reply.last_seq, first.reply.arg));
  const damaged = takeSnapshot(taskInput(h, data_dir, second.reply.last_seq, second.reply.arg, [], refOf(older)));
  damageData(damaged.file);
  // Recovery skipped the damaged one, so the base handed down is the older snapshot.
  t.equal(planRecovery(data_dir, scanJournal(journal_dir)).snapshot?.seq, older.seq);
  const next = takeSnapshot(taskInput(h, data_dir, third.reply.last_seq, third.reply.arg, [], refOf(older)));
  t.same(next.retired_snapshots, [], 'the base is kept even though two newer files exist (one of them damaged)');
  t.ok(fs.existsSync(older.file), 'so a worker restarting from the base still finds it');

  const file = new ColumnarFile(next.file);
  const state = readEngineState(file, h.state.capacity, h.state.notional_scale);
  replayJournal(journal_dir, next.seq + 1, count, (v, base) => { state.apply(v, base); });
  t.equal(stateHash(state), stateHash(whole.state), 'the new snapshot plus the tail equals the whole journal');
  t.equal(planRecovery(data_dir, scanJournal(journal_dir)).snapshot?.seq, next.seq, 'and recovery starts from it next time');
  t.end();
});

t.test('snapshots in a row on the pool\'s thread reuse one engine state and read model, across idle pauses and a failed snapshot', async (t) => {
  const { data_dir, journal_dir, h, markers } = markedSessions(t, [15, 10, 10, 10], 5);
  const count = journal(h, journal_dir, 1000);
  const whole = fullReplay(h, journal_dir, count);
  // Before any snapshot retires a segment.
  const expected = markers.map((marker) => stateHash(fullReplay(h, journal_dir, marker.reply.last_seq).state));
  const pool = createSnapshotPool();
  t.teardown(() => pool.destroy());
  const run = (input: SnapshotTaskInput) => pool.run(input) as Promise<SnapshotTaskResult>;
  // Longer than the 100 ms after which the pool once ended an idle thread (and its arrays).
  const idle = () => new Promise((resolve) => setTimeout(resolve, 300));

  const uses: number[] = [];
  let base: SnapshotRef | null = null;
  for (const [i, marker] of markers.entries()) {
    if (i === 2) {
      // A refused snapshot leaves the workspace half-built; the next one must not see it.
      await t.rejects(run(taskInput(h, data_dir, marker.reply.last_seq, marker.reply.arg + 1, [], base)), /state hash/);
      await idle();
    }
    const result = await run(taskInput(h, data_dir, marker.reply.last_seq, marker.reply.arg, [], base));
    t.equal(result.state_hash, expected[i], `snapshot ${i + 1} holds the replayed state`);
    uses.push(result.workspace_uses);
    base = refOf(result);
    await idle();
  }
  t.same(uses, [1, 2, 4, 5], 'one workspace, allocated by the first snapshot (the failed one used it too)');

  const state = readEngineState(new ColumnarFile(base!.path), h.state.capacity, h.state.notional_scale);
  replayJournal(journal_dir, base!.seq + 1, count, (v, b) => { state.apply(v, b); });
  t.equal(stateHash(state), stateHash(whole.state), 'the last snapshot plus the tail equals the whole journal');
});

t.test('between snapshots the pool\'s thread holds its workspace and none of a snapshot\'s passing buffers, however large the files grow', async (t) => {
  const { data_dir, journal_dir, h, markers } = markedSessions(t, [5, 1000, 1000, 1000]);
  journal(h, journal_dir, 100_000);
  const pool = createSnapshotPool();
  t.teardown(() => pool.destroy());
  const results: SnapshotTaskResult[] = [];
  let base: SnapshotRef | null = null;
  for (const marker of markers) {
    const result = (await pool.run(taskInput(h, data_dir, marker.reply.last_seq, marker.reply.arg, [], base))) as SnapshotTaskResult;
    results.push(result);
    base = refOf(result);
  }
  const grown = results[results.length - 1].bytes - results[0].bytes;
  t.ok(grown > 1 << 20, `the files grew by ${grown} bytes`);
  const held = results.map((r) => r.held_array_buffer_bytes);
  t.ok(held[0] > 0, `after the first snapshot the thread holds ${held[0]} bytes (its workspace)`);
  for (const [i, bytes] of held.entries()) {
    // A passing buffer left for a later collection would add at least the file it read back.
    t.ok(Math.abs(bytes - held[0]) < grown / 4, `after snapshot ${i + 1} it holds ${bytes} bytes`);
  }
});

t.test('a snapshot whose base the thread wrote itself goes on from its workspace, and holds what a full replay does', (t) => {
  const { data_dir, journal_dir, h, markers: [first, second, third, fourth] } = markedSessions(t, [15, 10, 10, 10], 5);
  const count = journal(h, journal_dir, 1000);
  const whole = fullReplay(h, journal_dir, count);

  const older = takeSnapshot(taskInput(h, data_dir, first.reply.last_seq, first.reply.arg));
  t.equal(older.base_from, 'empty');
  const resumed = takeSnapshot(taskInput(h, data_dir, second.reply.last_seq, second.reply.arg, [], refOf(older)));
  t.equal(resumed.base_from, 'workspace', 'the base the thread just wrote is not read in again');

  const file = new ColumnarFile(resumed.file);
  const state = readEngineState(file, h.state.capacity, h.state.notional_scale);
  const store = new OrderStore(ORDER_HISTORY);
  readOrderStore(file, store);
  const book = PnlBook.fromJSON(file.meta.pnl as PnlBookJson);
  const expected_book = new PnlBook({ accounts: h.state.capacity.accounts, notional_scale: Array.from(h.state.notional_scale), session_end_utc_minutes: 0 });
  replayJournal(journal_dir, 1, resumed.seq, (v, base) => { applyEventToBook(expected_book, v, base, true); });
  t.same(book.toJSON(), expected_book.toJSON(), 'its PnL book is the replayed one');
  replayJournal(journal_dir, resumed.seq + 1, count, (v, base) => { state.apply(v, base); store.apply(v, base); });
  t.equal(stateHash(state), stateHash(whole.state), 'engine state: snapshot + tail == full replay');
  t.same(records(store), records(whole.store), 'io read model: snapshot + tail == full replay, record by record');

  // Handed an older base than the one it holds (the newest was found damaged), it reads the file.
  const from_file = takeSnapshot(taskInput(h, data_dir, third.reply.last_seq, third.reply.arg, [], refOf(older)));
  t.equal(from_file.base_from, 'file');
  // After a refused snapshot the workspace is half-built: the next one reads its base's file.
  t.throws(() => takeSnapshot(taskInput(h, data_dir, fourth.reply.last_seq, fourth.reply.arg + 1, [], refOf(from_file))), SnapshotVerificationError);
  const after_failure = takeSnapshot(taskInput(h, data_dir, fourth.reply.last_seq, fourth.reply.arg, [], refOf(from_file)));
  t.equal(after_failure.base_from, 'file');
  const last = readEngineState(new ColumnarFile(after_failure.file), h.state.capacity, h.state.notional_scale);
  replayJournal(journal_dir, after_failure.seq + 1, count, (v, base) => { last.apply(v, base); });
  t.equal(stateHash(last), stateHash(whole.state), 'and the chain still equals the whole journal');
  t.end();
});

t.test('the snapshot task\'s thread records its thread id on the snapshot line of the health block, so its CPU can be told apart, and takes the nice value asked for', async (t) => {
  const { data_dir, journal_dir, h, markers: [marker] } = markedSessions(t, [5]);
  journal(h, journal_dir, 1000);
  const health = new WorkerHealthBlock();
  health.setThreadNice(WorkerId.SNAPSHOT, 12);
  const pool = createSnapshotPool();
  t.teardown(() => pool.destroy());
  await pool.run({ ...taskInput(h, data_dir, marker.reply.last_seq, marker.reply.arg), health_buffer: health.buffer });
  const tid = health.view(WorkerId.SNAPSHOT).os_tid;
  t.type(tid, 'number');
  t.not(tid, process.pid, 'the pool\'s thread, not the main thread');
  t.ok(fs.existsSync(`/proc/${process.pid}/task/${tid}`), 'a thread of this process');
  t.equal(health.view(WorkerId.SNAPSHOT).thread_nice, 12, 'it yields to the order path (OMS_BACKGROUND_NICE)');
});

t.test('a journal that starts after every usable snapshot stops recovery with a clear error', (t) => {
  const data_dir = tempDir(t);
  const journal_dir = path.join(data_dir, 'journal');
  const h = new EngineHarness();
  session(h, 10);
  journal(h, journal_dir, 20);
  fs.rmSync(listSegments(journal_dir)[0].path);
  t.throws(() => planRecovery(data_dir, scanJournal(journal_dir)), RecoveryError);
  t.end();
});
