/**
 * The journal on real files: what a crash can leave behind (a torn tail) is cut at the
 * last whole record; anything else (a bad record with good ones after it, damage in an
 * older segment, a sequence gap) stops recovery with a clear error rather than a guess.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { EVENT_SLOT_BYTES, EV_SEQ, EV_TYPE } from '../../../engine/protocol/event_layout.js';
import { EventType } from '../../../engine/protocol/enums.js';
import { slotViewsOver } from '../../../engine/protocol/slot_views.js';
import { JournalCorruptionError, JournalTail, listSegments, scanJournal } from '../../../services/journal/journal_reader.js';
import { RECORD_BYTES, SEGMENT_HEADER_BYTES } from '../../../services/journal/journal_layout.js';
import { JournalWriter } from '../../../services/journal/journal_writer.js';

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-test-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes `count` events (sequences from..from+count-1) through the real writer. */
function writeEvents(dir: string, from: number, count: number, segment_bytes = 1 << 20): void {
  const writer = new JournalWriter({ directory: dir, durability: 'fsync', segment_bytes, buffer_records: 64 });
  writer.open(from);
  const slot = slotViewsOver(new ArrayBuffer(EVENT_SLOT_BYTES));
  for (let seq = from; seq < from + count; seq++) {
    slot.u8.fill(0);
    slot.f64[EV_SEQ >> 3] = seq;
    slot.u8[EV_TYPE] = EventType.REJECTED;
    writer.append(slot, 0);
  }
  writer.close();
}

function readAll(dir: string, from: number, to: number): number[] {
  const seqs: number[] = [];
  const tail = new JournalTail(dir);
  tail.seek(from);
  while (tail.nextSeq <= to) {
    if (tail.read(to, 1000, (v, base) => seqs.push(v.f64[(base + EV_SEQ) >> 3])) === 0) break;
  }
  tail.close();
  return seqs;
}

t.test('a clean journal scans whole and reads back every record across segments', (t) => {
  const dir = tempDir(t);
  writeEvents(dir, 1, 500, SEGMENT_HEADER_BYTES + 100 * RECORD_BYTES);
  const scan = scanJournal(dir);
  t.equal(scan.last_seq, 500);
  t.equal(scan.torn, null);
  t.ok(scan.segments.length >= 5, 'the writer rolled segments');
  t.same(readAll(dir, 1, 500), Array.from({ length: 500 }, (_, i) => i + 1));
  t.same(readAll(dir, 250, 260), Array.from({ length: 11 }, (_, i) => i + 250), 'reading can start at any sequence');
  t.end();
});

t.test('a partial last record is a torn tail: repair cuts it and keeps every whole record', (t) => {
  const dir = tempDir(t);
  writeEvents(dir, 1, 20);
  const [segment] = listSegments(dir);
  const size = fs.statSync(segment.path).size;
  fs.truncateSync(segment.path, size - RECORD_BYTES / 2);
  t.throws(() => readAll(dir, 1, 20), JournalCorruptionError, 'the torn record is never handed out');
  const scan = scanJournal(dir, { repair: true });
  t.equal(scan.last_seq, 19);
  t.equal(scan.torn?.offset, SEGMENT_HEADER_BYTES + 19 * RECORD_BYTES);
  t.equal(fs.statSync(segment.path).size, SEGMENT_HEADER_BYTES + 19 * RECORD_BYTES, 'the file is cut at the last whole record');
  t.same(readAll(dir, 1, 19).length, 19);
  t.end();
});

t.test('a last record with a bad checksum and nothing valid after it is also a torn tail', (t) => {
  const dir = tempDir(t);
  writeEvents(dir, 1, 10);
  const [segment] = listSegments(dir);
  const fd = fs.openSync(segment.path, 'r+');
  fs.writeSync(fd, Buffer.from([0xff, 0xee]), 0, 2, SEGMENT_HEADER_BYTES + 9 * RECORD_BYTES + 40);
  fs.closeSync(fd);
  const scan = scanJournal(dir, { repair: true });
  t.equal(scan.last_seq, 9);
  t.not(scan.torn, null);
  t.end();
});

