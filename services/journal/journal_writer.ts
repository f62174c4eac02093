/**
 * Writes event records to journal segments with group commit: the journal agent appends
 * every event it finds on the ring into one buffer, then `flush` writes the whole buffer
 * with one write and (in fsync mode) one fdatasync. Durable-up-to moves once per flush.
 *
 * Segments are preallocated (journal_layout.ts): each one is a spare file of
 * `segment_bytes` real, fdatasync'd zeros, renamed into place with its header written, and
 * records overwrite the zeros, so a flush's fdatasync commits no file-size change. The
 * spare for the next segment comes from a SpareSupply (spare_supply.ts): the journal
 * worker's thread prepares it in the background; when it is not ready at roll-over, the
 * writer creates a plain segment and appends to it, as before preallocation
 * (`segments_appended` counts these). The first segment of a run is made from a ready
 * spare left by the previous run, or zeroed on the spot: start-up is not the order path.
 *
 * A new segment is started when the current one would pass `segment_bytes`, and always
 * on start-up, so a write never follows a possibly torn tail; the start-up also gives back
 * the zero tail of the previous run's last segment. Creating a segment fsyncs the
 * directory too, or a crash could lose the file's name.
 *
 * The first write, fsync or segment operation that fails stops the writer for good (see
 * journal_failure.ts): it keeps the failure, does no more I/O, and every later call throws
 * it. Nothing buffered is written again, and durable_seq never moves past what was both
 * written and (in fsync mode) fsync'd. A spare that cannot be prepared is not such a
 * failure: preallocation only saves time, so the writer appends instead, and a full disk
 * shows up as the failed write it then is.
 */
import fs from 'node:fs';
import path from 'node:path';
import { EV_SEQ, EVENT_SLOT_BYTES } from '../../engine/protocol/event_layout.js';
import { SlotViews } from '../../engine/protocol/slot_views.js';
import { systemClock } from '../../engine/agent/clock.js';
import { crc32cOf } from './crc32c.js';
import { Durability } from './durability.js';
import { JournalFailedError, JournalOperation } from './journal_failure.js';
import { fsyncDirectory } from '../storage/fsync_directory.js';
import {
  JOURNAL_EVENT_LAYOUT_VERSION, JOURNAL_FORMAT_VERSION, JOURNAL_MAGIC, RECORD_BYTES, REC_CRC, REC_PAYLOAD,
  REC_PAYLOAD_LENGTH, REC_SEQ, SEGMENT_HEADER_BYTES, SH_CREATED_AT_MS, SH_CRC_COVERS_BYTES, SH_EVENT_LAYOUT,
  SH_FIRST_SEQ, SH_FORMAT_VERSION, SH_HEADER_CRC, SH_MAGIC, SH_RECORD_BYTES, segmentFileName,
} from './journal_layout.js';
import { listSegments } from './journal_reader.js';
import { cleanUpSpares, prepareSpareNow, spareReadyPath } from './spare_segment_file.js';
import { InlineSpareSupply, SpareSupply } from './spare_supply.js';
import { isZero } from './zero_bytes.js';

export interface JournalWriterOptions {
  readonly directory: string;
  readonly durability: typeof Durability.FSYNC | typeof Durability.WRITE;
  readonly segment_bytes: number;
  /** Records buffered before a flush is forced. */
  readonly buffer_records: number;
  /** Where spares for the next segments come from; default: prepared on the spot at roll-over (InlineSpareSupply). */
  readonly spares?: SpareSupply;
}

export class JournalWriter {
  readonly directory: string;
  private readonly options: JournalWriterOptions;
  private readonly buffer: Buffer;
  private buffered_bytes = 0;
  private buffered_records = 0;
  private readonly spares: SpareSupply;
  private fd = -1;
  /** Bytes of the current segment in use (header and records): where the next write goes. */
  private segment_size = 0;
  private next_seq = 0;
  /** Highest sequence written and (per the durability mode) made durable. */
  durable_seq = 0;
  /** Counters for health and metrics. */
  flushes = 0;
  bytes_written = 0;
  last_flush_us = 0;
  /** Segments made from a spare, and plain segments appended to because no spare was ready. */
  segments_preallocated = 0;
  segments_appended = 0;
  /** Spares the start-up could not prepare (the supply counts its own). */
  private startup_spare_failures = 0;
  /** The last flush's times, epoch µs (stage timing: the flush log). */
  last_write_start_us = 0;
  last_write_done_us = 0;
  last_sync_done_us = 0;
  /** What stopped the writer, or null while it works. Once set, the writer does no more I/O. */
  failure: JournalFailedError | null = null;

  constructor(options: JournalWriterOptions) {
    if (options.segment_bytes < SEGMENT_HEADER_BYTES + RECORD_BYTES) throw new Error('segment_bytes too small for one record');
    this.options = options;
    this.directory = options.directory;
    this.buffer = Buffer.allocUnsafeSlow(options.buffer_records * RECORD_BYTES);
    fs.mkdirSync(this.directory, { recursive: true });
    this.spares = options.spares ?? new InlineSpareSupply(options.directory, options.segment_bytes);
  }

