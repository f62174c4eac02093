/**
 * Idempotency index: (account, client order id bytes) -> (order id, content hash), exact
 * (the bytes are compared, not just a hash), over a FIFO window of the most recent
 * `window` client order ids.
 *
 * When the window is full the oldest id is forgotten, unless its order is still open:
 * open orders keep their id (the entry is rotated to the newest end), so a resend can
 * never duplicate a live order. The window must be at least twice the open-order
 * capacity so rotation always finds a closed order to forget.
 *
 * Storage is a ring of entries plus an open-addressing table of entry indices; nothing
 * is allocated after construction.
 */
import { isPowerOfTwo } from '../layout/layout_builder.js';
import { CLIENT_ORDER_ID_MAX_BYTES } from '../protocol/command_layout.js';

const EMPTY = -1;

export interface IsOrderOpen {
  isOpen(order_id: number): boolean;
}

export class DedupeIndex {
  readonly window: number;
  private readonly entry_account: Int32Array;
  private readonly entry_order_id: Float64Array;
  private readonly entry_content_hash: Uint32Array;
  private readonly entry_key_hash: Uint32Array;
  private readonly entry_length: Uint8Array;
  private readonly entry_bytes: Uint8Array;
  private readonly table: Int32Array;
  private readonly table_mask: number;
  private readonly entry_mask: number;
  private head = 0;
  private count_ = 0;
  /**
   * Sum (mod 2^32) of every remembered entry's hash, kept as entries come and go, so the
   * state hash covers the whole window without walking it in the hot loop.
   */
  content_sum = 0;

  constructor(window: number) {
    if (!isPowerOfTwo(window)) throw new Error('dedupe window must be a power of two');
    this.window = window;
    this.entry_mask = window - 1;
    this.entry_account = new Int32Array(window);
    this.entry_order_id = new Float64Array(window);
    this.entry_content_hash = new Uint32Array(window);
    this.entry_key_hash = new Uint32Array(window);
    this.entry_length = new Uint8Array(window);
    this.entry_bytes = new Uint8Array(window * CLIENT_ORDER_ID_MAX_BYTES);
    this.table = new Int32Array(window * 2).fill(EMPTY);
    this.table_mask = window * 2 - 1;
  }

  get count(): number {
    return this.count_;
  }

  /** Entry holding this id, or -1. `bytes[offset .. offset+length)` is the client order id. */
  find(account: number, bytes: Uint8Array, offset: number, length: number): number {
    const key_hash = keyHash(account, bytes, offset, length);
    let i = key_hash & this.table_mask;
    for (;;) {
      const entry = this.table[i];
      if (entry === EMPTY) return EMPTY;
      if (this.entry_key_hash[entry] === key_hash && this.matches(entry, account, bytes, offset, length)) return entry;
      i = (i + 1) & this.table_mask;
    }
  }

  orderIdOf(entry: number): number {
    return this.entry_order_id[entry];
  }

  contentHashOf(entry: number): number {
    return this.entry_content_hash[entry];
  }

  /** Records a new id (the caller has checked `find` returned -1). */
  insert(account: number, bytes: Uint8Array, offset: number, length: number, order_id: number, content_hash: number, open: IsOrderOpen): void {
    if (this.count_ === this.window) this.forgetOldest(open);
    const entry = (this.head + this.count_) & this.entry_mask;
    const key_hash = keyHash(account, bytes, offset, length);
    this.entry_account[entry] = account;
    this.entry_order_id[entry] = order_id;
    this.entry_content_hash[entry] = content_hash;
    this.entry_key_hash[entry] = key_hash;
    this.entry_length[entry] = length;
    const start = entry * CLIENT_ORDER_ID_MAX_BYTES;
    for (let k = 0; k < length; k++) this.entry_bytes[start + k] = bytes[offset + k];
    this.count_++;
    this.content_sum = (this.content_sum + this.entryHash(entry)) >>> 0;
    let i = key_hash & this.table_mask;
    while (this.table[i] !== EMPTY) i = (i + 1) & this.table_mask;
    this.table[i] = entry;
  }

  /** Visits entries oldest first (for snapshots and the state hash). */
  forEach(visit: (account: number, bytes: Uint8Array, order_id: number, content_hash: number) => void): void {
    for (let k = 0; k < this.count_; k++) {
      const entry = (this.head + k) & this.entry_mask;
      const start = entry * CLIENT_ORDER_ID_MAX_BYTES;
      visit(this.entry_account[entry], this.entry_bytes.subarray(start, start + this.entry_length[entry]),
        this.entry_order_id[entry], this.entry_content_hash[entry]);
    }
  }

  private forgetOldest(open: IsOrderOpen): void {
    // Rotate open orders' ids to the newest end; the ring is full, so advancing head
    // makes the oldest entry the newest without moving it.
    for (let rotations = 0; rotations < this.window; rotations++) {
      const oldest = this.head;
      if (open.isOpen(this.entry_order_id[oldest])) {
        this.head = (this.head + 1) & this.entry_mask;
        continue;
      }
      this.removeFromTable(oldest);
      this.content_sum = (this.content_sum - this.entryHash(oldest)) >>> 0;
      this.head = (this.head + 1) & this.entry_mask;
      this.count_--;
      return;
    }
    throw new Error('dedupe window holds only open orders; the window must exceed the open-order capacity');
  }

  /** Hash of one entry's whole content (account, id bytes, order id, terms hash). */
  private entryHash(entry: number): number {
    let h = this.entry_key_hash[entry];
    h = Math.imul(h ^ this.entry_content_hash[entry], 0x01000193);
    const order_id = this.entry_order_id[entry];
    h = Math.imul(h ^ (order_id >>> 0), 0x01000193);
    h = Math.imul(h ^ ((order_id / 4294967296) >>> 0), 0x01000193);
    return h >>> 0;
  }

  private removeFromTable(entry: number): void {
    let i = this.entry_key_hash[entry] & this.table_mask;
    while (this.table[i] !== entry) {
      if (this.table[i] === EMPTY) throw new Error('dedupe table lost an entry');
      i = (i + 1) & this.table_mask;
    }
    let hole = i;
    let j = (i + 1) & this.table_mask;
    while (this.table[j] !== EMPTY) {
      const home = this.entry_key_hash[this.table[j]] & this.table_mask;
      const between = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
      if (!between) {
        this.table[hole] = this.table[j];
        hole = j;
      }
      j = (j + 1) & this.table_mask;
    }
    this.table[hole] = EMPTY;
  }

  private matches(entry: number, account: number, bytes: Uint8Array, offset: number, length: number): boolean {
    if (this.entry_account[entry] !== account || this.entry_length[entry] !== length) return false;
    const start = entry * CLIENT_ORDER_ID_MAX_BYTES;
    for (let k = 0; k < length; k++) if (this.entry_bytes[start + k] !== bytes[offset + k]) return false;
    return true;
  }
}

/** FNV-1a over the account and the id bytes. */
export function keyHash(account: number, bytes: Uint8Array, offset: number, length: number): number {
  let h = 0x811c9dc5;
  h = Math.imul(h ^ (account & 0xff), 0x01000193);
  h = Math.imul(h ^ ((account >>> 8) & 0xff), 0x01000193);
  h = Math.imul(h ^ ((account >>> 16) & 0xff), 0x01000193);
  for (let k = 0; k < length; k++) h = Math.imul(h ^ bytes[offset + k], 0x01000193);
  return h >>> 0;
}
