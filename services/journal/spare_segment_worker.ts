/**
 * Entry point of the journal's spare thread (spare_segment_thread.ts starts it): zeroes
 * the next segment's spare while the journal writes the current one, so that a roll-over
 * on the order path only renames a file.
 *
 * Paced, because it shares two cores and one disk with the order path: a chunk of
 * SPARE_CHUNK_BYTES, then a pause of `pause_ms` (a wait on the state word, so a stop cuts
 * it short), and an fdatasync every `sync_every_bytes`, so the disk never has more than
 * that much of the spare's zeros queued in front of a group commit. A 64 MiB spare takes
 * about a second this way; a segment lasts minutes at 1,000 orders/s.
 *
 * Everything is caught: a failure (a full disk) deletes the half-prepared file and says
 * FAILED in the state word; the writer then appends to a plain segment and asks again at
 * its next roll-over. A stop deletes a half-prepared spare and keeps a ready one.
 */
import { workerData } from 'node:worker_threads';
import { readySpareExists, SpareZeroing } from './spare_segment_file.js';
import { SpareState, SW_FAILURES, SW_PREPARED, SW_STATE } from './spare_thread_layout.js';

export interface SpareWorkerInit {
  readonly directory: string;
  readonly segment_bytes: number;
  /** The shared words (spare_thread_layout.ts). */
  readonly words: SharedArrayBuffer;
  readonly pause_ms: number;
  readonly sync_every_bytes: number;
}

const init = workerData as SpareWorkerInit;
const words = new Int32Array(init.words);

/** Prepares one spare; returns false if a stop came first. */
function prepareOne(): boolean {
  let zeroing: SpareZeroing | null = null;
  try {
    if (!readySpareExists(init.directory, init.segment_bytes)) {
      zeroing = new SpareZeroing(init.directory, init.segment_bytes, init.sync_every_bytes);
      while (!zeroing.step()) {
        if (init.pause_ms > 0) Atomics.wait(words, SW_STATE, SpareState.PREPARING, init.pause_ms);
        if (Atomics.load(words, SW_STATE) === SpareState.STOP) {
          zeroing.abandon();
          return false;
        }
      }
    }
    Atomics.add(words, SW_PREPARED, 1);
    Atomics.compareExchange(words, SW_STATE, SpareState.PREPARING, SpareState.READY);
  } catch {
    zeroing?.abandon();
    Atomics.add(words, SW_FAILURES, 1);
    Atomics.compareExchange(words, SW_STATE, SpareState.PREPARING, SpareState.FAILED);
  }
  return true;
}

for (;;) {
  const state = Atomics.load(words, SW_STATE);
  if (state === SpareState.STOP) break;
  if (state !== SpareState.PREPARING) {
    Atomics.wait(words, SW_STATE, state);
    continue;
  }
  if (!prepareOne()) break;
}
