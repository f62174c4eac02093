/**
 * Appends event records to journal segments with group commit: the journal agent appends
 * every event it finds on the ring into one buffer, then `flush` writes the whole buffer
 * with one write and (in fsync mode) one fdatasync. Durable-up-to moves once per flush.
 *
 * A new segment is started when the current one would pass `segment_bytes`, and always
 * on start-up, so an append never follows a possibly torn tail. Creating a segment
 * fsyncs the directory too, or a crash could lose the file's name.
 *
 * The first write, fsync or segment operation that fails stops the writer for good (see
 * journal_failure.ts): it keeps the failure, does no more I/O, and every later call throws
 * it. Nothing buffered is written again, and durable_seq never moves past what was both
 * written and (in fsync mode) fsync'd.
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

export interface JournalWriterOptions {
  readonly directory: string;
  readonly durability: typeof Durability.FSYNC | typeof Durability.WRITE;
  readonly segment_bytes: number;
  /** Records buffered before a flush is forced. */
  readonly buffer_records: number;
}

export class JournalWriter {
  readonly directory: string;
  private readonly options: JournalWriterOptions;
  private readonly buffer: Buffer;
  private buffered_bytes = 0;
  private buffered_records = 0;
  private fd = -1;
  private segment_size = 0;
  private next_seq = 0;
  /** Highest sequence written and (per the durability mode) made durable. */
  durable_seq = 0;
  /** Counters for health and metrics. */
  flushes = 0;
  bytes_written = 0;
  last_flush_us = 0;
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
  }

  /** Starts writing at `first_seq` (last recovered sequence + 1) in a fresh segment. */
  open(first_seq: number): void {
    this.next_seq = first_seq;
    this.durable_seq = first_seq - 1;
    // A previous run that journaled nothing after its start leaves a header-only segment
    // with this very name; recovery already validated it as empty, so it is replaced.
    const existing = path.join(this.directory, segmentFileName(first_seq));
    if (fs.existsSync(existing) && fs.statSync(existing).size <= SEGMENT_HEADER_BYTES) fs.unlinkSync(existing);
    this.openSegment(first_seq);
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
      this.openSegment(seq);
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
      while (written < this.buffered_bytes) {
        written += fs.writeSync(this.fd, this.buffer, written, this.buffered_bytes - written);
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

  private openSegment(first_seq: number): void {
    try {
      this.createSegment(first_seq);
    } catch (error) {
      this.fail('create segment', error);
    }
    this.segment_size = SEGMENT_HEADER_BYTES;
  }

  private createSegment(first_seq: number): void {
    const file = path.join(this.directory, segmentFileName(first_seq));
    // 'wx': a segment name is never reused; finding one means recovery went wrong.
    this.fd = fs.openSync(file, 'wx');
    const header = Buffer.alloc(SEGMENT_HEADER_BYTES);
    header.writeUInt32LE(JOURNAL_MAGIC, SH_MAGIC);
    header.writeUInt16LE(JOURNAL_FORMAT_VERSION, SH_FORMAT_VERSION);
    header.writeUInt16LE(JOURNAL_EVENT_LAYOUT_VERSION, SH_EVENT_LAYOUT);
    header.writeDoubleLE(first_seq, SH_FIRST_SEQ);
    header.writeDoubleLE(Date.now(), SH_CREATED_AT_MS);
    header.writeUInt32LE(RECORD_BYTES, SH_RECORD_BYTES);
    header.writeUInt32LE(crc32cOf(header.subarray(0, SH_CRC_COVERS_BYTES)), SH_HEADER_CRC);
    if (fs.writeSync(this.fd, header, 0, header.length) !== header.length) throw new Error('short write of the segment header');
    if (this.options.durability === 'fsync') {
      fs.fsyncSync(this.fd);
      fsyncDirectory(this.directory);
    }
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
