/**
 * "Durable up to sequence N", published by the journal worker in shared memory: a
 * one-record seqlock table. The sinks read only records at or below it, so they never
 * publish an event a crash could still take back.
 */
import { SeqlockTable } from './seqlock_table.js';

export const JournalProgressField = {
  DURABLE_SEQ: 0, DURABLE_AT_MS: 1, FLUSHES: 2, BYTES_WRITTEN: 3, LAST_FLUSH_US: 4,
  /** Segments made from a preallocated spare, and plain ones appended to because no spare was ready (services/journal/journal_writer.ts). */
  SEGMENTS_PREALLOCATED: 5, SEGMENTS_APPENDED: 6,
  /** Spares that could not be prepared (a full disk, an I/O error). */
  SPARE_FAILURES: 7,
} as const;
export const JOURNAL_PROGRESS_FIELDS = 8;

export function allocateJournalProgress(): SeqlockTable {
  return SeqlockTable.allocate(1, JOURNAL_PROGRESS_FIELDS);
}

export function durableSeq(progress: SeqlockTable): number {
  return progress.readField(0, JournalProgressField.DURABLE_SEQ);
}
