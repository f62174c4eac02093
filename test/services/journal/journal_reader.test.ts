/**
 * The journal on real files: what a crash can leave behind (a torn tail) is cut at the
 * last whole record; anything else (a bad record with good ones after it, damage in an
 * older segment, a sequence gap) stops recovery with a clear error rather than a guess.
 *
 * Segments are preallocated (journal_layout.ts), so most tests here run on both shapes a
 * segment can have: preallocated (the data followed by zeros up to segment_bytes) and
 * appended (the file ends with the data, as earlier builds and the no-spare fallback
 * write it). Either shape is made from the writer's output by setting the file's size.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { EVENT_SLOT_BYTES, EV_SEQ, EV_TYPE } from '../../../engine/protocol/event_layout.js';
import { EventType } from '../../../engine/protocol/enums.js';
import { slotViewsOver } from '../../../engine/protocol/slot_views.js';
import { JournalCorruptionError, JournalTail, listSegments, scanJournal } from '../../../services/journal/journal_reader.js';
import { RECORD_BYTES, SEGMENT_HEADER_BYTES, SPARE_PREPARING_NAME, SPARE_READY_NAME } from '../../../services/journal/journal_layout.js';
import { JournalWriter } from '../../../services/journal/journal_writer.js';

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-test-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes `count` events (sequences from..from+count-1) through the real writer. */
function writeEvents(dir: string, from: number, count: number, segment_bytes = SEGMENT_BYTES): void {
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

const SEGMENT_BYTES = 1 << 20;
const SHAPES = ['preallocated', 'appended'] as const;
type Shape = (typeof SHAPES)[number];

/** The byte after the first `records` records of a segment. */
function dataEnd(records: number): number {
  return SEGMENT_HEADER_BYTES + records * RECORD_BYTES;
}

/**
 * Gives a segment whose data ends at `data_end` the given shape: zeros up to
 * SEGMENT_BYTES (whatever was after data_end is zeroed first), or nothing after the data.
 */
function shape(file: string, data_end: number, as: Shape): void {
  fs.truncateSync(file, data_end);
  if (as === 'preallocated') fs.truncateSync(file, SEGMENT_BYTES);
}

function overwrite(file: string, at: number, bytes: Buffer): void {
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, bytes, 0, bytes.length, at);
  fs.closeSync(fd);
}

