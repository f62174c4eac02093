/**
 * Index from order id (an integer up to 2^53) to slab slot.
 *
 * Order ids are dense and increasing, so most lookups go to a direct-mapped table
 * indexed by the id's low bits: consecutive orders land in consecutive entries, which
 * keeps the hot part of the index in cache. An id whose entry is taken by an older,
 * still-open order (a long-lived GTC order `capacity` ids back) goes to an overflow
 * table with linear probing and backward-shift deletion.
 */
import { isPowerOfTwo } from '../layout/layout_builder.js';

const EMPTY = -1;

export class OrderIdIndex {
  /** Direct-mapped pairs: [order id (0 = empty), slot]. */
  private readonly direct: Float64Array;
  private readonly direct_mask: number;
  private direct_count = 0;
  private readonly overflow_keys: Float64Array;
  private readonly overflow_values: Int32Array;
  private readonly overflow_mask: number;
  private overflow_count = 0;

  constructor(capacity: number) {
    if (!isPowerOfTwo(capacity)) throw new Error('order id index capacity must be a power of two');
    this.direct = new Float64Array(capacity * 2);
    this.direct_mask = capacity - 1;
    this.overflow_keys = new Float64Array(capacity);
    this.overflow_values = new Int32Array(capacity).fill(EMPTY);
    this.overflow_mask = capacity - 1;
  }

  /** Empties the index (overflow keys are only read behind a non-empty value, so they stay). */
  reset(): void {
    this.direct.fill(0);
    this.direct_count = 0;
    this.overflow_values.fill(EMPTY);
    this.overflow_count = 0;
  }

  get size(): number {
    return this.direct_count + this.overflow_count;
  }

  /** Slot of `order_id`, or -1. */
  get(order_id: number): number {
    const i = ((order_id >>> 0) & this.direct_mask) << 1;
    if (this.direct[i] === order_id) return this.direct[i + 1];
    if (this.overflow_count === 0) return EMPTY;
    const j = this.findOverflow(order_id);
    return j === EMPTY ? EMPTY : this.overflow_values[j];
  }

  set(order_id: number, slot: number): void {
    const i = ((order_id >>> 0) & this.direct_mask) << 1;
    const occupant = this.direct[i];
    if (occupant === order_id) {
      this.direct[i + 1] = slot;
      return;
    }
    // An id already in the overflow table stays there, even if its direct entry freed up.
    const existing = this.overflow_count === 0 ? EMPTY : this.findOverflow(order_id);
    if (existing !== EMPTY) {
      this.overflow_values[existing] = slot;
      return;
    }
    if (occupant === 0) {
      this.direct_count++;
      this.direct[i] = order_id;
      this.direct[i + 1] = slot;
      return;
    }
    if (this.overflow_count * 2 >= this.overflow_keys.length) {
      throw new Error('order id overflow index is over half full; raise OMS_MAX_OPEN_ORDERS sizing');
    }
    let j = this.home(order_id);
    while (this.overflow_values[j] !== EMPTY) j = (j + 1) & this.overflow_mask;
    this.overflow_keys[j] = order_id;
    this.overflow_values[j] = slot;
    this.overflow_count++;
  }

  /** Overflow table position of `order_id`, or -1. */
  private findOverflow(order_id: number): number {
    let j = this.home(order_id);
    for (;;) {
      if (this.overflow_values[j] === EMPTY) return EMPTY;
      if (this.overflow_keys[j] === order_id) return j;
      j = (j + 1) & this.overflow_mask;
    }
  }

  delete(order_id: number): void {
    const i = ((order_id >>> 0) & this.direct_mask) << 1;
    if (this.direct[i] === order_id) {
      this.direct[i] = 0;
      this.direct_count--;
      return;
    }
    if (this.overflow_count === 0) return;
    const j = this.findOverflow(order_id);
    if (j === EMPTY) return;
    // Backward-shift: pull later entries of the probe chain into the hole.
    let hole = j;
    let k = (j + 1) & this.overflow_mask;
    while (this.overflow_values[k] !== EMPTY) {
      const home = this.home(this.overflow_keys[k]);
      const between = hole <= k ? (home > hole && home <= k) : (home > hole || home <= k);
      if (!between) {
        this.overflow_keys[hole] = this.overflow_keys[k];
        this.overflow_values[hole] = this.overflow_values[k];
        hole = k;
      }
      k = (k + 1) & this.overflow_mask;
    }
    this.overflow_values[hole] = EMPTY;
    this.overflow_count--;
  }

  private home(order_id: number): number {
    const low = order_id >>> 0;
    const high = (order_id / 4294967296) >>> 0;
    return (Math.imul(low ^ Math.imul(high, 0x27d4eb2d), 0x9e3779b1) >>> 0) & this.overflow_mask;
  }
}
