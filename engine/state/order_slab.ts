/**
 * The open orders, as a preallocated structure of arrays indexed by slot, with a free
 * list. An order takes a slot when accepted and gives it back when it reaches a final
 * state; the slot's generation is bumped on release so stale references (lazy heap
 * entries) can tell the slot was reused.
 *
 * Each account's open orders are also threaded on an intrusive doubly linked list, so
 * a kill switch or cancel-on-disconnect walks only that account's orders.
 */
import { CLIENT_ORDER_ID_MAX_BYTES } from '../protocol/command_layout.js';

const NONE = -1;

export class OrderSlab {
  readonly capacity: number;
  readonly order_id: Float64Array;
  readonly qty_lots: Float64Array;
  readonly price_ticks: Float64Array;
  readonly stop_price_ticks: Float64Array;
  readonly filled_qty_lots: Float64Array;
  readonly fill_notional: Float64Array;
  readonly expire_at_ms: Float64Array;
  readonly ref_price_ticks: Float64Array;
  readonly account: Int32Array;
  readonly symbol: Int32Array;
  readonly session_id: Uint32Array;
  /** int32, like every hash passed around the hot loop (see protocol/content_hash.ts). */
  readonly content_hash: Int32Array;
  readonly generation: Int32Array;
  readonly side: Uint8Array;
  readonly order_type: Uint8Array;
  readonly time_in_force: Uint8Array;
  readonly status: Uint8Array;
  readonly triggered: Uint8Array;
  /** ExecInst bits (post-only, reduce-only). */
  readonly exec_inst: Uint8Array;
  /** Trailing orders: TrailingOffsetType (0: not trailing), the distance, and a stop-limit's limit offset in ticks. */
  readonly trailing_offset_type: Uint8Array;
  readonly trailing_offset: Int32Array;
  readonly limit_offset_ticks: Int32Array;
  readonly cl_ord_id_length: Uint8Array;
  readonly cl_ord_id: Uint8Array;
  /** Head of each account's list of open orders (slot, or -1). */
  readonly account_head: Int32Array;
  private readonly account_next: Int32Array;
  private readonly account_prev: Int32Array;
  private readonly free_next: Int32Array;
  private free_head: number;
  private live_ = 0;

  constructor(capacity: number, accounts: number) {
    if (!(capacity > 0)) throw new Error('order slab capacity must be > 0');
    this.capacity = capacity;
    this.order_id = new Float64Array(capacity);
    this.qty_lots = new Float64Array(capacity);
    this.price_ticks = new Float64Array(capacity);
    this.stop_price_ticks = new Float64Array(capacity);
    this.filled_qty_lots = new Float64Array(capacity);
    this.fill_notional = new Float64Array(capacity);
    this.expire_at_ms = new Float64Array(capacity);
    this.ref_price_ticks = new Float64Array(capacity);
    this.account = new Int32Array(capacity);
    this.symbol = new Int32Array(capacity);
    this.session_id = new Uint32Array(capacity);
    this.content_hash = new Int32Array(capacity);
    this.generation = new Int32Array(capacity);
    this.side = new Uint8Array(capacity);
    this.order_type = new Uint8Array(capacity);
    this.time_in_force = new Uint8Array(capacity);
    this.status = new Uint8Array(capacity);
    this.triggered = new Uint8Array(capacity);
    this.exec_inst = new Uint8Array(capacity);
    this.trailing_offset_type = new Uint8Array(capacity);
    this.trailing_offset = new Int32Array(capacity);
    this.limit_offset_ticks = new Int32Array(capacity);
    this.cl_ord_id_length = new Uint8Array(capacity);
    this.cl_ord_id = new Uint8Array(capacity * CLIENT_ORDER_ID_MAX_BYTES);
    this.account_head = new Int32Array(accounts).fill(NONE);
    this.account_next = new Int32Array(capacity).fill(NONE);
    this.account_prev = new Int32Array(capacity).fill(NONE);
    this.free_next = new Int32Array(capacity);
    for (let i = 0; i < capacity; i++) this.free_next[i] = i + 1 < capacity ? i + 1 : NONE;
    this.free_head = 0;
  }

  /**
   * Back to the state of a new slab: every slot free, in slot order, generation 0. The
   * order columns keep their old values: a slot's columns are all written when it opens,
   * and nothing reads a free slot's.
   */
  reset(): void {
    this.account_head.fill(NONE);
    this.account_next.fill(NONE);
    this.account_prev.fill(NONE);
    this.generation.fill(0);
    this.status.fill(0);
    const capacity = this.capacity;
    for (let i = 0; i < capacity; i++) this.free_next[i] = i + 1 < capacity ? i + 1 : NONE;
    this.free_head = 0;
    this.live_ = 0;
  }

  /** Open orders right now. */
  get live(): number {
    return this.live_;
  }

  /** Takes a free slot and links it on the account's list; -1 if the slab is full. */
  allocate(account: number): number {
    const slot = this.free_head;
    if (slot === NONE) return NONE;
    this.free_head = this.free_next[slot];
    this.free_next[slot] = NONE;
    this.live_++;
    this.account[slot] = account;
    const head = this.account_head[account];
    this.account_prev[slot] = NONE;
    this.account_next[slot] = head;
    if (head !== NONE) this.account_prev[head] = slot;
    this.account_head[account] = slot;
    return slot;
  }

  /** Unlinks the slot from its account and returns it to the free list. */
  release(slot: number): void {
    const prev = this.account_prev[slot];
    const next = this.account_next[slot];
    if (prev !== NONE) this.account_next[prev] = next;
    else this.account_head[this.account[slot]] = next;
    if (next !== NONE) this.account_prev[next] = prev;
    this.account_prev[slot] = NONE;
    this.account_next[slot] = NONE;
    this.status[slot] = 0;
    this.generation[slot] = (this.generation[slot] + 1) | 0;
    this.free_next[slot] = this.free_head;
    this.free_head = slot;
    this.live_--;
  }

  /** Next open order of the same account, or -1. */
  nextInAccount(slot: number): number {
    return this.account_next[slot];
  }

  leaves(slot: number): number {
    return this.qty_lots[slot] - this.filled_qty_lots[slot];
  }

  /** Copies the client order id into `target` at `offset`; returns its length. */
  copyClientOrderId(slot: number, target: Uint8Array, offset: number): number {
    const length = this.cl_ord_id_length[slot];
    const start = slot * CLIENT_ORDER_ID_MAX_BYTES;
    for (let k = 0; k < length; k++) target[offset + k] = this.cl_ord_id[start + k];
    return length;
  }

  /** Sets the client order id from `source` at `offset`. */
  setClientOrderId(slot: number, source: Uint8Array, offset: number, length: number): void {
    const start = slot * CLIENT_ORDER_ID_MAX_BYTES;
    for (let k = 0; k < length; k++) this.cl_ord_id[start + k] = source[offset + k];
    this.cl_ord_id_length[slot] = length;
  }
}
