/**
 * A binary min-heap of order slots keyed by a number (the engine's expiry queue, keyed by
 * expire_at_ms), holding at most one entry per slot. Each slot knows its position in the
 * heap, so an order that leaves the book is taken out at once in O(log n) instead of
 * lingering until its key comes up: the heap holds exactly the entries still wanted.
 *
 * Why not the lazy SlotHeap: every DAY order expires at the same session end, so with
 * lazy removal a day of DAY orders that rest and are canceled piles up in the heap (it
 * grew by doubling inside the hot loop) and session end pops them all in one stall.
 *
 * Capacity is fixed at construction (the slab's capacity, since a slot has at most one
 * entry); nothing here allocates afterwards. Ties on the key pop in insertion order.
 *
 * ```
 *  by heap position i (0 = top; children of i at 2i+1, 2i+2):
 *    keys[i]   f64   the entry's key
 *    order[i]  f64   insertion number, to break ties (a double: 2^53 insertions)
 *    slots[i]  i32   the slot the entry belongs to
 *  by slot s:
 *    position[s]  i32   where slot s sits in the heap, or -1 if it has no entry
 * ```
 */
const ABSENT = -1;

export class IndexedSlotHeap {
  readonly capacity: number;
  private readonly keys: Float64Array;
  private readonly order: Float64Array;
  private readonly slots: Int32Array;
  private readonly position: Int32Array;
  private length_ = 0;
  private inserted = 0;

  /** @param capacity the number of slots (0 .. capacity - 1) that may hold an entry. */
  constructor(capacity: number) {
    if (!(Number.isInteger(capacity) && capacity > 0)) throw new Error('indexed slot heap capacity must be a positive integer');
    this.capacity = capacity;
    this.keys = new Float64Array(capacity);
    this.order = new Float64Array(capacity);
    this.slots = new Int32Array(capacity);
    this.position = new Int32Array(capacity).fill(ABSENT);
  }

  get length(): number {
    return this.length_;
  }

  contains(slot: number): boolean {
    return this.position[slot] !== ABSENT;
  }

  /** Adds an entry for `slot`, which must not have one already. */
  insert(slot: number, key: number): void {
    if (this.position[slot] !== ABSENT) throw new Error(`slot ${slot} is already in the heap`);
    // Cannot overflow: every slot has at most one entry and there are `capacity` slots.
    const at = this.length_++;
    this.keys[at] = key;
    this.order[at] = this.inserted++;
    this.slots[at] = slot;
    this.position[slot] = at;
    this.siftUp(at);
  }

  /** Takes out `slot`'s entry, if it has one; O(log n). Returns whether there was one. */
  remove(slot: number): boolean {
    const at = this.position[slot];
    if (at === ABSENT) return false;
    this.position[slot] = ABSENT;
    const last = --this.length_;
    if (at === last) return true;
    // The last entry fills the hole, then moves whichever way its key asks.
    this.place(last, at);
    if (at > 0 && this.less(at, (at - 1) >> 1)) this.siftUp(at);
    else this.siftDown(at);
    return true;
  }

  topKey(): number {
    return this.keys[0];
  }

  topSlot(): number {
    return this.slots[0];
  }

  /** Removes the top entry. */
  pop(): void {
    this.remove(this.slots[0]);
  }

  /** Removes every entry; O(length). */
  clear(): void {
    for (let i = 0; i < this.length_; i++) this.position[this.slots[i]] = ABSENT;
    this.length_ = 0;
  }

  private siftUp(start: number): void {
    let i = start;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private siftDown(start: number): void {
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= this.length_) break;
      const right = left + 1;
      const child = right < this.length_ && this.less(right, left) ? right : left;
      if (!this.less(child, i)) break;
      this.swap(i, child);
      i = child;
    }
  }

  /** Is the entry at position a ahead of the one at position b? */
  private less(a: number, b: number): boolean {
    const key_a = this.keys[a];
    const key_b = this.keys[b];
    return key_a < key_b || (key_a === key_b && this.order[a] < this.order[b]);
  }

  private swap(a: number, b: number): void {
    const key = this.keys[a];
    const order = this.order[a];
    const slot = this.slots[a];
    this.place(b, a);
    this.keys[b] = key;
    this.order[b] = order;
    this.slots[b] = slot;
    this.position[slot] = b;
  }

  /** Moves the entry at position `from` to position `to` (overwriting it) and records where it went. */
  private place(from: number, to: number): void {
    const slot = this.slots[from];
    this.keys[to] = this.keys[from];
    this.order[to] = this.order[from];
    this.slots[to] = slot;
    this.position[slot] = to;
  }
}
