/**
 * Replaces a small file durably without blocking the io thread: write a temp file, fsync
 * it, rename it over the old one, fsync the directory (the rename is a directory entry,
 * which the file's own fsync does not cover). A crash leaves either the old file or the
 * new one, whole. Every step is a fs.promises call, so the event loop keeps serving while
 * the disk works.
 *
 * The temp file's name is fixed (`<file>.tmp`), so two saves of the same file must not
 * overlap: callers serialize them (see LimitsManager).
 */
import fs from 'node:fs';
import path from 'node:path';

export async function saveFileDurably(directory: string, name: string, text: string): Promise<void> {
  await fs.promises.mkdir(directory, { recursive: true });
  const file = path.join(directory, name);
  const temp = `${file}.tmp`;
  const handle = await fs.promises.open(temp, 'w');
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.promises.rename(temp, file);
  const dir = await fs.promises.open(directory, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
