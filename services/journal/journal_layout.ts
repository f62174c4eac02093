/**
 * The journal's on-disk format: append-only segment files in OMS_DATA_DIR/journal/, each
 * named by the sequence of its first record (`00000000000000000001.seg`), each a header
 * followed by fixed-size records. A record's payload is the event ring slot, byte for
 * byte (engine/protocol/event_layout.ts), so the journal never re-encodes an event.
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

if (RECORD_BYTES % 8 !== 0) throw new Error('journal records must keep 8-byte alignment');
if (SH_HEADER_CRC + 4 > SEGMENT_HEADER_BYTES) throw new Error('segment header overflows');

export function segmentFileName(first_seq: number): string {
  return `${String(first_seq).padStart(20, '0')}.seg`;
}

export function firstSeqOfSegmentName(name: string): number | undefined {
  const match = /^(\d{20})\.seg$/.exec(name);
  return match === null ? undefined : Number(match[1]);
}
