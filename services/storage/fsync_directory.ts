/**
 * Makes a directory entry durable: after creating, renaming or deleting a file, the file's
 * own fsync does not cover its name; the directory must be fsync'd too (POSIX). Used by the
 * journal (new segments), snapshots (rename into place, retirement) and saved limit overrides.
 */
import fs from 'node:fs';

export function fsyncDirectory(directory: string): void {
  const fd = fs.openSync(directory, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
