/**
 * A binary min-heap of (key, slot, generation) in typed arrays, for the simulated venue's
 * price queues. (The engine's expiry queue is an IndexedSlotHeap instead: with lazy
 * removal, orders canceled long before their expiry stayed in it.) Removal is lazy: an entry whose slot was freed
 * (generation changed) or no longer qualifies is skipped when it reaches the top, which
 * keeps cancel O(1). `compact` drops dead entries when they pile up.
 *
 * Ties on the key pop in insertion order (time priority), via a sequence number.
 * Storage grows by doubling; after warm-up the heap allocates nothing.
 */
export class SlotHeap {
  private keys: Float64Array;
  private order: Float64Array;
  private slots: Int32Array;
  private generations: Int32Array;
  private length_ = 0;
  private inserted = 0;

  constructor(initial_capacity = 1024) {
    this.keys = new Float64Array(initial_capacity);
    this.order = new Float64Array(initial_capacity);
    this.slots = new Int32Array(initial_capacity);
    this.generations = new Int32Array(initial_capacity);
  }

  get length(): number {
    return this.length_;
  }

  push(key: number, slot: number, generation: number): void {
    if (this.length_ === this.keys.length) this.grow();
    let i = this.length_++;
    const seq = this.inserted++;
    // Sift up.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(key, seq, this.keys[parent], this.order[parent])) break;
      this.move(parent, i);
      i = parent;
    }
    this.keys[i] = key;
    this.order[i] = seq;
    this.slots[i] = slot;
    this.generations[i] = generation;
  }

  topKey(): number {
    return this.keys[0];
  }

  topSlot(): number {
    return this.slots[0];
  }

  topGeneration(): number {
    return this.generations[0];
  }

  pop(): void {
    const last = --this.length_;
    if (last === 0) return;
    const key = this.keys[last];
    const seq = this.order[last];
    const slot = this.slots[last];
    const generation = this.generations[last];
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= last) break;
      const right = left + 1;
      const child = right < last && this.less(this.keys[right], this.order[right], this.keys[left], this.order[left]) ? right : left;
      if (!this.less(this.keys[child], this.order[child], key, seq)) break;
      this.move(child, i);
      i = child;
    }
    this.keys[i] = key;
    this.order[i] = seq;
    this.slots[i] = slot;
    this.generations[i] = generation;
  }

  /** Keeps only entries for which `alive(slot, generation, key)` holds; O(n). */
  compact(alive: (slot: number, generation: number, key: number) => boolean): void {
    let kept = 0;
    for (let i = 0; i < this.length_; i++) {
      if (alive(this.slots[i], this.generations[i], this.keys[i])) {
        this.keys[kept] = this.keys[i];
        this.order[kept] = this.order[i];
        this.slots[kept] = this.slots[i];
        this.generations[kept] = this.generations[i];
        kept++;
      }
    }
    this.length_ = kept;
    // Floyd's heap construction.
    for (let i = (kept >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  clear(): void {
    this.length_ = 0;
  }

  private siftDown(start: number): void {
    const key = this.keys[start];
    const seq = this.order[start];
    const slot = this.slots[start];
    const generation = this.generations[start];
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= this.length_) break;
      const right = left + 1;
      const child = right < this.length_ && this.less(this.keys[right], this.order[right], this.keys[left], this.order[left]) ? right : left;
      if (!this.less(this.keys[child], this.order[child], key, seq)) break;
      this.move(child, i);
      i = child;
    }
    this.keys[i] = key;
    this.order[i] = seq;
    this.slots[i] = slot;
    this.generations[i] = generation;
  }

  private less(key_a: number, seq_a: number, key_b: number, seq_b: number): boolean {
    return key_a < key_b || (key_a === key_b && seq_a < seq_b);
  }

  private move(from: number, to: number): void {
    this.keys[to] = this.keys[from];
    this.order[to] = this.order[from];
    this.slots[to] = this.slots[from];
    this.generations[to] = this.generations[from];
  }

  private grow(): void {
    const capacity = this.keys.length * 2;
    const keys = new Float64Array(capacity); keys.set(this.keys); this.keys = keys;
    const order = new Float64Array(capacity); order.set(this.order); this.order = order;
    const slots = new Int32Array(capacity); slots.set(this.slots); this.slots = slots;
    const generations = new Int32Array(capacity); generations.set(this.generations); this.generations = generations;
  }
}
