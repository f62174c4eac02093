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
 * Laid out for the cache, since every new order does one lookup and one insert into a
 * table far larger than the CPU caches:
 *  - the open-addressing table holds (entry + 1, key hash) pairs, so a probe compares
 *    hashes without touching entries: one cache line per probe;
 *  - each entry is exactly one 64-byte line (AoS), written in FIFO order:
 *
 * ```
 *  0   key_hash      u32     hash of (account, id bytes)
 *  4   account       i32
 *  8   order_id      f64
 *  16  content_hash  u32     hash of the order's terms
 *  20  length        u8      id length
 *  24  id bytes      40 B
 * ```
 *  - an insert that follows a missed lookup of the same key reuses that lookup's probe;
 *  - the engine hashes a whole batch's ids before touching any table slot (`keyHash`,
 *    then `prefetchHashed`, later `findHashed`): the lookup does not hash again, and the
 *    table reads of the batch overlap. (The insert still hashes the event's copy of the
 *    id: taking the lookup's hash safely means keeping and comparing a copy of the
 *    missed key, which measured slower than hashing again.)
 *
 * Nothing is allocated after construction.
 */
import { isPowerOfTwo } from '../layout/layout_builder.js';
import { CLIENT_ORDER_ID_MAX_BYTES } from '../protocol/command_layout.js';

const ENTRY_BYTES = 64;
/** Memory one remembered order takes in the window (the soak run's memory check counts it). */
export const DEDUPE_ENTRY_BYTES = ENTRY_BYTES;
const E_KEY_HASH_I32 = 0;
const E_ACCOUNT_I32 = 1;
const E_ORDER_ID_F64 = 1;
const E_CONTENT_HASH_I32 = 4;
const E_LENGTH = 20;
const E_BYTES = 24;

if (E_BYTES + CLIENT_ORDER_ID_MAX_BYTES > ENTRY_BYTES) throw new Error('a dedupe entry must fit one cache line');

export interface IsOrderOpen {
  isOpen(order_id: number): boolean;
}

export class DedupeIndex {
  readonly window: number;
  private readonly entries_u8: Uint8Array;
  private readonly entries_i32: Int32Array;
  private readonly entries_f64: Float64Array;
  /** Pairs per slot: [entry + 1 (0 = empty), key hash]. */
  private readonly table: Int32Array;
  private readonly table_mask: number;
  private readonly entry_mask: number;
  private head = 0;
  private count_ = 0;
  /** Where the last lookup that missed ended, and for which hash (-1: nothing cached). */
  private miss_slot = -1;
  private miss_hash = 0;
  /**
   * Sum (mod 2^32) of every remembered entry's hash, kept as entries come and go, so the
   * state hash covers the whole window without walking it in the hot loop.
   */
  content_sum = 0;

  constructor(window: number) {
    if (!isPowerOfTwo(window)) throw new Error('dedupe window must be a power of two');
    this.window = window;
    this.entry_mask = window - 1;
    const entries = new ArrayBuffer(window * ENTRY_BYTES);
    this.entries_u8 = new Uint8Array(entries);
    this.entries_i32 = new Int32Array(entries);
    this.entries_f64 = new Float64Array(entries);
    this.table = new Int32Array(window * 2 * 2);
    this.table_mask = window * 2 - 1;
  }

  get count(): number {
    return this.count_;
  }

  /**
   * Forgets every id. Only the table is cleared: an entry is read only while the table
   * points at it or it lies in the FIFO window, and each insert writes all of it.
   */
  reset(): void {
    this.table.fill(0);
    this.head = 0;
    this.count_ = 0;
    this.miss_slot = -1;
    this.miss_hash = 0;
    this.content_sum = 0;
  }

  /** Entry holding this id, or -1. `bytes[offset .. offset+length)` is the client order id. */
  find(account: number, bytes: Uint8Array, offset: number, length: number): number {
    return this.findHashed(keyHash(account, bytes, offset, length), account, bytes, offset, length);
  }

  /** `find` with the id's `keyHash` computed by the caller (once per order, see prefetchHashed). */
  findHashed(key_hash: number, account: number, bytes: Uint8Array, offset: number, length: number): number {
    const table = this.table;
    let i = key_hash & this.table_mask;
    for (;;) {
      const stored = table[i << 1];
      if (stored === 0) {
        this.miss_slot = i;
        this.miss_hash = key_hash;
        return -1;
      }
      if (table[(i << 1) + 1] === key_hash && this.matches(stored - 1, account, bytes, offset, length)) return stored - 1;
      i = (i + 1) & this.table_mask;
    }
  }

  /**
   * Touches the table slot a lookup of the id with this `keyHash` will probe first, without
   * looking. Called for a whole batch of commands before any is handled, it lets the CPU
   * fetch many cache lines at once instead of stalling on each lookup in turn. The batch's
   * ids are hashed in a loop before the loop of these: a loop that hashed each id between
   * its reads kept fewer reads in flight (the hash is a long chain of multiplies that fills
   * the CPU's reorder window while a read waits). Returns the slot's content so the read
   * is not optimised away.
   */
  prefetchHashed(key_hash: number): number {
    return this.table[(key_hash & this.table_mask) << 1];
  }

  /**
   * When the window is full, each insert first forgets the oldest id, whose table slot is
   * another random access. Touches the home slots of the next `inserts` ids to be
   * forgotten, for the same reason as `prefetchHashed`. Returns what it read.
   */
  prefetchEvictions(inserts: number): number {
    const overflow = this.count_ + inserts - this.window;
    if (overflow <= 0) return 0;
    let touched = 0;
    const n = overflow < this.count_ ? overflow : this.count_;
    for (let k = 0; k < n; k++) {
      const entry = (this.head + k) & this.entry_mask;
      touched ^= this.table[(this.entries_i32[entry << 4] & this.table_mask) << 1];
    }
    return touched;
  }