function readRecordBytes(file: string, index: number): Buffer {
  const bytes = Buffer.alloc(RECORD_BYTES);
  const fd = fs.openSync(file, 'r');
  fs.readSync(fd, bytes, 0, RECORD_BYTES, dataEnd(index));
  fs.closeSync(fd);
  return bytes;
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

for (const as of SHAPES) {
  t.test(`${as}: a partial last record is a torn tail: repair cuts it and keeps every whole record`, (t) => {
    const dir = tempDir(t);
    writeEvents(dir, 1, 20);
    const [segment] = listSegments(dir);
    // The last record's second half never made it: cut short, or zeros where it should be.
    shape(segment.path, dataEnd(20) - RECORD_BYTES / 2, as);
    t.throws(() => readAll(dir, 1, 20), JournalCorruptionError, 'the torn record is never handed out');
    const scan = scanJournal(dir, { repair: true });
    t.equal(scan.last_seq, 19);
    t.equal(scan.torn?.offset, dataEnd(19));
    t.equal(fs.statSync(segment.path).size, dataEnd(19), 'the file is cut at the last whole record');
    t.same(readAll(dir, 1, 19).length, 19);
    t.end();
  });

  t.test(`${as}: a last record with a bad checksum and nothing valid after it is also a torn tail`, (t) => {
    const dir = tempDir(t);
    writeEvents(dir, 1, 10);
    const [segment] = listSegments(dir);
    shape(segment.path, dataEnd(10), as);
    overwrite(segment.path, dataEnd(9) + 40, Buffer.from([0xff, 0xee]));
    const scan = scanJournal(dir, { repair: true });
    t.equal(scan.last_seq, 9);
    t.equal(scan.torn?.offset, dataEnd(9));
    t.end();
  });

  t.test(`${as}: a journal that ends after its last record, in zeros or at the end of the file, ends cleanly`, (t) => {
    const dir = tempDir(t);
    writeEvents(dir, 1, 20);
    const [segment] = listSegments(dir);
    shape(segment.path, dataEnd(20), as);
    const size = fs.statSync(segment.path).size;
    const scan = scanJournal(dir, { repair: true });
    t.equal(scan.last_seq, 20);
    t.equal(scan.torn, null, 'the zero tail is not a torn tail');
    t.equal(fs.statSync(segment.path).size, size, 'and nothing is cut');
    t.same(readAll(dir, 1, 20).length, 20);
    t.throws(() => readAll(dir, 1, 21), /journal ends before sequence 21/, 'reading past the end stops at the zeros');
    t.end();
  });

  t.test(`${as}: a segment whose records were zeroed in the middle is corruption, not an end`, (t) => {
    const dir = tempDir(t);
    writeEvents(dir, 1, 20);
    const [segment] = listSegments(dir);
    shape(segment.path, dataEnd(20), as);
    overwrite(segment.path, dataEnd(9), Buffer.alloc(RECORD_BYTES));
    t.throws(() => scanJournal(dir, { repair: true }), /data ends at byte \d+ but a valid record follows/);
    t.equal(fs.statSync(segment.path).size, as === 'preallocated' ? SEGMENT_BYTES : dataEnd(20), 'nothing was cut');
    t.end();
  });
}

t.test('a valid record far out in the zero tail is corruption', (t) => {
  const dir = tempDir(t);
  writeEvents(dir, 1, 20);
  const [segment] = listSegments(dir);
  shape(segment.path, dataEnd(20), 'preallocated');
  overwrite(segment.path, dataEnd(4000), readRecordBytes(segment.path, 4));
  t.throws(() => scanJournal(dir, { repair: true }), JournalCorruptionError);
  t.equal(fs.statSync(segment.path).size, SEGMENT_BYTES, 'nothing was cut');
  t.end();
});

t.test('a torn record, zeros, then bytes that are no record: still a torn tail', (t) => {
  const dir = tempDir(t);
  writeEvents(dir, 1, 20);
  const [segment] = listSegments(dir);
  shape(segment.path, dataEnd(20) - 100, 'preallocated');
  // A later page of the same interrupted write reached the disk, an earlier one did not.
  overwrite(segment.path, dataEnd(30) + 17, Buffer.alloc(300, 0x5a));
  const scan = scanJournal(dir, { repair: true });
  t.equal(scan.last_seq, 19);
  t.equal(fs.statSync(segment.path).size, dataEnd(19));
  t.end();
});

t.test('a closed segment that ends in zeros is whole when the next segment follows on', (t) => {
  const dir = tempDir(t);
  writeEvents(dir, 1, 300, dataEnd(100));
  const segments = listSegments(dir);
  t.equal(segments.length, 3);
  for (const s of segments) shape(s.path, dataEnd(100), 'preallocated');
  const scan = scanJournal(dir, { repair: true });
  t.equal(scan.last_seq, 300);
  t.equal(scan.torn, null);
  t.same(readAll(dir, 1, 300), Array.from({ length: 300 }, (_, i) => i + 1), 'a reader crosses from the zeros to the next segment');
  t.end();
});

t.test('records lost to zeros at the end of a closed segment show as a gap: corruption', (t) => {
  const dir = tempDir(t);
  writeEvents(dir, 1, 300, dataEnd(100));
  const [first] = listSegments(dir);
  shape(first.path, dataEnd(90), 'preallocated');
  t.throws(() => scanJournal(dir, { repair: true }), /starts at sequence 101, expected 91/);
  t.end();
});

t.test('a last segment of nothing but zeros (a roll-over interrupted before its header) is removed by repair', (t) => {
  const dir = tempDir(t);
  writeEvents(dir, 1, 10);
  const interrupted = path.join(dir, '00000000000000000011.seg');
  fs.writeFileSync(interrupted, Buffer.alloc(SEGMENT_BYTES));
  const scan = scanJournal(dir, { repair: true });
  t.equal(scan.last_seq, 10);
  t.same(scan.torn, { path: interrupted, offset: 0, bytes_cut: SEGMENT_BYTES });
  t.notOk(fs.existsSync(interrupted));
  t.end();
});

t.test('a last segment with a zeroed header but data after it is corruption', (t) => {
  const dir = tempDir(t);
  writeEvents(dir, 1, 10);
  const [segment] = listSegments(dir);
  overwrite(segment.path, 0, Buffer.alloc(SEGMENT_HEADER_BYTES));
  t.throws(() => scanJournal(dir, { repair: true }), /bad magic/);
  t.ok(fs.existsSync(segment.path));
  t.end();
});

t.test('spare segment files are not segments to the reader', (t) => {
  const dir = tempDir(t);
  writeEvents(dir, 1, 10);
  fs.writeFileSync(path.join(dir, SPARE_PREPARING_NAME), Buffer.alloc(4096, 7));
  fs.writeFileSync(path.join(dir, SPARE_READY_NAME), Buffer.alloc(4096));
  t.same(listSegments(dir).map((s) => s.first_seq), [1]);
  const scan = scanJournal(dir, { repair: true });
  t.equal(scan.last_seq, 10);
  t.equal(scan.torn, null);
  t.same(readAll(dir, 1, 10).length, 10);
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
