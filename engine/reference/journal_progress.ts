/**
 * "Durable up to sequence N", published by the journal worker in shared memory: a
 * one-record seqlock table. The sinks read only records at or below it, so they never
 * publish an event a crash could still take back.
 */
import { SeqlockTable } from './seqlock_table.js';

export const JournalProgressField = { DURABLE_SEQ: 0, DURABLE_AT_MS: 1, FLUSHES: 2, BYTES_WRITTEN: 3, LAST_FLUSH_US: 4 } as const;
export const JOURNAL_PROGRESS_FIELDS = 5;

export function allocateJournalProgress(): SeqlockTable {
  return SeqlockTable.allocate(1, JOURNAL_PROGRESS_FIELDS);
}

export function durableSeq(progress: SeqlockTable): number {
  return progress.readField(0, JournalProgressField.DURABLE_SEQ);
}
