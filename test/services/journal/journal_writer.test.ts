/**
 * The journal writer under a real full disk (a small tmpfs): a write that fails part-way
 * is never retried, not even when space comes back before the writer is closed, since the
 * retry would append the whole buffer after the part already written.
 *
 * Such a write can only happen in a segment appended to (no spare could be prepared): a
 * preallocated segment's space is taken when it is zeroed, so a full disk no longer stops
 * writes into it.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { journaledSeqs } from '../support/journal_fixture.js';
import { EventType } from '../../../engine/protocol/enums.js';
import { EV_SEQ, EV_TYPE, EVENT_SLOT_BYTES } from '../../../engine/protocol/event_layout.js';
import { slotViewsOver } from '../../../engine/protocol/slot_views.js';
import { JournalFailedError } from '../../../services/journal/journal_failure.js';
import { listSegments } from '../../../services/journal/journal_reader.js';
import { RECORD_BYTES, SEGMENT_HEADER_BYTES } from '../../../services/journal/journal_layout.js';
import { JournalWriter } from '../../../services/journal/journal_writer.js';

const PAGE_BYTES = 4096;

/** A 256 KiB tmpfs of its own, unmounted at teardown. */
function smallTmpfs(t: { teardown(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-full-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', dir], { stdio: 'ignore' });
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  t.teardown(() => {
    execFileSync('umount', [dir], { stdio: 'ignore' });
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** Mounting needs root (or CAP_SYS_ADMIN); elsewhere the test is skipped, saying why. */
function tmpfsSkipReason(): string | false {
  try {
    smallTmpfs({ teardown: (fn) => fn() });
    return false;
  } catch {
    return 'mounting a tmpfs is not permitted here (needs root); journal_worker.test.ts covers fail-stop with a file-size limit';
  }
}

/** Fills the file system with one file until it is full, then frees `free_bytes` of it. */
function fillLeaving(dir: string, free_bytes: number): string {
  const filler = path.join(dir, 'filler');
  const fd = fs.openSync(filler, 'w');
  const page = Buffer.alloc(PAGE_BYTES, 1);
  let size = 0;
  try {
    for (;;) size += fs.writeSync(fd, page);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    fs.closeSync(fd);
  }
  fs.truncateSync(filler, size - free_bytes);
  return filler;
}


t.test('a write that fails on a full disk is not retried, even after space comes back', { skip: tmpfsSkipReason() }, (t) => {
  const disk = smallTmpfs(t);
  const journal_dir = path.join(disk, 'journal');
  const writer = new JournalWriter({ directory: journal_dir, durability: 'fsync', segment_bytes: 1 << 20, buffer_records: 64 });
  writer.open(1);
  t.equal(writer.spare_failures, 1, 'a 1 MiB spare does not fit a 256 KiB disk');
  t.equal(writer.segments_appended, 1, 'so the writer appends to a plain segment');
  t.same(fs.readdirSync(journal_dir), ['00000000000000000001.seg'], 'and the failed spare took no space');
  const filler = fillLeaving(disk, 2 * PAGE_BYTES);

  const slot = slotViewsOver(new ArrayBuffer(EVENT_SLOT_BYTES));
  slot.u8[EV_TYPE] = EventType.REJECTED;
  for (let seq = 1; seq <= 64; seq++) {
    slot.f64[EV_SEQ >> 3] = seq;
    writer.append(slot, 0);
  }
  let failure: unknown = null;
  try {
    writer.flush();
  } catch (error) {
    failure = error;
  }
  t.type(failure, JournalFailedError, 'the flush fails');
  t.match((failure as JournalFailedError).message, /journal write failed: the disk is full \(ENOSPC\)/);
  t.equal(writer.durable_seq, 0, 'nothing became durable');
  const [segment] = listSegments(journal_dir);
  const size_at_failure = fs.statSync(segment.path).size;
  t.ok(size_at_failure > SEGMENT_HEADER_BYTES && size_at_failure < SEGMENT_HEADER_BYTES + 64 * RECORD_BYTES, 'part of the buffer got through');

  // Space comes back (an operator deletes something): a retry would now succeed, and duplicate.
  fs.unlinkSync(filler);
  t.throws(() => writer.flush(), failure as Error, 'a second flush throws the same failure without writing');
  t.throws(() => writer.append(slot, 0), failure as Error, 'and so does an append');
  writer.close();
  t.equal(fs.statSync(segment.path).size, size_at_failure, 'closing wrote nothing either');
  t.equal(writer.durable_seq, 0);
  const whole_records = Math.floor((size_at_failure - SEGMENT_HEADER_BYTES) / RECORD_BYTES);
  t.same(journaledSeqs(journal_dir), Array.from({ length: whole_records }, (_, i) => i + 1), 'the journal holds each record once');
  t.end();
});

t.test('a preallocated segment keeps taking records when the disk is full', { skip: tmpfsSkipReason() }, (t) => {
  const disk = smallTmpfs(t);
  const journal_dir = path.join(disk, 'journal');
  const segment_bytes = SEGMENT_HEADER_BYTES + 200 * RECORD_BYTES;
  const writer = new JournalWriter({ directory: journal_dir, durability: 'fsync', segment_bytes, buffer_records: 64 });
  writer.open(1);
  t.equal(writer.segments_preallocated, 1);
  fillLeaving(disk, 0);

  const slot = slotViewsOver(new ArrayBuffer(EVENT_SLOT_BYTES));
  slot.u8[EV_TYPE] = EventType.REJECTED;
  for (let seq = 1; seq <= 200; seq++) {
    slot.f64[EV_SEQ >> 3] = seq;
    writer.append(slot, 0);
  }
  t.doesNotThrow(() => writer.flush(), 'the records overwrite zeros already on the disk');
  t.equal(writer.durable_seq, 200);
  writer.close();
  t.same(journaledSeqs(journal_dir), Array.from({ length: 200 }, (_, i) => i + 1));
  t.end();
});
