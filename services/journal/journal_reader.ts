/**
 * Reading the journal back: a full scan that validates it (and repairs a torn tail), and
 * a tail reader that recovery and the sinks use to read records from any sequence.
 *
 * Fixed-size records make both simple: the record for sequence s in a segment starting
 * at f sits at SEGMENT_HEADER_BYTES + (s - f) * RECORD_BYTES.
 *
 * Segments are preallocated (journal_layout.ts): a segment's data ends at the first
 * record slot that is not a valid record, and what follows decides what that end is:
 *  - only zero bytes to the end of the file (or nothing): the clean end of data;
 *  - damage (a partial record, a bad checksum) with no valid record after it, in the last
 *    segment: a torn tail, a crash interrupted a write that was never acknowledged.
 *    `scanJournal({repair: true})` cuts the file at the last whole record and says so;
 *  - anything else is corruption: a valid record after the end (after zeros or after a
 *    bad record), damage in an older segment, a gap or repeat in sequences, a bad segment
 *    header before the last segment. The scan throws JournalCorruptionError and the OMS
 *    refuses to start rather than guess.
 * A last segment that is nothing but zero bytes, header included, is a roll-over a crash
 * interrupted before its header was written (a spare renamed into place): repair deletes
 * it, as it deletes a last segment cut short inside its header.
 */
import fs from 'node:fs';
import path from 'node:path';
import { EVENT_SLOT_BYTES } from '../../engine/protocol/event_layout.js';
import { SlotViews, slotViewsOver } from '../../engine/protocol/slot_views.js';
import { readFully } from '../storage/read_fully.js';
import { crc32cOf } from './crc32c.js';
import { isZero } from './zero_bytes.js';
import {
  JOURNAL_EVENT_LAYOUT_VERSION, JOURNAL_FORMAT_VERSION, JOURNAL_MAGIC, RECORD_BYTES, REC_CRC, REC_PAYLOAD,
  REC_PAYLOAD_LENGTH, REC_SEQ, SEGMENT_HEADER_BYTES, SH_CRC_COVERS_BYTES, SH_EVENT_LAYOUT, SH_FIRST_SEQ,
  SH_FORMAT_VERSION, SH_HEADER_CRC, SH_MAGIC, SH_RECORD_BYTES, firstSeqOfSegmentName,
} from './journal_layout.js';

export class JournalCorruptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JournalCorruptionError';
  }
}

export interface SegmentInfo {
  readonly path: string;
  readonly first_seq: number;
  /** first_seq - 1 for an empty segment. */
  readonly last_seq: number;
  readonly records: number;
}

export interface TornTail {
  readonly path: string;
  readonly offset: number;
  readonly bytes_cut: number;
}

export interface JournalScan {
  readonly segments: readonly SegmentInfo[];
  /** 0 if the journal is empty. */
  readonly last_seq: number;
  readonly torn: TornTail | null;
}

/** Segment files in sequence order. */
export function listSegments(directory: string): { path: string; first_seq: number }[] {
  if (!fs.existsSync(directory)) return [];
  const found: { path: string; first_seq: number }[] = [];
  for (const name of fs.readdirSync(directory)) {
    const first_seq = firstSeqOfSegmentName(name);
    if (first_seq !== undefined) found.push({ path: path.join(directory, name), first_seq });
  }
  return found.sort((a, b) => a.first_seq - b.first_seq);
}

const CHUNK_RECORDS = 8192;

/** Validates every segment and record; optionally cuts a torn tail. */
export function scanJournal(directory: string, options: { repair: boolean } = { repair: false }): JournalScan {
  const files = listSegments(directory);
  const segments: SegmentInfo[] = [];
  let torn: TornTail | null = null;
  let expected = files.length > 0 ? files[0].first_seq : 1;
  const buffer = Buffer.allocUnsafeSlow(CHUNK_RECORDS * RECORD_BYTES);
  for (let i = 0; i < files.length; i++) {
    const file = files[i];
    const is_last = i === files.length - 1;
    const size = fs.statSync(file.path).size;
    const header_problem = checkSegmentHeader(file.path, file.first_seq);
    if (header_problem !== null) {
      if (is_last && (size <= SEGMENT_HEADER_BYTES || fileIsZeroFrom(file.path, 0, size, buffer))) {
        // A crash while creating the segment: its header never made it, nor anything after.
        torn = { path: file.path, offset: 0, bytes_cut: size };
        if (options.repair) fs.unlinkSync(file.path);
        break;
      }
      throw new JournalCorruptionError(`${file.path}: ${header_problem}`);
    }
    if (file.first_seq !== expected) {
      throw new JournalCorruptionError(`${file.path} starts at sequence ${file.first_seq}, expected ${expected}`);
    }
    const fd = fs.openSync(file.path, options.repair && is_last ? 'r+' : 'r');
    try {
      const end = scanSegmentRecords(fd, size, file.first_seq, buffer);
      if (end.after === 'valid record') {
        throw new JournalCorruptionError(`${file.path}: the data ends at byte ${end.data_end} but a valid record follows`);
      }
      if (end.after === 'damage') {
        if (!is_last) throw new JournalCorruptionError(`${file.path}: bad record at byte ${end.data_end} in a closed segment`);
        torn = { path: file.path, offset: end.data_end, bytes_cut: size - end.data_end };
        if (options.repair) {
          fs.ftruncateSync(fd, end.data_end);
          fs.fsyncSync(fd);
        }
      }
      expected += end.records;
      segments.push({ path: file.path, first_seq: file.first_seq, last_seq: file.first_seq + end.records - 1, records: end.records });
    } finally {
      fs.closeSync(fd);
    }
  }
  return { segments, last_seq: expected - 1, torn };
}

