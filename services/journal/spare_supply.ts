/**
 * Where the journal writer gets the spare it turns into its next segment at roll-over
 * (spare_segment_file.ts). Two suppliers:
 *
 *  - SpareSegmentThread (spare_segment_thread.ts), what the journal worker uses: a thread
 *    of its own zeroes the next spare while the current segment fills, so a roll-over
 *    only renames. If the spare is not ready (a burst filled the segment first), the
 *    writer appends to a plain new segment instead, as before preallocation, and counts it.
 *  - InlineSpareSupply: prepares the spare when asked, on the caller's thread. For code
 *    that drives a writer directly (tests, tools), where a stall at roll-over is harmless.
 */
import { prepareSpareNow } from './spare_segment_file.js';

export interface SpareSupply {
  /**
   * True if a ready spare of the writer's segment size is on disk now, for the writer to
   * rename into place. False if none is ready.
   */
  claim(): boolean;
  /** The writer has started a segment: have a spare ready for its next roll-over, unless one is on its way. */
  prepareNext(): void;
  /** Spares whose preparation failed (a full disk, an I/O error). */
  readonly failures: number;
  /** Stops preparing. A ready spare stays on disk for the next start-up. */
  close(): void;
}

export class InlineSpareSupply implements SpareSupply {
  failures = 0;

  constructor(private readonly directory: string, private readonly segment_bytes: number) {}

  claim(): boolean {
    try {
      prepareSpareNow(this.directory, this.segment_bytes);
      return true;
    } catch {
      // The writer appends to a plain segment instead; that write reports a real fault.
      this.failures++;
      return false;
    }
  }

  prepareNext(): void {
    // The next spare is prepared when it is claimed.
  }

  close(): void {
    // Nothing runs in the background.
  }
}
