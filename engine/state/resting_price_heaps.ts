/**
 * Many small min-heaps of order slots, for self-trade prevention: one per (account,
 * symbol, side), holding that side's resting orders keyed by the price they cross at, so
 * the best own price is always at a root. Each heap is an intrusive pairing heap: the
 * nodes are the order slots themselves, linked through per-slot arrays, so every heap
 * together needs one entry per open order and nothing is allocated after start-up.
 *
 * Why a heap: when the best resting price left, the engine used to mark it stale and scan
 * all of the account's open orders on the next check, O(open orders) inside the hot loop
 * for a market maker who cancels its best quote all day. Here insert is O(1) and removing
 * any slot (the best or not) is O(log n) amortized (Fredman, Sedgewick, Sleator, Tarjan
 * 1986); the best key is read in O(1). A single removal may do more work after many
 * inserts (the first removal of a root with many children), paid for by those inserts.
 *
 * ```
 *  per heap h:   root[h]      i32   slot at the root, or -1 if the heap is empty
 *  per slot s:   key[s]       f64   the slot's key (the lowest key is the root's)
 *                child[s]     i32   first child, or -1
 *                next[s]      i32   next sibling, or -1
 *                prev[s]      i32   previous sibling, or the parent for a first child; -1 at a root
 *                heap_of[s]   i32   the heap the slot is in, or -1
 * ```
 */
const NONE = -1;

export class RestingPriceHeaps {
  readonly heaps: number;
  readonly slot_capacity: number;
  /**
   * Slots compared while restructuring (two per link), for tests: it shows the cost of
   * keeping the best prices does not grow with the number of open orders.
   */
  slots_visited = 0;
  private readonly root: Int32Array;
  private readonly key: Float64Array;
  private readonly child: Int32Array;
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  private readonly heap_of: Int32Array;

  constructor(heaps: number, slot_capacity: number) {
    if (!(Number.isInteger(heaps) && heaps > 0)) throw new Error('resting price heaps: heap count must be a positive integer');
    if (!(Number.isInteger(slot_capacity) && slot_capacity > 0)) throw new Error('resting price heaps: slot capacity must be a positive integer');
    this.heaps = heaps;
    this.slot_capacity = slot_capacity;
    this.root = new Int32Array(heaps).fill(NONE);
    this.key = new Float64Array(slot_capacity);
    this.child = new Int32Array(slot_capacity).fill(NONE);
    this.next = new Int32Array(slot_capacity).fill(NONE);
    this.prev = new Int32Array(slot_capacity).fill(NONE);
    this.heap_of = new Int32Array(slot_capacity).fill(NONE);
  }

  /** Empties every heap (keys are only read for slots in a heap, so they stay). */
  reset(): void {
    this.root.fill(NONE);
    this.child.fill(NONE);
    this.next.fill(NONE);
    this.prev.fill(NONE);
    this.heap_of.fill(NONE);
    this.slots_visited = 0;
  }

  /** The lowest key in the heap, or Infinity if it is empty. */
  minKey(heap: number): number {
    const root = this.root[heap];
    return root === NONE ? Infinity : this.key[root];
  }

  /** The heap `slot` is in, or -1. */
  heapOf(slot: number): number {
    return this.heap_of[slot];
  }

  /** Adds `slot`, which must be in no heap, to `heap` under `key`; O(1). */
  insert(heap: number, slot: number, key: number): void {
    if (this.heap_of[slot] !== NONE) throw new Error(`slot ${slot} is already in resting price heap ${this.heap_of[slot]}`);
    this.heap_of[slot] = heap;
    this.key[slot] = key;
    this.child[slot] = NONE;
    this.next[slot] = NONE;
    this.prev[slot] = NONE;
    this.root[heap] = this.link(this.root[heap], slot);
  }

  /** Takes `slot` out of its heap; O(log n) amortized. Returns false if it was in none. */
  remove(slot: number): boolean {
    const heap = this.heap_of[slot];
    if (heap === NONE) return false;
    this.heap_of[slot] = NONE;
    const children = this.mergePairs(this.child[slot]);
    this.child[slot] = NONE;
    if (this.root[heap] === slot) {
      this.root[heap] = children;
      return true;
    }
    // Cut the slot out of its sibling list, then link its merged children back in at the root.
    const prev = this.prev[slot];
    const next = this.next[slot];
    if (this.child[prev] === slot) this.child[prev] = next;
    else this.next[prev] = next;
    if (next !== NONE) this.prev[next] = prev;
    this.prev[slot] = NONE;
    this.next[slot] = NONE;
    this.root[heap] = this.link(this.root[heap], children);
    return true;
  }

  /**
   * Links two detached roots (either may be -1): the one with the higher key becomes the
   * first child of the other, which is returned.
   */
  private link(a: number, b: number): number {
    if (a === NONE) return b;
    if (b === NONE) return a;
    this.slots_visited += 2;
    const key = this.key;
    const top = key[b] < key[a] ? b : a;
    const under = top === a ? b : a;
    const first = this.child[top];
    this.next[under] = first;
    if (first !== NONE) this.prev[first] = under;
    this.prev[under] = top;
    this.child[top] = under;
    return top;
  }

  /**
   * The standard two-pass merge of a sibling list into one heap: link the siblings in
   * pairs left to right, then link the pairs right to left. Iterative, threading the pairs
   * on a stack through `next`, so a long sibling list cannot overflow the call stack.
   */
  private mergePairs(first: number): number {
    if (first === NONE) return NONE;
    const next = this.next;
    const prev = this.prev;
    let stack = NONE;
    let a = first;
    while (a !== NONE) {
      const b = next[a];
      const rest = b === NONE ? NONE : next[b];
      prev[a] = NONE;
      next[a] = NONE;
      let pair = a;
      if (b !== NONE) {
        prev[b] = NONE;
        next[b] = NONE;
        pair = this.link(a, b);
      }
      next[pair] = stack;
      stack = pair;
      a = rest;
    }
    let result = NONE;
    while (stack !== NONE) {
      const below = next[stack];
      next[stack] = NONE;
      result = this.link(result, stack);
      stack = below;
    }
    return result;
  }
}