/** Where a segment's valid records end, and what follows them. */
interface SegmentEnd {
  /** Valid records in sequence from the header on. */
  readonly records: number;
  /** The byte just after them. */
  readonly data_end: number;
  /**
   * 'zeros': only zero bytes (or nothing) to the end of the file, the clean end;
   * 'damage': bytes that are not a valid record, and no valid record after them;
   * 'valid record': a record that passes its checksum at or after the end.
   */
  readonly after: 'zeros' | 'damage' | 'valid record';
}

/** Reads a whole segment once, in chunks: its records in sequence, then what lies after them. */
function scanSegmentRecords(fd: number, size: number, first_seq: number, buffer: Buffer): SegmentEnd {
  let expected = first_seq;
  let offset = SEGMENT_HEADER_BYTES;
  let data_end = -1;
  let all_zero = true;
  while (offset < size) {
    const got = readFully(fd, buffer, Math.min(buffer.length, size - offset), offset);
    if (got === 0) break;
    let at = 0;
    if (data_end < 0) {
      while (at + RECORD_BYTES <= got && recordIsValid(buffer, at, expected)) {
        expected++;
        at += RECORD_BYTES;
      }
      if (at === got) {
        offset += at;
        continue;
      }
      data_end = offset + at;
    }
    // Past the end of data: is it all zero, and does any slot hold a record that passes its check?
    if (all_zero && !isZero(buffer, at, got)) all_zero = false;
    if (!all_zero) {
      for (let slot = at; slot + RECORD_BYTES <= got; slot += RECORD_BYTES) {
        if (recordPassesCrc(buffer, slot)) return { records: expected - first_seq, data_end, after: 'valid record' };
      }
    }
    offset += got;
  }
  if (data_end < 0) return { records: expected - first_seq, data_end: offset, after: 'zeros' };
  return { records: expected - first_seq, data_end, after: all_zero ? 'zeros' : 'damage' };
}

/**
 * Reads records from any sequence onwards, crossing segment boundaries, checking each
 * record's CRC. Used by recovery (read to the end once) and by the sinks (poll for
 * records up to the journal's durable sequence).
 */
export class JournalTail {
  private readonly buffer = Buffer.allocUnsafeSlow(CHUNK_RECORDS * RECORD_BYTES);
  private readonly views: SlotViews = slotViewsOver(this.buffer.buffer);
  private fd = -1;
  private segment_first_seq = 0;
  private next_seq = 1;

  constructor(private readonly directory: string) {}

  /** Positions the reader at `seq` (the next record `read` returns). */
  seek(seq: number): void {
    this.closeFile();
    this.next_seq = seq;
  }

  get nextSeq(): number {
    return this.next_seq;
  }

  /**
   * Calls `visit(views, base)` for records next_seq .. up_to_seq (at most max_records).
   * The views are valid only during the call. Returns the number of records visited;
   * throws JournalCorruptionError on a bad or missing record.
   */
  read(up_to_seq: number, max_records: number, visit: (views: SlotViews, base: number) => void): number {
    let visited = 0;
    while (this.next_seq <= up_to_seq && visited < max_records) {
      if (!this.ensureSegmentFor(this.next_seq)) {
        throw new JournalCorruptionError(`no journal segment holds sequence ${this.next_seq}`);
      }
      const record_index = this.next_seq - this.segment_first_seq;
      const wanted = Math.min(up_to_seq - this.next_seq + 1, max_records - visited, CHUNK_RECORDS);
      const got = readFully(this.fd, this.buffer, wanted * RECORD_BYTES, SEGMENT_HEADER_BYTES + record_index * RECORD_BYTES);
      const whole = wholeRecordsBeforeZeros(this.buffer, got);
      if (whole === 0) {
        // This segment ends here: move on to the next one.
        this.closeFile();
        if (!this.ensureSegmentFor(this.next_seq) || this.segment_first_seq !== this.next_seq) {
          throw new JournalCorruptionError(`journal ends before sequence ${this.next_seq}`);
        }
        continue;
      }
      for (let k = 0; k < whole; k++) {
        const at = k * RECORD_BYTES;
        if (!recordIsValid(this.buffer, at, this.next_seq)) {
          throw new JournalCorruptionError(`journal record ${this.next_seq} fails its check`);
        }
        visit(this.views, at + REC_PAYLOAD);
        this.next_seq++;
        visited++;
      }
    }
    return visited;
  }

