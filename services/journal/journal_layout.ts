/**
 * The journal's on-disk format: segment files in OMS_DATA_DIR/journal/, each named by the
 * sequence of its first record (`00000000000000000001.seg`), each a header followed by
 * fixed-size records. A record's payload is the event ring slot, byte for byte
 * (engine/protocol/event_layout.ts), so the journal never re-encodes an event.
 *
 * ```
 *  segment header (64 bytes)
 *  0   magic              u32   0x4a534d4f ("OMSJ" little-endian)
 *  4   format_version     u16   JOURNAL_FORMAT_VERSION
 *  6   event_layout       u16   EVENT_LAYOUT_VERSION of the payloads
 *  8   first_seq          f64   sequence of the first record
 *  16  created_at_ms      f64
 *  24  record_bytes       u32   RECORD_BYTES
 *  28  header_crc         u32   CRC32C of bytes 0..28
 *  32  (reserved to 64)
 *
 *  record (RECORD_BYTES = 16 + EVENT_SLOT_BYTES)
 *  0   payload_length     u32   EVENT_SLOT_BYTES
 *  4   crc                u32   CRC32C of bytes 8 .. 16 + payload_length (sequence and payload)
 *  8   seq                f64   equal to the payload's own seq
 *  16  payload            the event slot
 * ```
 *
 * Records are fixed-size, so the k-th record of a segment starts at
 * SEGMENT_HEADER_BYTES + k * RECORD_BYTES, which is what lets recovery tell a torn tail
 * (nothing valid after the first bad record) from corruption in the middle.
 *
 * Preallocated segments. A segment is created at its full size (`segment_bytes`) of real
 * zero bytes, written and fdatasync'd, before its header is written; records then
 * overwrite the zeros, so the file size never changes while it is written. An fdatasync
 * after an append also has to commit the new file size (ext4's metadata journal); after
 * an overwrite of written blocks it has only the data to flush (0-40% less per group
 * commit on this project's machine, the most when other processes share the disk:
 * bench/README.md). fallocate or ftruncate alone would not do: they
 * leave unwritten extents, whose first write is a metadata change again.
 *
 * So the end of a segment's data is not the end of its file. The rule, after the last
 * valid record in sequence:
 *  - nothing but zero bytes up to the end of the file (or nothing at all): the clean end;
 *  - a record slot that is neither valid nor all zero (a partial or torn write, a bad
 *    CRC), with no valid record anywhere after it: a torn tail, allowed in the last
 *    segment only, where a crash interrupted a write that was never acknowledged;
 *  - any valid record after it, after zeros or after garbage: corruption.
 * An all-zero slot is never a record (payload_length is EVENT_SLOT_BYTES, never 0). A
 * closed segment may end in zeros (the run that wrote it stopped, and every start-up
 * begins a new segment; or the rest was too small for a record): the next segment's
 * first_seq must still follow on from its last record, so no record can hide there.
 *
 * The format version is unchanged: header and records are as before, and segments that
 * earlier builds appended (no zero tail) read the same way. An older build cannot read a
 * preallocated journal: it takes a closed segment's zero tail for corruption and refuses
 * to start, rather than misreading it.
 *
 * Spare segments. Zeroing 64 MiB takes ~100 ms of disk time, so the next segment is
 * prepared ahead as a spare file (spare_segment_file.ts), named so that nothing that scans
 * segments sees it: SPARE_PREPARING_NAME while it is being zeroed (left by a crash, it
 * is deleted at the writer's start-up), SPARE_READY_NAME once all its zeros are written
 * and fdatasync'd (kept across restarts when its size still matches). At roll-over the
 * writer renames the ready spare to the new segment's name, writes the header,
 * fdatasyncs it (fsync mode) and fsyncs the directory, all before the first record. A
 * segment whose header is all zero bytes, like all of the rest of it, is a roll-over a
 * crash interrupted before the header: recovery deletes it.
 */
import { EVENT_LAYOUT_VERSION, EVENT_SLOT_BYTES } from '../../engine/protocol/event_layout.js';

export const JOURNAL_MAGIC = 0x4a534d4f;
export const JOURNAL_FORMAT_VERSION = 1;
export const JOURNAL_EVENT_LAYOUT_VERSION = EVENT_LAYOUT_VERSION;

export const SEGMENT_HEADER_BYTES = 64;
export const SH_MAGIC = 0;
export const SH_FORMAT_VERSION = 4;
export const SH_EVENT_LAYOUT = 6;
export const SH_FIRST_SEQ = 8;
export const SH_CREATED_AT_MS = 16;
export const SH_RECORD_BYTES = 24;
export const SH_HEADER_CRC = 28;
export const SH_CRC_COVERS_BYTES = 28;

export const RECORD_HEADER_BYTES = 16;
export const REC_PAYLOAD_LENGTH = 0;
export const REC_CRC = 4;
export const REC_SEQ = 8;
export const REC_PAYLOAD = 16;
export const RECORD_BYTES = RECORD_HEADER_BYTES + EVENT_SLOT_BYTES;

export const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;

/** The spare segment while its zeros are being written: its content means nothing. */
export const SPARE_PREPARING_NAME = 'spare.seg.tmp';
/** A spare whose segment_bytes of zeros are written and fdatasync'd: the next segment, once renamed. */
export const SPARE_READY_NAME = 'spare.seg';

if (RECORD_BYTES % 8 !== 0) throw new Error('journal records must keep 8-byte alignment');
if (SH_HEADER_CRC + 4 > SEGMENT_HEADER_BYTES) throw new Error('segment header overflows');
if (firstSeqOfSegmentName(SPARE_PREPARING_NAME) !== undefined || firstSeqOfSegmentName(SPARE_READY_NAME) !== undefined) {
  throw new Error('a spare segment must not look like a segment to the reader or retention');
}

export function segmentFileName(first_seq: number): string {
  return `${String(first_seq).padStart(20, '0')}.seg`;
}

export function firstSeqOfSegmentName(name: string): number | undefined {
  const match = /^(\d{20})\.seg$/.exec(name);
  return match === null ? undefined : Number(match[1]);
}
