/**
 * The journal worker against a real fault: a file-size limit (ulimit -f) on the process
 * makes a journal write fail with EFBIG part-way through a flush. The worker must stop at
 * once (fail-stop, nothing retried), say FAILED in the health block, exit non-zero with the
 * reason, and never publish "durable up to" past what the journal file really holds.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { journaledSeqs } from '../support/journal_fixture.js';
import { listSegments } from '../../../services/journal/journal_reader.js';
import { SPARE_PREPARING_NAME } from '../../../services/journal/journal_layout.js';
import type { JournalWorkerOutcome } from '../support/journal_worker_host.js';

const HOST = fileURLToPath(new URL('../support/journal_worker_host.js', import.meta.url));
/** ulimit -f counts 512-byte blocks (POSIX sh): 32 KiB, about 150 records. */
const FILE_LIMIT_BLOCKS = 64;

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-worker-test-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs the journal worker host in a child process, under a file-size limit if given. */
function runWorker(data_dir: string, count: number, file_limit_blocks: number | null): Promise<JournalWorkerOutcome> {
  const limit = file_limit_blocks === null ? '' : `ulimit -f ${file_limit_blocks} || exit 97; `;
  // Under tap, NODE_OPTIONS loads a hook (put back into every child's environment) that
  // writes process-info files, which the file-size limit must not hit: the host runs without it.
  const script = `${limit}unset NODE_OPTIONS; exec "$0" "$1" "$2" "$3"`;
  return new Promise((resolve, reject) => {
    execFile('sh', ['-c', script, process.execPath, HOST, data_dir, String(count)], { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error !== null) return reject(new Error(`journal worker host failed (${error.code ?? error.signal}): ${error.message}\n${stderr}`));
      resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as JournalWorkerOutcome);
    });
  });
}


t.test('without a fault the worker journals everything, publishes it durable and stops cleanly', async (t) => {
  const dir = tempDir(t);
  const outcome = await runWorker(dir, 400, null);
  t.same(outcome, { exit_code: 0, state: 'stopped', durable_seq: 400, published: 400, error: null });
  t.same(journaledSeqs(path.join(dir, 'journal')), Array.from({ length: 400 }, (_, i) => i + 1));
  const [segment] = listSegments(path.join(dir, 'journal'));
  t.equal(fs.statSync(segment.path).size, 1 << 20, 'its segment was preallocated (the host\'s segment_bytes)');
  t.notOk(fs.existsSync(path.join(dir, 'journal', SPARE_PREPARING_NAME)), 'its spare thread left no half-prepared spare');
});

t.test('a write that fails at the file-size limit stops the worker: FAILED, non-zero exit, no retry, no durability overstated', async (t) => {
  const dir = tempDir(t);
  const journal_dir = path.join(dir, 'journal');
  const outcome = await runWorker(dir, 2_000, FILE_LIMIT_BLOCKS);
  t.not(outcome.exit_code, 0, 'the worker exits non-zero');
  t.equal(outcome.state, 'failed', 'and says FAILED in the health block');
  t.match(outcome.error, /journal write failed: the file size limit was reached \(EFBIG\)/, 'its error gives the reason');
  t.ok(outcome.durable_seq < outcome.published, `it stopped part-way (durable ${outcome.durable_seq} of ${outcome.published})`);

  const [segment] = listSegments(journal_dir);
  t.ok(fs.statSync(segment.path).size <= FILE_LIMIT_BLOCKS * 512, 'the journal stayed within the limit');
  const seqs = journaledSeqs(journal_dir);
  t.same(seqs, Array.from({ length: seqs.length }, (_, i) => i + 1), 'every record once, in order: nothing written twice');
  t.ok(outcome.durable_seq <= seqs.length, `durable (${outcome.durable_seq}) never passes what the journal holds (${seqs.length})`);
  t.ok(outcome.durable_seq > 0, 'the flushes before the fault were durable');
});
