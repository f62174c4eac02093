import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { DataDirLockedError, LOCK_FILE, lockDataDir } from '../../../io/process/data_dir_lock.js';

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oms-lock-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A process that runs until killed (the holder of a live lock). */
function sleeper() {
  return spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
}

t.test('a data directory held by a running OMS is refused, naming the holder', (t) => {
  const dir = tempDir(t);
  const holder = sleeper();
  t.teardown(() => { holder.kill('SIGKILL'); });
  fs.writeFileSync(path.join(dir, LOCK_FILE), `${holder.pid}\n`);
  let refusal: unknown = null;
  try {
    lockDataDir(dir);
  } catch (error) {
    refusal = error;
  }
  t.ok(refusal instanceof DataDirLockedError, 'refused');
  t.equal((refusal as DataDirLockedError).holder_pid, holder.pid, 'naming the holder');
  t.match((refusal as Error).message, /in use by another OMS.*OMS_DATA_DIR/, 'and what to do');
  t.equal(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8'), `${holder.pid}\n`, 'the live lock is left as it was');
  t.end();
});

t.test('a lock left by a process that no longer runs (kill -9) is taken over at once', async (t) => {
  const dir = tempDir(t);
  const dead = sleeper();
  await new Promise((resolve) => { dead.once('exit', resolve); dead.kill('SIGKILL'); });
  fs.writeFileSync(path.join(dir, LOCK_FILE), `${dead.pid}\n`);
  const lock = lockDataDir(dir);
  t.equal(fs.readFileSync(lock.file, 'utf8'), `${process.pid}\n`, 'the lock now names this process');
  t.same(fs.readdirSync(dir), [LOCK_FILE], 'nothing is left aside');
  lock.release();
  t.notOk(fs.existsSync(lock.file), 'release removes it');
});

t.test('a lock naming this very pid (a container restarted with the same pid) or nothing usable is stale', (t) => {
  for (const content of [`${process.pid}\n`, '', 'garbage']) {
    const dir = tempDir(t);
    fs.writeFileSync(path.join(dir, LOCK_FILE), content);
    const lock = lockDataDir(dir);
    t.equal(fs.readFileSync(lock.file, 'utf8'), `${process.pid}\n`, `taken over from ${JSON.stringify(content)}`);
    lock.release();
  }
  t.end();
});

t.test('one lock per directory; release leaves a lock that is no longer ours alone', (t) => {
  const dir = tempDir(t);
  const first = lockDataDir(path.join(dir, 'new', 'data'));
  t.ok(fs.existsSync(first.file), 'the directory is created with the lock');
  const holder = sleeper();
  t.teardown(() => { holder.kill('SIGKILL'); });
  fs.writeFileSync(first.file, `${holder.pid}\n`); // as if another OMS had taken it over
  first.release();
  t.equal(fs.readFileSync(first.file, 'utf8'), `${holder.pid}\n`, 'another holder\'s lock is not removed');
  t.end();
});
