/**
 * Replays journal records into any state that applies events (the engine's state, the io
 * read model, the PnL book). Recovery runs this once per consumer at start-up, after
 * scanJournal has validated the files and cut any torn tail.
 */
import { SlotViews } from '../../engine/protocol/slot_views.js';
import { JournalTail } from './journal_reader.js';

const BATCH_RECORDS = 8192;

/** Applies records from_seq .. to_seq (inclusive); returns how many were applied. */
export function replayJournal(directory: string, from_seq: number, to_seq: number, apply: (views: SlotViews, base: number) => void): number {
  if (to_seq < from_seq) return 0;
  const tail = new JournalTail(directory);
  try {
    tail.seek(from_seq);
    let applied = 0;
    while (tail.nextSeq <= to_seq) {
      const read = tail.read(to_seq, BATCH_RECORDS, apply);
      if (read === 0) throw new Error(`journal replay stopped at sequence ${tail.nextSeq} before ${to_seq}`);
      applied += read;
    }
    return applied;
  } finally {
    tail.close();
  }
}