t.test('a bad record followed by good ones is corruption, not a torn tail: recovery refuses to guess', (t) => {
  const dir = tempDir(t);
  writeEvents(dir, 1, 10);
  const [segment] = listSegments(dir);
  const fd = fs.openSync(segment.path, 'r+');
  fs.writeSync(fd, Buffer.from([0x55]), 0, 1, SEGMENT_HEADER_BYTES + 4 * RECORD_BYTES + 60);
  fs.closeSync(fd);
  const before = fs.statSync(segment.path).size;
  t.throws(() => scanJournal(dir, { repair: true }), JournalCorruptionError);
  t.equal(fs.statSync(segment.path).size, before, 'nothing was cut');
  t.end();
});

t.test('damage in an older, closed segment is corruption', (t) => {
  const dir = tempDir(t);
  writeEvents(dir, 1, 300, SEGMENT_HEADER_BYTES + 100 * RECORD_BYTES);
  const [first] = listSegments(dir);
  const fd = fs.openSync(first.path, 'r+');
  fs.writeSync(fd, Buffer.from([0x01]), 0, 1, fs.statSync(first.path).size - 5);
  fs.closeSync(fd);
  t.throws(() => scanJournal(dir, { repair: true }), /closed segment/);
  t.end();
});

t.test('a missing segment (a gap in sequences) is corruption', (t) => {
  const dir = tempDir(t);
  writeEvents(dir, 1, 300, SEGMENT_HEADER_BYTES + 100 * RECORD_BYTES);
  const segments = listSegments(dir);
  fs.rmSync(segments[1].path);
  t.throws(() => scanJournal(dir), /starts at sequence/);
  t.end();
});

t.test('a segment created by a crash before its header was written is removed by repair', (t) => {
  const dir = tempDir(t);
  writeEvents(dir, 1, 10);
  fs.writeFileSync(path.join(dir, '00000000000000000011.seg'), Buffer.alloc(10));
  const scan = scanJournal(dir, { repair: true });
  t.equal(scan.last_seq, 10);
  t.equal(listSegments(dir).length, 1);
  t.end();
});

t.test('the writer refuses a sequence gap instead of journaling it', (t) => {
  const dir = tempDir(t);
  const writer = new JournalWriter({ directory: dir, durability: 'write', segment_bytes: 1 << 20, buffer_records: 8 });
  writer.open(1);
  const slot = slotViewsOver(new ArrayBuffer(EVENT_SLOT_BYTES));
  slot.f64[EV_SEQ >> 3] = 2;
  t.throws(() => writer.append(slot, 0), /expected sequence 1/);
  writer.close();
  t.end();
});

t.test('segments roll at their size limit even when one flush holds more than a segment', (t) => {
  const dir = tempDir(t);
  const writer = new JournalWriter({ directory: dir, durability: 'write', segment_bytes: SEGMENT_HEADER_BYTES + 10 * RECORD_BYTES, buffer_records: 64 });
  writer.open(1);
  const slot = slotViewsOver(new ArrayBuffer(EVENT_SLOT_BYTES));
  for (let seq = 1; seq <= 35; seq++) {
    slot.f64[EV_SEQ >> 3] = seq;
    writer.append(slot, 0);
  }
  writer.close();
  const segments = listSegments(dir);
  t.same(segments.map((s) => s.first_seq), [1, 11, 21, 31]);
  for (const s of segments) t.ok(fs.statSync(s.path).size <= SEGMENT_HEADER_BYTES + 10 * RECORD_BYTES, `${s.path} is within its limit`);
  t.end();
});

t.test('a restart after a run that journaled nothing reuses the empty segment instead of failing', (t) => {
  const dir = tempDir(t);
  const first = new JournalWriter({ directory: dir, durability: 'fsync', segment_bytes: 1 << 20, buffer_records: 8 });
  first.open(1);
  first.close();
  const scan = scanJournal(dir, { repair: true });
  t.equal(scan.last_seq, 0);
  const second = new JournalWriter({ directory: dir, durability: 'fsync', segment_bytes: 1 << 20, buffer_records: 8 });
  t.doesNotThrow(() => second.open(scan.last_seq + 1));
  second.close();
  t.end();
});
