/**
 * A spare journal segment on disk: `segment_bytes` of zero bytes, written for real and
 * fdatasync'd, which the writer renames into place as its next segment (the format and
 * the names: journal_layout.ts). Only real zeros make the segment's later overwrites
 * cheap: fallocate or ftruncate would leave unwritten extents whose first write is a
 * metadata change again.
 *
 * The zeros go in chunks (SpareZeroing.step), so whoever prepares a spare can pace it:
 * the spare thread (spare_segment_worker.ts) pauses between chunks and fdatasyncs every
 * few of them, so that the disk never has a long queue of zeros in front of a group
 * commit; start-up and tests prepare one at once (prepareSpareNow).
 *
 * The file is named SPARE_PREPARING_NAME until its last chunk is written and fdatasync'd,
 * then renamed SPARE_READY_NAME. The rename is not fsync'd: if a crash loses it, the
 * start-up only finds a half-prepared spare and deletes it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SEGMENT_HEADER_BYTES, SPARE_PREPARING_NAME, SPARE_READY_NAME } from './journal_layout.js';

/**
 * Bytes written per step. A 128 KiB write of zeros to the page cache took p50 26-33 µs,
 * p99 under 0.1 ms, max 0.2 ms on this project's 2-core machine (256 KiB: p50 45 µs, max
 * 0.8 ms): bench/journal/spare_chunk_cost.ts, bench/README.md.
 */
export const SPARE_CHUNK_BYTES = 128 * 1024;

const ZERO_CHUNK = Buffer.alloc(SPARE_CHUNK_BYTES);

export function sparePreparingPath(directory: string): string {
  return path.join(directory, SPARE_PREPARING_NAME);
}

export function spareReadyPath(directory: string): string {
  return path.join(directory, SPARE_READY_NAME);
}

/** True if a ready spare of exactly `segment_bytes` is on disk. */
export function readySpareExists(directory: string, segment_bytes: number): boolean {
  try {
    return fs.statSync(spareReadyPath(directory)).size === segment_bytes;
  } catch {
    return false;
  }
}

/**
 * Start-up: deletes a half-prepared spare (a crash or a stop in the middle of one) and a
 * ready spare of another size than this run's segments. A ready spare of the right size is
 * kept: the first segment of this run is made from it.
 */
export function cleanUpSpares(directory: string, segment_bytes: number): void {
  try {
    fs.rmSync(sparePreparingPath(directory), { force: true });
    if (fs.existsSync(spareReadyPath(directory)) && !readySpareExists(directory, segment_bytes)) {
      fs.rmSync(spareReadyPath(directory), { force: true });
    }
  } catch {
    // Something that cannot be deleted there (a directory?) only makes preparing a spare
    // fail, and the writer append instead: it is no reason not to start.
  }
}

/** One spare being zeroed, a chunk per `step()`. */
export class SpareZeroing {
  private fd: number;
  private written = 0;
  private unsynced = 0;
  private finished = false;

  /**
   * @param sync_every_bytes fdatasync after this many bytes (and always at the end); with
   *        segment_bytes or more, only at the end.
   */
  constructor(
    private readonly directory: string,
    private readonly segment_bytes: number,
    private readonly sync_every_bytes: number,
  ) {
    if (!(segment_bytes > SEGMENT_HEADER_BYTES)) throw new Error('a spare must be larger than a segment header');
    // 'w': a half-prepared spare from before is started again from nothing.
    this.fd = fs.openSync(sparePreparingPath(directory), 'w');
  }

  /** Writes the next chunk; after the last one, fdatasyncs and renames the spare ready. Returns true when it is ready. */
  step(): boolean {
    if (this.finished) return true;
    const length = Math.min(SPARE_CHUNK_BYTES, this.segment_bytes - this.written);
    let done = 0;
    while (done < length) done += fs.writeSync(this.fd, ZERO_CHUNK, done, length - done, this.written + done);
    this.written += length;
    this.unsynced += length;
    if (this.written < this.segment_bytes) {
      if (this.unsynced >= this.sync_every_bytes) {
        fs.fdatasyncSync(this.fd);
        this.unsynced = 0;
      }
      return false;
    }
    fs.fdatasyncSync(this.fd);
    fs.closeSync(this.fd);
    this.fd = -1;
    fs.renameSync(sparePreparingPath(this.directory), spareReadyPath(this.directory));
    this.finished = true;
    return true;
  }

  /** Stops and deletes the half-prepared spare (after a failure, or when the journal stops). */
  abandon(): void {
    if (this.fd >= 0) {
      try {
        fs.closeSync(this.fd);
      } catch {
        // Deleting the file below is what matters.
      }
      this.fd = -1;
    }
    if (!this.finished) fs.rmSync(sparePreparingPath(this.directory), { force: true });
  }
}

/** Prepares a whole ready spare now, unless one is there already; on failure, leaves no spare file behind and throws. */
export function prepareSpareNow(directory: string, segment_bytes: number): void {
  if (readySpareExists(directory, segment_bytes)) return;
  const zeroing = new SpareZeroing(directory, segment_bytes, segment_bytes);
  try {
    while (!zeroing.step());
  } catch (error) {
    zeroing.abandon();
    throw error;
  }
}
