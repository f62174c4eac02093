/**
 * The journal's flush log: the times of its last FLUSH_LOG_CAPACITY group commits, in
 * shared memory, so the io thread can say how long a traced order waited for the journal,
 * wrote and fdatasync'd (stage timing). One writer (the journal worker), any readers.
 *
 * ```
 *  header, one cache line:
 *  0   count            i32   flushes recorded since start; the newest entry is at
 *                             (count - 1) & (FLUSH_LOG_CAPACITY - 1)
 *  entries from byte 64, FLUSH_LOG_CAPACITY of 32 bytes:
 *  0   last_seq         f64   highest sequence the flush made durable
 *  8   write_start_us   f64   epoch µs when the write began
 *  16  write_done_us    f64   when the write returned
 *  24  sync_done_us     f64   when fdatasync returned (= write_done_us without fsync)
 * ```
 */
import { CACHE_LINE_BYTES, LayoutBuilder } from '../layout/layout_builder.js';

/** Entries kept; a power of two. The io thread looks a flush up within milliseconds of it. */
export const FLUSH_LOG_CAPACITY = 256;

const header = new LayoutBuilder('flush log header');
export const FL_COUNT_I32 = header.i32('count') >> 2;
export const FLUSH_LOG_HEADER_BYTES = header.finish(CACHE_LINE_BYTES);

const entry = new LayoutBuilder('flush log entry');
export const FE_LAST_SEQ = entry.f64('last_seq');
export const FE_WRITE_START_US = entry.f64('write_start_us');
export const FE_WRITE_DONE_US = entry.f64('write_done_us');
export const FE_SYNC_DONE_US = entry.f64('sync_done_us');
export const FLUSH_LOG_ENTRY_BYTES = entry.finish(32);

export const FLUSH_LOG_BYTES = FLUSH_LOG_HEADER_BYTES + FLUSH_LOG_CAPACITY * FLUSH_LOG_ENTRY_BYTES;

if ((FLUSH_LOG_CAPACITY & (FLUSH_LOG_CAPACITY - 1)) !== 0) throw new Error('flush log capacity must be a power of two');
if (FE_SYNC_DONE_US !== 24 || FLUSH_LOG_HEADER_BYTES !== 64) throw new Error('flush log layout moved: update the diagram');
