/**
 * Open-addressing hash index from order id (an integer up to 2^53) to slab slot, with
 * linear probing and backward-shift deletion (no tombstones, so probe chains never
 * degrade). Capacity is a power of two at least twice the slab size.
 */
import { isPowerOfTwo } from '../layout/layout_builder.js';

const EMPTY = -1;

export class OrderIdIndex {
  private readonly keys: Float64Array;
  private readonly values: Int32Array;
  private readonly mask: number;
  private size_ = 0;

  constructor(capacity: number) {
    if (!isPowerOfTwo(capacity)) throw new Error('order id index capacity must be a power of two');
    this.keys = new Float64Array(capacity);
    this.values = new Int32Array(capacity).fill(EMPTY);
    this.mask = capacity - 1;
  }

  get size(): number {
    return this.size_;
  }

  /** Slot of `order_id`, or -1. */
  get(order_id: number): number {
    let i = this.home(order_id);
    for (;;) {
      const value = this.values[i];
      if (value === EMPTY) return EMPTY;
      if (this.keys[i] === order_id) return value;
      i = (i + 1) & this.mask;
    }
  }

  set(order_id: number, slot: number): void {
    if (this.size_ * 2 >= this.keys.length) throw new Error('order id index is over half full; raise OMS_MAX_OPEN_ORDERS sizing');
    let i = this.home(order_id);
    for (;;) {
      if (this.values[i] === EMPTY) {
        this.keys[i] = order_id;
        this.values[i] = slot;
        this.size_++;
        return;
      }
      if (this.keys[i] === order_id) {
        this.values[i] = slot;
        return;
      }
      i = (i + 1) & this.mask;
    }
  }

  delete(order_id: number): void {
    let i = this.home(order_id);
    for (;;) {
      if (this.values[i] === EMPTY) return;
      if (this.keys[i] === order_id) break;
      i = (i + 1) & this.mask;
    }
    // Backward-shift: pull later entries of the probe chain into the hole.
    let hole = i;
    let j = (i + 1) & this.mask;
    while (this.values[j] !== EMPTY) {
      const home = this.home(this.keys[j]);
      // Move j into the hole unless its home lies cyclically in (hole, j].
      const between = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
      if (!between) {
        this.keys[hole] = this.keys[j];
        this.values[hole] = this.values[j];
        hole = j;
      }
      j = (j + 1) & this.mask;
    }
    this.values[hole] = EMPTY;
    this.size_--;
  }

  private home(order_id: number): number {
    // Order ids are dense integers; a multiplicative hash of the low and high words spreads them.
    const low = order_id >>> 0;
    const high = (order_id / 4294967296) >>> 0;
    return (Math.imul(low ^ Math.imul(high, 0x27d4eb2d), 0x9e3779b1) >>> 0) & this.mask;
  }
}