  /** Spares that could not be prepared, at start-up or by the supply. */
  get spare_failures(): number {
    return this.startup_spare_failures + this.spares.failures;
  }

  /**
   * Starts writing at `first_seq` (last recovered sequence + 1) in a fresh segment. The
   * journal must have been scanned (and repaired) first: it ends at first_seq - 1.
   */
  open(first_seq: number): void {
    this.next_seq = first_seq;
    this.durable_seq = first_seq - 1;
    cleanUpSpares(this.directory, this.options.segment_bytes);
    const existing = path.join(this.directory, segmentFileName(first_seq));
    if (fs.existsSync(existing) && holdsNoRecord(existing)) {
      // A previous run that journaled nothing after its start leaves an empty segment with
      // this very name; recovery already found no record in it, so it is replaced.
      fs.unlinkSync(existing);
    }
    trimZeroTail(this.directory, first_seq);
    let spare_ready = true;
    try {
      prepareSpareNow(this.directory, this.options.segment_bytes);
    } catch {
      this.startup_spare_failures++;
      spare_ready = false;
    }
    this.openSegment(first_seq, spare_ready);
  }

  /** True if the buffer has no room for another record (flush first). */
  isFull(): boolean {
    return this.buffered_records * RECORD_BYTES + RECORD_BYTES > this.buffer.length;
  }

  get pendingRecords(): number {
    return this.buffered_records;
  }

  /** Copies one event slot into the write buffer. Sequences must arrive gap-free. */
  append(v: SlotViews, base: number): void {
    if (this.failure !== null) throw this.failure;
    const seq = v.f64[(base + EV_SEQ) >> 3];
    if (seq !== this.next_seq) throw new Error(`journal expected sequence ${this.next_seq}, got ${seq}`);
    const segment_bytes_so_far = this.segment_size + this.buffered_bytes;
    if (segment_bytes_so_far + RECORD_BYTES > this.options.segment_bytes && segment_bytes_so_far > SEGMENT_HEADER_BYTES) {
      this.flush();
      this.closeSegment();
      this.openSegment(seq, this.spares.claim());
    }
    if (this.isFull()) this.flush();
    const at = this.buffered_bytes;
    const buffer = this.buffer;
    buffer.writeUInt32LE(EVENT_SLOT_BYTES, at + REC_PAYLOAD_LENGTH);
    buffer.writeDoubleLE(seq, at + REC_SEQ);
    buffer.set(v.u8.subarray(base, base + EVENT_SLOT_BYTES), at + REC_PAYLOAD);
    buffer.writeUInt32LE(crc32cOf(buffer.subarray(at + REC_SEQ, at + RECORD_BYTES)), at + REC_CRC);
    this.buffered_bytes += RECORD_BYTES;
    this.buffered_records++;
    this.next_seq = seq + 1;
  }

  /** Writes everything buffered with one write, then fdatasyncs in fsync mode. Throws JournalFailedError, once and for good. */
  flush(): void {
    if (this.failure !== null) throw this.failure;
    if (this.buffered_bytes === 0) return;
    const started = performance.now();
    this.last_write_start_us = systemClock.nowUs();
    let written = 0;
    try {
      // At the segment's logical end: in a preallocated segment that overwrites zeros.
      while (written < this.buffered_bytes) {
        written += fs.writeSync(this.fd, this.buffer, written, this.buffered_bytes - written, this.segment_size + written);
      }
    } catch (error) {
      // Part of the buffer may be in the file already: writing it again would duplicate it.
      this.fail('write', error);
    }
    this.last_write_done_us = systemClock.nowUs();
    if (this.options.durability === 'fsync') {
      try {
        fs.fdatasyncSync(this.fd);
      } catch (error) {
        this.fail('fdatasync', error);
      }
    }
    this.last_sync_done_us = this.options.durability === 'fsync' ? systemClock.nowUs() : this.last_write_done_us;
    this.segment_size += this.buffered_bytes;
    this.bytes_written += this.buffered_bytes;
    this.buffered_bytes = 0;
    this.buffered_records = 0;
    this.durable_seq = this.next_seq - 1;
    this.flushes++;
    this.last_flush_us = Math.round((performance.now() - started) * 1000);
  }

  /**
   * Flushes and closes the segment. After a failure it only lets go of the file: nothing
   * buffered is written (that would be the retry this writer never makes).
   */
  close(): void {
    this.spares.close();
    if (this.failure !== null) {
      this.abandon();
      return;
    }
    this.flush();
    this.closeSegment();
  }

  /** Closes the segment's file without writing or syncing anything. */
  private abandon(): void {
    if (this.fd < 0) return;
    try {
      fs.closeSync(this.fd);
    } catch {
      // The failure that got us here is the one to report; a failed close adds nothing.
    }
    this.fd = -1;
  }

