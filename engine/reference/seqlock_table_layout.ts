/**
 * Layout of a seqlock table: fixed-size records of f64 fields, each guarded by its own
 * version counter, plus one global version bumped after any record changes. One thread
 * writes (market data for marks, PnL for the PnL table); any thread reads.
 *
 * ```
 *  byte 0           line 0   GLOBAL_VERSION i32 | RECORD_COUNT i32 | FIELD_COUNT i32
 *  byte 64          record 0 VERSION i32 | pad | field 0 f64 | field 1 f64 | ...
 *  byte 64+R        record 1 ...            (R = record size, a multiple of 64)
 * ```
 *
 * A writer makes VERSION odd, writes the fields, makes it even again, then bumps
 * GLOBAL_VERSION. A reader retries while VERSION is odd or changed across its read, so
 * it never sees half of an update. Records are whole cache lines so two symbols never
 * share one.
 */
import { CACHE_LINE_BYTES, alignUp } from '../layout/layout_builder.js';

export const SEQLOCK_GLOBAL_VERSION_INDEX = 0;
export const SEQLOCK_RECORD_COUNT_INDEX = 1;
export const SEQLOCK_FIELD_COUNT_INDEX = 2;
export const SEQLOCK_HEADER_BYTES = CACHE_LINE_BYTES;
/** Offset of the first f64 field inside a record (after the version and its padding). */
export const SEQLOCK_FIELDS_OFFSET_BYTES = 8;

export function seqlockRecordBytes(field_count: number): number {
  return alignUp(SEQLOCK_FIELDS_OFFSET_BYTES + 8 * field_count, CACHE_LINE_BYTES);
}

export function seqlockTableBytes(record_count: number, field_count: number): number {
  return SEQLOCK_HEADER_BYTES + record_count * seqlockRecordBytes(field_count);
}

if (seqlockRecordBytes(1) !== 64 || seqlockRecordBytes(7) !== 64 || seqlockRecordBytes(8) !== 128) {
  throw new Error('seqlock record sizing changed');
}
