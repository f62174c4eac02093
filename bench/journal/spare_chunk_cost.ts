/**
 * What zeroing a spare journal segment costs, and what it costs a group commit running
 * beside it: the figures behind SPARE_CHUNK_BYTES (spare_segment_file.ts) and the spare
 * thread's pacing (spare_segment_thread.ts).
 *
 *   node dist/bench/journal/spare_chunk_cost.js <dir on the journal's disk> [seconds]
 *
 * 1. One chunk of zeros written into a growing file, per chunk size, and an fdatasync
 *    after each chunk: whether a chunk (and its sync) could run between two group commits
 *    on the journal agent's own thread.
 * 2. A commit loop (one 208-byte record overwritten in a zeroed file + fdatasync, 1,000
 *    per second, what a preallocated segment's flush does) for `seconds`: alone, then
 *    while the real spare thread zeroes 64 MiB spares back to back with each pacing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { RECORD_BYTES } from '../../services/journal/journal_layout.js';
import { readySpareExists, spareReadyPath } from '../../services/journal/spare_segment_file.js';
import { SPARE_PAUSE_MS, SPARE_SYNC_EVERY_BYTES, SpareSegmentThread } from '../../services/journal/spare_segment_thread.js';

const [dir, seconds_text] = process.argv.slice(2);
if (dir === undefined) {
  console.error('usage: spare_chunk_cost.js <dir> [seconds]');
  process.exit(2);
}
const seconds = Number(seconds_text ?? 5);
const SPARE_BYTES = 64 * 1024 * 1024;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

function quantiles(samples: number[]): string {
  const sorted = Float64Array.from(samples).sort();
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1)))].toFixed(0).padStart(6);
  return `p50 ${q(0.5)} p99 ${q(0.99)} p99.9 ${q(0.999)} max ${q(1)} us`;
}

function chunkCosts(): void {
  for (const chunk of [64 << 10, 128 << 10, 256 << 10]) {
    const file = path.join(dir, 'chunk-cost.tmp');
    const fd = fs.openSync(file, 'w');
    const zeros = Buffer.alloc(chunk);
    const write_us: number[] = [];
    const sync_us: number[] = [];
    for (let offset = 0; offset < 16 << 20; offset += chunk) {
      let started = performance.now();
      fs.writeSync(fd, zeros, 0, chunk, offset);
      write_us.push((performance.now() - started) * 1000);
      started = performance.now();
      fs.fdatasyncSync(fd);
      sync_us.push((performance.now() - started) * 1000);
    }
    fs.closeSync(fd);
    fs.rmSync(file);
    console.log(`chunk ${String(chunk >> 10).padStart(3)} KiB  write ${quantiles(write_us)} | fdatasync after it ${quantiles(sync_us)}`);
  }
}

async function commitLoop(label: string, pacing: { pause_ms: number; sync_every_bytes: number } | null): Promise<void> {
  const spare_dir = path.join(dir, 'spares');
  fs.rmSync(spare_dir, { recursive: true, force: true });
  fs.mkdirSync(spare_dir, { recursive: true });
  const file = path.join(dir, 'commits.seg');
  const fd = fs.openSync(file, 'w+');
  const zeros = Buffer.alloc(1 << 20);
  for (let offset = 0; offset < 16 << 20; offset += zeros.length) fs.writeSync(fd, zeros, 0, zeros.length, offset);
  fs.fsyncSync(fd);
  const spares = pacing === null ? null : new SpareSegmentThread(spare_dir, SPARE_BYTES, pacing);
  spares?.prepareNext();
  const record = Buffer.alloc(RECORD_BYTES, 7);
  const commit_us: number[] = [];
  let spares_done = 0;
  const start = performance.now();
  for (let i = 0; i < seconds * 1000; i++) {
    const wait = start + i - performance.now();
    if (wait > 0) Atomics.wait(sleeper, 0, 0, wait);
    const started = performance.now();
    fs.writeSync(fd, record, 0, RECORD_BYTES, i * RECORD_BYTES);
    fs.fdatasyncSync(fd);
    commit_us.push((performance.now() - started) * 1000);
    // Keep the thread busy: take each ready spare away and ask for the next.
    if (spares !== null && spares.claim() && readySpareExists(spare_dir, SPARE_BYTES)) {
      fs.rmSync(spareReadyPath(spare_dir));
      spares_done++;
      spares.prepareNext();
    }
  }
  spares?.close();
  await spares?.exited();
  fs.closeSync(fd);
  fs.rmSync(file);
  fs.rmSync(spare_dir, { recursive: true, force: true });
  console.log(`${label.padEnd(46)} commit ${quantiles(commit_us)}${spares === null ? '' : `  (${spares_done} spares of 64 MiB)`}`);
}

fs.mkdirSync(dir, { recursive: true });
chunkCosts();
await commitLoop('no spare being zeroed', null);
await commitLoop(`spare thread, pause ${SPARE_PAUSE_MS} ms, sync every ${SPARE_SYNC_EVERY_BYTES >> 10} KiB`,
  { pause_ms: SPARE_PAUSE_MS, sync_every_bytes: SPARE_SYNC_EVERY_BYTES });
await commitLoop('spare thread, no pause, one sync at the end', { pause_ms: 0, sync_every_bytes: SPARE_BYTES });
