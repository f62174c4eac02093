/**
 * The disk's floor under a durable answer: one small write plus fdatasync, paced like a
 * quiet order flow, appended to a growing file (the journal today) and overwriting a file
 * whose blocks were written before (a preallocated segment).
 *
 *   node dist/bench/floor/fdatasync_cost.js [--dir D] [--rate R] [--seconds S]
 *
 * Appending changes the file's size, so each fdatasync also commits the file system's
 * metadata journal; overwriting written blocks does not.
 *
 * Each line also says how late the records were against their paced due time ("from
 * due"): a record that waited behind a stalled fdatasync counts its wait, as an order
 * does in the benchmark's open loop. That is the disk's own floor under the latency
 * target's p99.9: at 1 000 records/s one 30 ms stall alone delays some 30 records, which
 * is 0.2% of a 15 s window.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { newLatencyHistogram, recordLatencyUs } from '../harness/latency_histogram.js';

const RECORD_BYTES = 512;
const PREWRITTEN_BYTES = 64 << 20;

async function measure(file: string, prewrite: boolean, rate: number, seconds: number): Promise<string> {
  const fd = fs.openSync(file, 'w+');
  try {
    if (prewrite) {
      const zeros = Buffer.alloc(1 << 20);
      for (let at = 0; at < PREWRITTEN_BYTES; at += zeros.length) fs.writeSync(fd, zeros, 0, zeros.length, at);
      fs.fsyncSync(fd);
    }
    const record = Buffer.alloc(RECORD_BYTES, 7);
    const histogram = newLatencyHistogram();
    const from_due = newLatencyHistogram();
    const started = performance.now();
    for (let i = 0; i < rate * seconds; i++) {
      const due = started + (i * 1000) / rate;
      for (let wait = due - performance.now(); wait > 0; wait = due - performance.now()) {
        if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait - 1));
      }
      const t0 = performance.now();
      fs.writeSync(fd, record, 0, RECORD_BYTES, i * RECORD_BYTES);
      fs.fdatasyncSync(fd);
      const done = performance.now();
      recordLatencyUs(histogram, (done - t0) * 1000);
      recordLatencyUs(from_due, (done - due) * 1000);
    }
    const at = (p: number) => histogram.getValueAtPercentile(p);
    const late = (p: number) => from_due.getValueAtPercentile(p);
    return `p50 ${at(50)} µs, p99 ${at(99)}, p99.9 ${at(99.9)}, max ${histogram.maxValue}; `
      + `from due: p50 ${late(50)}, p99 ${late(99)}, p99.9 ${late(99.9)}, max ${from_due.maxValue}`;
  } finally {
    fs.closeSync(fd);
    fs.rmSync(file, { force: true });
  }
}

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
};
const dir = fs.mkdtempSync(path.join(option('--dir', os.tmpdir()), 'fdatasync-'));
const rate = Number(option('--rate', '1000'));
const seconds = Number(option('--seconds', '10'));
try {
  console.log(`append + fdatasync:    ${await measure(path.join(dir, 'append'), false, rate, seconds)}`);
  console.log(`overwrite + fdatasync: ${await measure(path.join(dir, 'overwrite'), true, rate, seconds)}`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
