/**
 * Journal flush latency, the JournalWriter alone: 1 or 2 records per flush (alternating),
 * one flush per millisecond for `seconds`, fsync durability, on the real disk. Reports
 * p50/p99/p99.9/max of one group commit as the journal agent does it: the appends (where
 * a roll-over happens) and the flush (one write + one fdatasync).
 *
 * Compares two writers in the same run by loading each from a build of its own:
 *
 *   node dist/bench/journal/writer_flush_latency.js <data_dir> <seconds> <writer.js>...
 *
 * e.g. the writer before preallocation (a build of an older commit) and this one:
 *
 *   git archive <old-commit> | tar -x -C /tmp/old && ln -s "$PWD/node_modules" /tmp/old/ && (cd /tmp/old && npx tsc -p .)
 *   node dist/bench/journal/writer_flush_latency.js /tmp/flushes 10 \
 *     /tmp/old/dist/services/journal/journal_writer.js dist/services/journal/journal_writer.js
 *
 * A writer that takes a `spares` option gets the journal worker's spare thread
 * (spare_segment_thread.ts), and the run waits for its first spare before measuring, as a
 * journal does after its start-up. Segments are the production size (64 MiB) unless
 * OMS_JOURNAL_SEGMENT_BYTES says otherwise; a smaller size shows roll-overs.
 *
 * Flushes are paced by Atomics.wait (the journal agent parks between flushes too), on an
 * absolute schedule: a late flush is not followed by a shorter gap to catch up.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { EventType } from '../../engine/protocol/enums.js';
import { EV_SEQ, EV_TYPE, EVENT_SLOT_BYTES } from '../../engine/protocol/event_layout.js';
import { slotViewsOver } from '../../engine/protocol/slot_views.js';
import { SpareSegmentThread } from '../../services/journal/spare_segment_thread.js';

interface WriterLike {
  open(first_seq: number): void;
  append(v: ReturnType<typeof slotViewsOver>, base: number): void;
  flush(): void;
  close(): void;
  segments_preallocated?: number;
  segments_appended?: number;
}
type WriterClass = new (options: Record<string, unknown>) => WriterLike;

const [data_dir, seconds_text, ...writer_paths] = process.argv.slice(2);
if (data_dir === undefined || writer_paths.length === 0) {
  console.error('usage: writer_flush_latency.js <data_dir> <seconds> <journal_writer.js>...');
  process.exit(2);
}
const seconds = Number(seconds_text);
const segment_bytes = Number(process.env.OMS_JOURNAL_SEGMENT_BYTES ?? 64 * 1024 * 1024);
const FLUSHES_PER_SECOND = 1000;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

function sleepUntil(due_ms: number): void {
  const wait = due_ms - performance.now();
  if (wait > 0) Atomics.wait(sleeper, 0, 0, wait);
}

function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))];
}

async function measure(label: string, Writer: WriterClass): Promise<void> {
  const directory = path.join(data_dir, label.replace(/[^a-z0-9]+/gi, '_'));
  fs.rmSync(directory, { recursive: true, force: true });
  // The preallocating writer is the one that counts spare failures.
  const takes_spares = Object.getOwnPropertyDescriptor(Writer.prototype, 'spare_failures') !== undefined;
  const spares = takes_spares ? new SpareSegmentThread(directory, segment_bytes) : undefined;
  fs.mkdirSync(directory, { recursive: true });
  const writer = new Writer({ directory, durability: 'fsync', segment_bytes, buffer_records: 16384, spares });
  writer.open(1);
  if (spares !== undefined) {
    const deadline = Date.now() + 60_000;
    while (!spares.ready && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const slot = slotViewsOver(new ArrayBuffer(EVENT_SLOT_BYTES));
  slot.u8[EV_TYPE] = EventType.REJECTED;
  const flushes = seconds * FLUSHES_PER_SECOND;
  const flush_us = new Float64Array(flushes);
  let seq = 1;
  const start = performance.now();
  for (let i = 0; i < flushes; i++) {
    sleepUntil(start + i * (1000 / FLUSHES_PER_SECOND));
    // Appends included: a roll-over happens inside append.
    const before = performance.now();
    for (let r = 0; r < 1 + (i & 1); r++) {
      slot.f64[EV_SEQ >> 3] = seq++;
      writer.append(slot, 0);
    }
    writer.flush();
    flush_us[i] = (performance.now() - before) * 1000;
  }
  writer.close();
  await spares?.exited();
  flush_us.sort();
  const f = (q: number) => quantile(flush_us, q).toFixed(0).padStart(6);
  const segments = writer.segments_preallocated === undefined ? ''
    : `  segments preallocated ${writer.segments_preallocated}, appended ${writer.segments_appended}`;
  console.log(`${label.padEnd(48)} flush us: p50 ${f(0.5)} p99 ${f(0.99)} p99.9 ${f(0.999)} max ${f(1)}${segments}`);
  fs.rmSync(directory, { recursive: true, force: true });
}

for (const writer_path of writer_paths) {
  const module = await import(pathToFileURL(path.resolve(writer_path)).href) as { JournalWriter: WriterClass };
  await measure(writer_path, module.JournalWriter);
}
