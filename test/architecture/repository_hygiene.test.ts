/**
 * What the repository tracks: no merge's conflict markers (one merge left them in a doc
 * comment of io/process/start_engine.ts, where the compiler could not see them), and no
 * installed packages or build output (a worktree's node_modules symlink was committed
 * once, and merging it replaced the installed packages with a link to itself).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MARKER = /^(<{7} |={7}$|>{7} )/m;

/** Tracked text files: sources, docs, configuration (the .git directory is never read). */
function trackedTextFiles(): string[] {
  const listed = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter((f) => f !== '');
  return listed.filter((f) => /\.(ts|js|mjs|json|md|sh|lua|yml|yaml)$|^Makefile$|^\.ci\//.test(f));
}

t.test('no tracked file holds conflict markers', (t) => {
  const files = trackedTextFiles();
  t.ok(files.length > 100, `${files.length} tracked files read`);
  const marked = files.filter((f) => fs.existsSync(path.join(ROOT, f)) && MARKER.test(fs.readFileSync(path.join(ROOT, f), 'utf8')));
  t.same(marked, [], 'files with <<<<<<<, ======= or >>>>>>> lines');
  t.end();
});

t.test('no installed packages, build output or data are tracked, as directories or as links', (t) => {
  const listed = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n');
  t.same(listed.filter((f) => /^(node_modules|dist|data)(\/|$)/.test(f)), []);
  t.end();
});

t.test('the check sees a marker inside a comment', (t) => {
  t.ok(MARKER.test('/**\n<<<<<<< HEAD\n * ours\n=======\n * theirs\n>>>>>>> branch\n */'));
  t.notOk(MARKER.test('const rule = "======= not at a line start";\n// ========'));
  t.end();
});
