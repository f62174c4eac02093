/**
 * Reading the journal back: a full scan that validates it (and repairs a torn tail), and
 * a tail reader that recovery and the sinks use to read records from any sequence.
 *
 * Fixed-size records make both simple: the record for sequence s in a segment starting
 * at f sits at SEGMENT_HEADER_BYTES + (s - f) * RECORD_BYTES.
 *
 * What counts as damage:
 *  - the last segment ending in a partial record, or in records that fail their CRC with
 *    nothing valid after them, is a torn tail: a crash interrupted a write that was never
 *    acknowledged. `scanJournal({repair: true})` cuts it at the last whole record and says so.
 *  - anything else (a bad record followed by good ones, a bad record in an older segment,
 *    a gap or repeat in sequences, a bad segment header before the last segment) is
 *    corruption: the scan throws JournalCorruptionError and the OMS refuses to start
 *    rather than guess.
 */
import fs from 'node:fs';
import path from 'node:path';
import { EVENT_SLOT_BYTES } from '../../engine/protocol/event_layout.js';
import { SlotViews, slotViewsOver } from '../../engine/protocol/slot_views.js';
import { crc32cOf } from './crc32c.js';
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
      if (is_last && size <= SEGMENT_HEADER_BYTES) {
        // A crash while creating the segment: nothing was ever written to it.
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
      let offset = SEGMENT_HEADER_BYTES;
      let records = 0;
      let bad_at = -1;
      outer: while (offset < size) {
        const want = Math.min(buffer.length, size - offset);
        const got = readFully(fd, buffer, want, offset);
        let at = 0;
        while (at + RECORD_BYTES <= got) {
          if (!recordIsValid(buffer, at, expected)) { bad_at = offset + at; break outer; }
          expected++;
          records++;
          at += RECORD_BYTES;
        }
        if (at < got) { bad_at = offset + at; break; } // a partial record at the end of the file
        offset += at;
      }
      if (bad_at >= 0) {
        if (!is_last) throw new JournalCorruptionError(`${file.path}: bad record at byte ${bad_at} in a closed segment`);
        if (anyValidRecordAfter(fd, bad_at + RECORD_BYTES, size, buffer)) {
          throw new JournalCorruptionError(`${file.path}: bad record at byte ${bad_at} followed by valid records`);
        }
        torn = { path: file.path, offset: bad_at, bytes_cut: size - bad_at };
        if (options.repair) {
          fs.ftruncateSync(fd, bad_at);
          fs.fsyncSync(fd);
        }
      }
      segments.push({ path: file.path, first_seq: file.first_seq, last_seq: file.first_seq + records - 1, records });
    } finally {
      fs.closeSync(fd);
    }
  }
  return { segments, last_seq: expected - 1, torn };
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
      const whole = Math.floor(got / RECORD_BYTES);
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

function anyValidRecordAfter(fd: number, from: number, size: number, buffer: Buffer): boolean {
  for (let offset = from; offset + RECORD_BYTES <= size; offset += RECORD_BYTES) {
    readFully(fd, buffer, RECORD_BYTES, offset);
    if (buffer.readUInt32LE(REC_PAYLOAD_LENGTH) === EVENT_SLOT_BYTES
      && buffer.readUInt32LE(REC_CRC) === crc32cOf(buffer.subarray(REC_SEQ, RECORD_BYTES))) return true;
  }
  return false;
}

function readFully(fd: number, buffer: Buffer, length: number, position: number): number {
  let got = 0;
  while (got < length) {
    const n = fs.readSync(fd, buffer, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}
