/**
 * Preallocated journal segments on real files: a segment is its full size of zeros before
 * the first record goes in and never changes size while written; at roll-over a ready
 * spare (made by the real spare thread) is renamed into place, and without one the writer
 * appends to a plain segment, correctly, and counts it; start-up cleans up what a crash
 * or a stop left (a half-prepared spare, an interrupted roll-over, the previous run's
 * zero tail); retention and recovery never take a spare for a segment.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { EventType } from '../../../engine/protocol/enums.js';
import { EV_SEQ, EV_TYPE, EVENT_SLOT_BYTES } from '../../../engine/protocol/event_layout.js';
import { slotViewsOver } from '../../../engine/protocol/slot_views.js';
import { listSegments, scanJournal } from '../../../services/journal/journal_reader.js';
import { RECORD_BYTES, SEGMENT_HEADER_BYTES, SPARE_PREPARING_NAME, SPARE_READY_NAME } from '../../../services/journal/journal_layout.js';
import { JournalWriter } from '../../../services/journal/journal_writer.js';
import { SpareSegmentThread } from '../../../services/journal/spare_segment_thread.js';
import type { SpareSupply } from '../../../services/journal/spare_supply.js';
import { retireSegments } from '../../../services/snapshot/journal_retention.js';
import { journaledSeqs, waitFor } from '../support/journal_fixture.js';

/** Room for exactly 100 records. */
const SEGMENT_BYTES = SEGMENT_HEADER_BYTES + 100 * RECORD_BYTES;

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-prealloc-test-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function dataEnd(records: number): number {
  return SEGMENT_HEADER_BYTES + records * RECORD_BYTES;
}

function openWriter(dir: string, first_seq: number, spares?: SpareSupply, segment_bytes = SEGMENT_BYTES): JournalWriter {
  const writer = new JournalWriter({ directory: dir, durability: 'fsync', segment_bytes, buffer_records: 16, spares });
  writer.open(first_seq);
  return writer;
}

const slot = slotViewsOver(new ArrayBuffer(EVENT_SLOT_BYTES));

/** Appends sequences from..to, flushing after each `per_flush`. */
function appendRange(writer: JournalWriter, from: number, to: number, per_flush = 10): void {
  for (let seq = from; seq <= to; seq++) {
    slot.u8.fill(0);
    slot.f64[EV_SEQ >> 3] = seq;
    slot.u8[EV_TYPE] = EventType.REJECTED;
    writer.append(slot, 0);
    if ((seq - from + 1) % per_flush === 0) writer.flush();
  }
  writer.flush();
}