  /** Records the first failure and throws it; the writer does no more I/O. */
  private fail(operation: JournalOperation, cause: unknown): never {
    this.failure = new JournalFailedError(operation, cause);
    throw this.failure;
  }

  /** Starts the segment for `first_seq`: from the ready spare if there is one, else a plain file to append to. */
  private openSegment(first_seq: number, spare_ready: boolean): void {
    try {
      if (spare_ready) this.installSpare(first_seq);
      else this.createSegment(first_seq);
    } catch (error) {
      this.fail('create segment', error);
    }
    this.segment_size = SEGMENT_HEADER_BYTES;
    if (spare_ready) this.segments_preallocated++;
    else this.segments_appended++;
    this.spares.prepareNext();
  }

  /**
   * Renames the ready spare to the segment's name, writes the header over its zeros and
   * makes both durable before any record goes in: a crash in between leaves a last
   * segment of nothing but zeros, which recovery deletes. The directory is fsync'd in
   * write mode too: a spare's name must never come back, after a crash, on a file that
   * already held records.
   */
  private installSpare(first_seq: number): void {
    const file = path.join(this.directory, segmentFileName(first_seq));
    // A rename replaces silently; 'wx' in createSegment refuses. A segment name is never reused.
    if (fs.existsSync(file)) throw new Error(`segment ${file} exists already`);
    fs.renameSync(spareReadyPath(this.directory), file);
    this.fd = fs.openSync(file, 'r+');
    this.writeHeader(first_seq);
    if (this.options.durability === 'fsync') fs.fdatasyncSync(this.fd);
    fsyncDirectory(this.directory);
  }

  /** A plain segment, appended to: the way without a spare. */
  private createSegment(first_seq: number): void {
    const file = path.join(this.directory, segmentFileName(first_seq));
    // 'wx': a segment name is never reused; finding one means recovery went wrong.
    this.fd = fs.openSync(file, 'wx');
    this.writeHeader(first_seq);
    if (this.options.durability === 'fsync') {
      fs.fsyncSync(this.fd);
      fsyncDirectory(this.directory);
    }
  }

  private writeHeader(first_seq: number): void {
    const header = Buffer.alloc(SEGMENT_HEADER_BYTES);
    header.writeUInt32LE(JOURNAL_MAGIC, SH_MAGIC);
    header.writeUInt16LE(JOURNAL_FORMAT_VERSION, SH_FORMAT_VERSION);
    header.writeUInt16LE(JOURNAL_EVENT_LAYOUT_VERSION, SH_EVENT_LAYOUT);
    header.writeDoubleLE(first_seq, SH_FIRST_SEQ);
    header.writeDoubleLE(Date.now(), SH_CREATED_AT_MS);
    header.writeUInt32LE(RECORD_BYTES, SH_RECORD_BYTES);
    header.writeUInt32LE(crc32cOf(header.subarray(0, SH_CRC_COVERS_BYTES)), SH_HEADER_CRC);
    if (fs.writeSync(this.fd, header, 0, header.length, 0) !== header.length) throw new Error('short write of the segment header');
  }

  private closeSegment(): void {
    if (this.fd < 0) return;
    try {
      if (this.options.durability === 'fsync') fs.fsyncSync(this.fd);
      fs.closeSync(this.fd);
    } catch (error) {
      this.fail('close segment', error);
    }
    this.fd = -1;
  }
}

/** True if the segment has no record: at most a header, or zeros where its first record would be. */
function holdsNoRecord(file: string): boolean {
  const first = Buffer.alloc(RECORD_BYTES);
  const fd = fs.openSync(file, 'r');
  try {
    const got = fs.readSync(fd, first, 0, RECORD_BYTES, SEGMENT_HEADER_BYTES);
    return isZero(first, 0, got);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Gives back the zero tail of the previous run's last segment (the one before `first_seq`):
 * no run writes to it again, and a crash-looping process would otherwise keep a whole
 * preallocated segment per start. Only zeros are cut, after the records the journal
 * says it holds; anything else there is left for recovery to judge.
 */
function trimZeroTail(directory: string, first_seq: number): void {
  const last = listSegments(directory).filter((s) => s.first_seq < first_seq).at(-1);
  if (last === undefined) return;
  const data_end = SEGMENT_HEADER_BYTES + (first_seq - last.first_seq) * RECORD_BYTES;
  const fd = fs.openSync(last.path, 'r+');
  try {
    const size = fs.fstatSync(fd).size;
    if (size <= data_end) return;
    const chunk = Buffer.allocUnsafe(Math.min(1 << 20, size - data_end));
    for (let offset = data_end; offset < size;) {
      const got = fs.readSync(fd, chunk, 0, Math.min(chunk.length, size - offset), offset);
      if (got === 0) break;
      if (!isZero(chunk, 0, got)) return;
      offset += got;
    }
    fs.ftruncateSync(fd, data_end);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