  orderIdOf(entry: number): number {
    return this.entries_f64[(entry << 3) + E_ORDER_ID_F64];
  }

  /** The terms hash as an int32 (compare with `hash | 0`). */
  contentHashOf(entry: number): number {
    return this.entries_i32[(entry << 4) + E_CONTENT_HASH_I32];
  }

  /** Records a new id (the caller knows it is not present). */
  insert(account: number, bytes: Uint8Array, offset: number, length: number, order_id: number, content_hash: number, open: IsOrderOpen): void {
    if (this.count_ === this.window) this.forgetOldest(open);
    const entry = (this.head + this.count_) & this.entry_mask;
    const key_hash = keyHash(account, bytes, offset, length);
    const base32 = entry << 4;
    const base8 = entry << 6;
    this.entries_i32[base32 + E_KEY_HASH_I32] = key_hash;
    this.entries_i32[base32 + E_ACCOUNT_I32] = account;
    this.entries_f64[(entry << 3) + E_ORDER_ID_F64] = order_id;
    this.entries_i32[base32 + E_CONTENT_HASH_I32] = content_hash | 0;
    this.entries_u8[base8 + E_LENGTH] = length;
    const to = base8 + E_BYTES;
    for (let k = 0; k < length; k++) this.entries_u8[to + k] = bytes[offset + k];
    this.count_++;
    this.content_sum = (this.content_sum + this.entryHash(entry)) >>> 0;

    // The probe of the lookup that just missed this key ends at the slot to use.
    const table = this.table;
    let i: number;
    if (this.miss_slot >= 0 && this.miss_hash === key_hash && table[this.miss_slot << 1] === 0) {
      i = this.miss_slot;
    } else {
      i = key_hash & this.table_mask;
      while (table[i << 1] !== 0) i = (i + 1) & this.table_mask;
    }
    this.miss_slot = -1;
    table[i << 1] = entry + 1;
    table[(i << 1) + 1] = key_hash;
  }

  /** Visits entries oldest first (for snapshots). */
  forEach(visit: (account: number, bytes: Uint8Array, order_id: number, content_hash: number) => void): void {
    for (let k = 0; k < this.count_; k++) {
      const entry = (this.head + k) & this.entry_mask;
      const start = (entry << 6) + E_BYTES;
      visit(this.entries_i32[(entry << 4) + E_ACCOUNT_I32], this.entries_u8.subarray(start, start + this.entries_u8[(entry << 6) + E_LENGTH]),
        this.orderIdOf(entry), this.contentHashOf(entry));
    }
  }

  private forgetOldest(open: IsOrderOpen): void {
    // Rotate open orders' ids to the newest end; the ring is full, so advancing head
    // makes the oldest entry the newest without moving it.
    for (let rotations = 0; rotations < this.window; rotations++) {
      const oldest = this.head;
      if (open.isOpen(this.orderIdOf(oldest))) {
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

  /** Hash of one entry's whole content (account, id bytes, order id, terms hash), as an int32 (never boxed). */
  private entryHash(entry: number): number {
    let h = this.entries_i32[(entry << 4) + E_KEY_HASH_I32];
    h = Math.imul(h ^ this.entries_i32[(entry << 4) + E_CONTENT_HASH_I32], 0x01000193);
    const order_id = this.orderIdOf(entry);
    h = Math.imul(h ^ (order_id | 0), 0x01000193);
    h = Math.imul(h ^ ((order_id / 4294967296) | 0), 0x01000193);
    return h;
  }

  /** Removes an entry's slot with backward-shift deletion (no tombstones). */
  private removeFromTable(entry: number): void {
    const table = this.table;
    const mask = this.table_mask;
    let i = this.entries_i32[(entry << 4) + E_KEY_HASH_I32] & mask;
    while (table[i << 1] !== entry + 1) {
      if (table[i << 1] === 0) throw new Error('dedupe table lost an entry');
      i = (i + 1) & mask;
    }
    let hole = i;
    let j = (i + 1) & mask;
    while (table[j << 1] !== 0) {
      const home = table[(j << 1) + 1] & mask;
      const between = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
      if (!between) {
        table[hole << 1] = table[j << 1];
        table[(hole << 1) + 1] = table[(j << 1) + 1];
        hole = j;
      }
      j = (j + 1) & mask;
    }
    table[hole << 1] = 0;
    this.miss_slot = -1;
  }

  private matches(entry: number, account: number, bytes: Uint8Array, offset: number, length: number): boolean {
    const base8 = entry << 6;
    if (this.entries_i32[(entry << 4) + E_ACCOUNT_I32] !== account || this.entries_u8[base8 + E_LENGTH] !== length) return false;
    const start = base8 + E_BYTES;
    for (let k = 0; k < length; k++) if (this.entries_u8[start + k] !== bytes[offset + k]) return false;
    return true;
  }
}

/**
 * FNV-1a over the account and the id bytes, as an int32: a uint32 at or above 2^31 would
 * be a boxed heap number when returned from a call that is not inlined.
 */
export function keyHash(account: number, bytes: Uint8Array, offset: number, length: number): number {
  let h = 0x811c9dc5;
  h = Math.imul(h ^ (account & 0xff), 0x01000193);
  h = Math.imul(h ^ ((account >>> 8) & 0xff), 0x01000193);
  h = Math.imul(h ^ ((account >>> 16) & 0xff), 0x01000193);
  for (let k = 0; k < length; k++) h = Math.imul(h ^ bytes[offset + k], 0x01000193);
  return h | 0;
}