function isAllZero(file: string, from: number): boolean {
  const bytes = fs.readFileSync(file);
  return bytes.subarray(from).every((b) => b === 0);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** A spare thread fast enough for tests (a 20 KiB spare in one chunk, no pause). */
function fastSpares(t: { teardown(fn: () => void): void }, dir: string): SpareSegmentThread {
  const spares = new SpareSegmentThread(dir, SEGMENT_BYTES, { pause_ms: 0, sync_every_bytes: 1 << 20 });
  t.teardown(() => { spares.close(); return spares.exited(); });
  return spares;
}

/** A spare thread that will not finish a spare while the test runs (a burst outruns it). */
function stalledSpares(t: { teardown(fn: () => void): void }, dir: string, segment_bytes = SEGMENT_BYTES): SpareSegmentThread {
  const spares = new SpareSegmentThread(dir, segment_bytes, { pause_ms: 60_000, sync_every_bytes: 1 << 20 });
  t.teardown(() => { spares.close(); return spares.exited(); });
  return spares;
}

t.test('a new segment is its full size of zeros before the first record, and a flush never changes its size', (t) => {
  const dir = tempDir(t);
  const writer = openWriter(dir, 1);
  const [segment] = listSegments(dir);
  t.equal(fs.statSync(segment.path).size, SEGMENT_BYTES, 'created at segment_bytes');
  t.ok(isAllZero(segment.path, SEGMENT_HEADER_BYTES), 'of real zeros after the header');
  for (let flush = 0; flush < 5; flush++) {
    appendRange(writer, flush * 10 + 1, flush * 10 + 10);
    t.equal(fs.statSync(segment.path).size, SEGMENT_BYTES, `the size is the same after flush ${flush + 1}`);
  }
  t.equal(writer.segments_preallocated, 1);
  t.equal(writer.segments_appended, 0);
  writer.close();
  t.same(journaledSeqs(dir), range(1, 50));
  t.end();
});

t.test('at roll-over a ready spare from the spare thread becomes the next segment', async (t) => {
  const dir = tempDir(t);
  const spares = fastSpares(t, dir);
  const writer = openWriter(dir, 1, spares);
  await waitFor(() => spares.ready, 10_000, 'the spare thread to prepare the next spare');
  const spare_inode = fs.statSync(path.join(dir, SPARE_READY_NAME)).ino;
  t.equal(fs.statSync(path.join(dir, SPARE_READY_NAME)).size, SEGMENT_BYTES, 'the spare has the segment size');
  t.ok(isAllZero(path.join(dir, SPARE_READY_NAME), 0), 'and holds only zeros');

  appendRange(writer, 1, 150);
  const segments = listSegments(dir);
  t.same(segments.map((s) => s.first_seq), [1, 101]);
  t.equal(fs.statSync(segments[1].path).ino, spare_inode, 'the spare file was renamed into place, not copied');
  t.equal(fs.statSync(segments[1].path).size, SEGMENT_BYTES);
  t.equal(writer.segments_preallocated, 2);
  t.equal(writer.segments_appended, 0);
  await waitFor(() => spares.ready, 10_000, 'the spare thread to prepare the spare after that');
  t.equal(spares.prepared, 2, 'and the thread prepared the next one');

  writer.close();
  t.same(journaledSeqs(dir), range(1, 150));
  t.equal(scanJournal(dir).torn, null);
});

t.test('at roll-over without a ready spare the writer appends to a plain segment, and counts it', async (t) => {
  const dir = tempDir(t);
  // Larger than one chunk of zeros, so that the stalled thread stops half-way.
  const segment_bytes = dataEnd(1000);
  const spares = stalledSpares(t, dir, segment_bytes);
  const writer = openWriter(dir, 1, spares, segment_bytes);
  appendRange(writer, 1, 1030);
  const segments = listSegments(dir);
  t.same(segments.map((s) => s.first_seq), [1, 1001]);
  t.equal(writer.segments_preallocated, 1, 'the first segment was zeroed at start-up');
  t.equal(writer.segments_appended, 1, 'the second had no spare to come from');
  t.equal(fs.statSync(segments[1].path).size, dataEnd(30), 'it grows with its records, as before preallocation');
  appendRange(writer, 1031, 1050);
  t.equal(fs.statSync(segments[1].path).size, dataEnd(50));
  await waitFor(() => fs.existsSync(path.join(dir, SPARE_PREPARING_NAME)), 10_000, 'the spare thread to start zeroing');
  t.notOk(spares.ready, 'a spare is on its way, not ready');

  writer.close();
  await spares.exited();
  t.notOk(fs.existsSync(path.join(dir, SPARE_PREPARING_NAME)), 'the stopped thread deleted its half-prepared spare');
  t.same(journaledSeqs(dir), range(1, 1050));
  t.equal(scanJournal(dir).torn, null);
});

t.test('a spare that cannot be prepared leaves no file behind, the journal appends instead, and tries again at the next roll-over', (t) => {
  const dir = tempDir(t);
  // A directory where the ready spare goes: every preparation fails at its rename, as a full disk would fail it earlier.
  const blocker = path.join(dir, SPARE_READY_NAME);
  fs.mkdirSync(path.join(blocker, 'in-the-way'), { recursive: true });
  const writer = openWriter(dir, 1);
  t.equal(writer.spare_failures, 1, 'the start-up could not prepare a spare');
  t.equal(writer.segments_appended, 1, 'so the first segment is appended to');
  t.notOk(fs.existsSync(path.join(dir, SPARE_PREPARING_NAME)), 'and no half-prepared spare is left');
  appendRange(writer, 1, 120);
  t.equal(writer.spare_failures, 2, 'the roll-over tried again');
  t.equal(writer.segments_appended, 2);
  fs.rmSync(blocker, { recursive: true });
  appendRange(writer, 121, 220);
  t.equal(writer.segments_preallocated, 1, 'with room again, the next roll-over has its spare');
  writer.close();
  t.same(journaledSeqs(dir), range(1, 220));
  t.notOk(fs.existsSync(path.join(dir, SPARE_PREPARING_NAME)));
  t.end();
});

t.test('start-up deletes a half-prepared spare and one of another size, and makes its first segment from a ready one', (t) => {
  const dir = tempDir(t);
  fs.writeFileSync(path.join(dir, SPARE_PREPARING_NAME), Buffer.alloc(1000, 9));
  fs.writeFileSync(path.join(dir, SPARE_READY_NAME), Buffer.alloc(SEGMENT_BYTES * 2));
  const first = openWriter(dir, 1);
  t.notOk(fs.existsSync(path.join(dir, SPARE_PREPARING_NAME)), 'the half-prepared spare is gone');
  t.notOk(fs.existsSync(path.join(dir, SPARE_READY_NAME)), 'the spare of another size is gone');
  appendRange(first, 1, 10);
  first.close();

  fs.writeFileSync(path.join(dir, SPARE_READY_NAME), Buffer.alloc(SEGMENT_BYTES));
  const ready_inode = fs.statSync(path.join(dir, SPARE_READY_NAME)).ino;
  const second = openWriter(dir, 11);
  const segments = listSegments(dir);
  t.same(segments.map((s) => s.first_seq), [1, 11]);
  t.equal(fs.statSync(segments[1].path).ino, ready_inode, 'the ready spare of the right size became the new segment');
  appendRange(second, 11, 20);
  second.close();
  t.same(journaledSeqs(dir), range(1, 20));
  t.end();
});

t.test('a restart gives back the zero tail of the previous run\'s last segment, and only zeros', (t) => {
  const dir = tempDir(t);
  const first = openWriter(dir, 1);
  appendRange(first, 1, 10);
  first.close();
  const [segment] = listSegments(dir);
  t.equal(fs.statSync(segment.path).size, SEGMENT_BYTES);
  const second = openWriter(dir, scanJournal(dir, { repair: true }).last_seq + 1);
  t.equal(fs.statSync(segment.path).size, dataEnd(10), 'cut at its last record');
  appendRange(second, 11, 15);
  second.close();
  t.same(journaledSeqs(dir), range(1, 15));

  // Bytes that are not zeros after the records are not the writer's to cut.
  const dir2 = tempDir(t);
  const third = openWriter(dir2, 1);
  appendRange(third, 1, 10);
  third.close();
  const [kept] = listSegments(dir2);
  const fd = fs.openSync(kept.path, 'r+');
  fs.writeSync(fd, Buffer.from([1]), 0, 1, dataEnd(50));
  fs.closeSync(fd);
  openWriter(dir2, 11).close();
  t.equal(fs.statSync(kept.path).size, SEGMENT_BYTES, 'left whole');
  t.end();
});

t.test('a roll-over interrupted between the rename and the header loses nothing: recovery deletes it and writing goes on', (t) => {
  const dir = tempDir(t);
  const writer = openWriter(dir, 1);
  appendRange(writer, 1, 40);
  writer.close();
  // What a crash right after renaming the spare leaves: a last segment of nothing but zeros.
  fs.writeFileSync(path.join(dir, SPARE_READY_NAME), Buffer.alloc(SEGMENT_BYTES));
  fs.renameSync(path.join(dir, SPARE_READY_NAME), path.join(dir, '00000000000000000041.seg'));
  const scan = scanJournal(dir, { repair: true });
  t.equal(scan.last_seq, 40);
  t.equal(scan.torn?.offset, 0);
  const next = openWriter(dir, 41);
  appendRange(next, 41, 60);
  next.close();
  t.same(journaledSeqs(dir), range(1, 60));
  t.end();
});

t.test('retention and recovery never take a spare for a segment', (t) => {
  const dir = tempDir(t);
  const writer = openWriter(dir, 1);
  appendRange(writer, 1, 350);
  writer.close();
  fs.writeFileSync(path.join(dir, SPARE_PREPARING_NAME), Buffer.alloc(4096, 3));
  fs.writeFileSync(path.join(dir, SPARE_READY_NAME), Buffer.alloc(SEGMENT_BYTES));
  t.same(listSegments(dir).map((s) => s.first_seq), [1, 101, 201, 301]);
  t.equal(scanJournal(dir, { repair: true }).last_seq, 350, 'recovery reads past the spares');
  const retired = retireSegments(dir, 250);
  t.same(retired.map((p) => path.basename(p)), ['00000000000000000001.seg', '00000000000000000101.seg']);
  t.ok(fs.existsSync(path.join(dir, SPARE_READY_NAME)), 'retention leaves the ready spare');
  t.ok(fs.existsSync(path.join(dir, SPARE_PREPARING_NAME)), 'and the half-prepared one (start-up deletes it)');
  openWriter(dir, 351).close();
  t.notOk(fs.existsSync(path.join(dir, SPARE_PREPARING_NAME)), 'start-up deleted the half-prepared spare');
  t.end();
});