  close(): void {
    this.closeFile();
  }

  private ensureSegmentFor(seq: number): boolean {
    if (this.fd >= 0) {
      // Stay in the open segment unless a later segment starts at or before seq.
      const next = this.segmentStartingAfter(this.segment_first_seq);
      if (next === undefined || next.first_seq > seq) return true;
      this.closeFile();
    }
    let chosen: { path: string; first_seq: number } | undefined;
    for (const segment of listSegments(this.directory)) {
      if (segment.first_seq <= seq) chosen = segment;
      else break;
    }
    if (chosen === undefined) return false;
    this.fd = fs.openSync(chosen.path, 'r');
    this.segment_first_seq = chosen.first_seq;
    return true;
  }

  private segmentStartingAfter(first_seq: number): { path: string; first_seq: number } | undefined {
    return listSegments(this.directory).find((s) => s.first_seq > first_seq);
  }

  private closeFile(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }
}

function checkSegmentHeader(file: string, first_seq_from_name: number): string | null {
  const header = Buffer.alloc(SEGMENT_HEADER_BYTES);
  const fd = fs.openSync(file, 'r');
  let got = 0;
  try {
    got = readFully(fd, header, SEGMENT_HEADER_BYTES, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (got < SEGMENT_HEADER_BYTES) return 'segment header is incomplete';
  if (header.readUInt32LE(SH_MAGIC) !== JOURNAL_MAGIC) return 'not a journal segment (bad magic)';
  if (header.readUInt32LE(SH_HEADER_CRC) !== crc32cOf(header.subarray(0, SH_CRC_COVERS_BYTES))) return 'segment header fails its CRC';
  if (header.readUInt16LE(SH_FORMAT_VERSION) !== JOURNAL_FORMAT_VERSION) {
    return `journal format version ${header.readUInt16LE(SH_FORMAT_VERSION)} is not supported`;
  }
  if (header.readUInt16LE(SH_EVENT_LAYOUT) !== JOURNAL_EVENT_LAYOUT_VERSION) {
    return `event layout version ${header.readUInt16LE(SH_EVENT_LAYOUT)} is not supported`;
  }
  if (header.readUInt32LE(SH_RECORD_BYTES) !== RECORD_BYTES) return 'record size differs from this build';
  if (header.readDoubleLE(SH_FIRST_SEQ) !== first_seq_from_name) return 'file name and header disagree on the first sequence';
  return null;
}

function recordIsValid(buffer: Buffer, at: number, expected_seq: number): boolean {
  if (buffer.readUInt32LE(at + REC_PAYLOAD_LENGTH) !== EVENT_SLOT_BYTES) return false;
  if (buffer.readDoubleLE(at + REC_SEQ) !== expected_seq) return false;
  if (buffer.readDoubleLE(at + REC_PAYLOAD) !== expected_seq) return false; // the payload's own seq field is first
  return buffer.readUInt32LE(at + REC_CRC) === crc32cOf(buffer.subarray(at + REC_SEQ, at + RECORD_BYTES));
}

/** A record that passes its checksum, whatever its sequence. */
function recordPassesCrc(buffer: Buffer, at: number): boolean {
  return buffer.readUInt32LE(at + REC_PAYLOAD_LENGTH) === EVENT_SLOT_BYTES
    && buffer.readUInt32LE(at + REC_CRC) === crc32cOf(buffer.subarray(at + REC_SEQ, at + RECORD_BYTES));
}

/**
 * Whole records in the first `bytes` of `buffer` before the first all-zero slot: the end of
 * a preallocated segment's data reads like the end of an appended segment's file.
 */
function wholeRecordsBeforeZeros(buffer: Buffer, bytes: number): number {
  const whole = Math.floor(bytes / RECORD_BYTES);
  for (let k = 0; k < whole; k++) {
    const at = k * RECORD_BYTES;
    // payload_length is never 0 in a record, so most slots are told apart by their first word.
    if (buffer.readUInt32LE(at + REC_PAYLOAD_LENGTH) === 0 && isZero(buffer, at, at + RECORD_BYTES)) return k;
  }
  return whole;
}

/** True if the file holds only zero bytes from `from` to `size`. */
function fileIsZeroFrom(file: string, from: number, size: number, buffer: Buffer): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    for (let offset = from; offset < size;) {
      const got = readFully(fd, buffer, Math.min(buffer.length, size - offset), offset);
      if (got === 0) break;
      if (!isZero(buffer, 0, got)) return false;
      offset += got;
    }
    return true;
  } finally {
    fs.closeSync(fd);
  }
}

