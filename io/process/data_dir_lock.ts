/**
 * Start-up step 0: one OMS per data directory.
 *
 * Two processes on one data directory would both cut the journal's torn tail, append to
 * the same segment, take snapshots and retire segments, each with an engine of its own
 * that counts only its own orders against the limits: the journal would interleave two
 * histories and no replay could rebuild either. (Nothing stopped it: a second `make run`
 * started, recovered and listened beside the first. The port did not stop it either,
 * since uWebSockets.js shares a port between processes unless told otherwise; see
 * http_server.ts.)
 *
 * The lock is a file, `oms.lock`, created exclusively and holding the owner's pid. A
 * lock whose pid no longer runs (kill -9, a power loss, a container restarted with a new
 * pid namespace, where the old pid may even be ours) is stale and taken over at once, so
 * a crash never blocks the restart the supervisor makes. Taking over moves the stale
 * file aside first and checks what it moved: if another starting process replaced it
 * with a live lock in between, that lock is put back and this process refuses.
 */
import fs from 'node:fs';
import path from 'node:path';

export const LOCK_FILE = 'oms.lock';

export class DataDirLockedError extends Error {
  constructor(readonly data_dir: string, readonly holder_pid: number) {
    super(`the data directory ${data_dir} is in use by another OMS (pid ${holder_pid}, see ${path.join(data_dir, LOCK_FILE)}); `
      + 'one OMS per data directory: stop it, or give this one its own OMS_DATA_DIR');
    this.name = 'DataDirLockedError';
  }
}

export interface DataDirLock {
  readonly file: string;
  /** Removes the lock if it is still this process's (idempotent). */
  release(): void;
}

/** Takes the data directory's lock, creating the directory if needed; throws DataDirLockedError if a live OMS holds it. */
export function lockDataDir(data_dir: string): DataDirLock {
  fs.mkdirSync(data_dir, { recursive: true });
  const file = path.join(data_dir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(file)) return heldLock(file);
    const holder = readHolder(file);
    if (holder === undefined) continue; // removed meanwhile: try again
    if (holder !== null && holder !== process.pid && isRunning(holder)) throw new DataDirLockedError(data_dir, holder);
    takeOverStale(file, holder, data_dir);
  }
  throw new Error(`could not take the lock ${file}: it kept changing under this process`);
}

function tryCreate(file: string): boolean {
  try {
    fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** The holder's pid; null if the file says nothing usable (a crash between create and write); undefined if it is gone. */
function readHolder(file: string): number | null | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const pid = Number(text.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // it exists, owned by another user
  }
}

/** Moves the stale lock aside; if what was moved is not the stale lock that was read, puts it back and refuses. */
function takeOverStale(file: string, stale: number | null, data_dir: string): void {
  const aside = `${file}.stale-${process.pid}`;
  try {
    fs.renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // someone else removed it: try again
    throw error;
  }
  const moved = readHolder(aside);
  if (moved !== stale && moved !== null && moved !== undefined && isRunning(moved)) {
    fs.renameSync(aside, file);
    throw new DataDirLockedError(data_dir, moved);
  }
  fs.rmSync(aside, { force: true });
}

function heldLock(file: string): DataDirLock {
  let held = true;
  const release = (): void => {
    if (!held) return;
    held = false;
    if (readHolder(file) === process.pid) fs.rmSync(file, { force: true });
  };
  // A process that exits without stopping (a fatal error) leaves no lock behind; kill -9
  // leaves one, which the next start finds stale.
  process.once('exit', release);
  return { file, release };
}
