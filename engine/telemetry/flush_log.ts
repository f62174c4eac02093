/**
 * Writes and reads the journal's flush log (flush_log_layout.ts). The journal records one
 * entry per group commit; the io thread finds the flush that made a traced order's last
 * event durable. An entry is written before `count` is published (Atomics.store), so a
 * reader that loads `count` first sees whole entries; a reader that is lapped (the writer
 * wrote FLUSH_LOG_CAPACITY entries meanwhile) gets no answer rather than a wrong one.
 */
import {
  FE_LAST_SEQ, FE_SYNC_DONE_US, FE_WRITE_DONE_US, FE_WRITE_START_US, FL_COUNT_I32, FLUSH_LOG_BYTES, FLUSH_LOG_CAPACITY,
  FLUSH_LOG_ENTRY_BYTES, FLUSH_LOG_HEADER_BYTES,
} from './flush_log_layout.js';

const ENTRY_F64 = FLUSH_LOG_ENTRY_BYTES / 8;
const ENTRIES_F64 = FLUSH_LOG_HEADER_BYTES / 8;
const MASK = FLUSH_LOG_CAPACITY - 1;

/** A found flush's times, epoch µs. */
export interface FlushTimes {
  write_start_us: number;
  write_done_us: number;
  sync_done_us: number;
}

export class FlushLog {
  readonly buffer: SharedArrayBuffer;
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;

  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(FLUSH_LOG_BYTES)) {
    if (buffer.byteLength !== FLUSH_LOG_BYTES) throw new Error('flush log buffer has the wrong size');
    this.buffer = buffer;
    this.i32 = new Int32Array(buffer, 0, FLUSH_LOG_HEADER_BYTES / 4);
    this.f64 = new Float64Array(buffer);
  }

  get count(): number {
    return Atomics.load(this.i32, FL_COUNT_I32);
  }

  /** Writer (the journal worker only): one entry per flush, sequences increasing. */
  record(last_seq: number, write_start_us: number, write_done_us: number, sync_done_us: number): void {
    const count = this.i32[FL_COUNT_I32];
    const at = ENTRIES_F64 + (count & MASK) * ENTRY_F64;
    this.f64[at + FE_LAST_SEQ / 8] = last_seq;
    this.f64[at + FE_WRITE_START_US / 8] = write_start_us;
    this.f64[at + FE_WRITE_DONE_US / 8] = write_done_us;
    this.f64[at + FE_SYNC_DONE_US / 8] = sync_done_us;
    Atomics.store(this.i32, FL_COUNT_I32, (count + 1) | 0);
  }

  /**
   * The first flush whose last sequence is at or above `seq` (the one that made `seq`
   * durable), written into `out`. False if it is not among the entries kept, or not yet
   * recorded.
   */
  find(seq: number, out: FlushTimes): boolean {
    const count = Atomics.load(this.i32, FL_COUNT_I32);
    const oldest = count > FLUSH_LOG_CAPACITY ? count - FLUSH_LOG_CAPACITY : 0;
    let found = -1;
    let found_k = 0;
    for (let k = count - 1; k >= oldest; k--) {
      const at = ENTRIES_F64 + (k & MASK) * ENTRY_F64;
      if (this.f64[at + FE_LAST_SEQ / 8] < seq) break;
      found = at;
      found_k = k;
    }
    if (found < 0) return false;
    out.write_start_us = this.f64[found + FE_WRITE_START_US / 8];
    out.write_done_us = this.f64[found + FE_WRITE_DONE_US / 8];
    out.sync_done_us = this.f64[found + FE_SYNC_DONE_US / 8];
    // Entry found_k is overwritten by write number found_k + FLUSH_LOG_CAPACITY: if that one
    // may have begun while we read, the times may be torn.
    return Atomics.load(this.i32, FL_COUNT_I32) < found_k + FLUSH_LOG_CAPACITY;
  }
}
