/**
 * The durable echo's rule, checked at the instant it matters: inside each answer
 * callback (on the thread that answers), the journal file already holds the request's
 * records. The real journal worker runs in this process as it does in the echo server;
 * requests arrive in bursts over many event-loop turns, so later requests are held while
 * earlier ones are being written and synced.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { DurableAnswers } from '../../../bench/servers/durable_answers.js';
import { EchoJournal } from '../../../bench/servers/echo_journal.js';
import { JournalTail, scanJournal } from '../../../services/journal/journal_reader.js';

const TURNS = 40;
const REQUESTS_PER_TURN = 25;
const RECORDS_PER_REQUEST = 2;

/**
 * True if the journal's files hold record `seq` now, whole and valid (asked in every
 * answer). Read as a sink reads it: segments are preallocated, so a file's size says
 * nothing about what it holds; a record not written yet is zeros, and the read throws.
 */
function recordOnDisk(tail: JournalTail, seq: number): boolean {
  try {
    tail.seek(seq);
    return tail.read(seq, 1, () => undefined) === 1;
  } catch {
    return false;
  }
}

for (const durability of ['fsync', 'write'] as const) {
  t.test(`with ${durability}, no answer is called before its records are in the journal file`, async (t) => {
    const data_dir = mkdtempSync(join(tmpdir(), 'durable-answers-'));
    t.teardown(() => rmSync(data_dir, { recursive: true, force: true }));
    const journal = await EchoJournal.start(data_dir, durability);
    const answers = new DurableAnswers(journal);
    answers.start();
    const journal_dir = join(data_dir, 'journal');
    const tail = new JournalTail(journal_dir);
    t.teardown(() => tail.close());
    const early: string[] = [];
    let answered = 0;
    const all_answered = new Promise<void>((resolve) => {
      let request = 0;
      const burst = (): void => {
        for (let k = 0; k < REQUESTS_PER_TURN; k++) {
          const last_seq = ++request * RECORDS_PER_REQUEST;
          const held = answers.hold(RECORDS_PER_REQUEST, () => {
            if (!recordOnDisk(tail, last_seq)) early.push(`request ${last_seq / RECORDS_PER_REQUEST} answered before its record ${last_seq} was on disk`);
            if (++answered === TURNS * REQUESTS_PER_TURN) resolve();
          });
          if (!held) early.push(`request ${request} refused`);
        }
        if (request < TURNS * REQUESTS_PER_TURN) setImmediate(burst);
      };
      burst();
    });
    await all_answered;
    answers.stop();
    await journal.stop();
    t.same(early.slice(0, 5), [], 'every answer came after its records');
    const scan = scanJournal(journal_dir);
    t.equal(scan.last_seq, TURNS * REQUESTS_PER_TURN * RECORDS_PER_REQUEST, 'gap-free sequences from 1, one per record, each with a valid CRC');
  });
}
