/**
 * Reads up to `length` bytes at `position` into `into`, looping over short reads; fewer
 * only at the end of the file. Returns how many. Used by the journal reader and the
 * snapshot files, which both read in fixed pieces and must not take a short read for the
 * end of the file.
 */
import fs from 'node:fs';

export function readFully(fd: number, into: Uint8Array, length: number, position: number): number {
  let read = 0;
  while (read < length) {
    const n = fs.readSync(fd, into, read, length - read, position + read);
    if (n === 0) break;
    read += n;
  }
  return read;
}
