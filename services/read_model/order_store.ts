/**
 * The io thread's read model of orders, built from durable events only: what GET
 * /orders answers from, what replies are rendered from, and what execution reports are
 * made of.
 *
 * Storage is a ring of `capacity` records in typed arrays, indexed by order id modulo the
 * capacity (order ids are dense and increasing), so memory is fixed and the io thread's
 * heap holds no per-order objects for the garbage collector to walk. When a new order
 * lands on the slot of an order that is still open (a long-lived GTC order), the old
 * one is first moved to a small map of pinned orders, so an open order is never
 * forgotten. Final orders older than the last `capacity` orders are forgotten; the
 * journal and the sinks keep the full history.
 */
import { CLIENT_ORDER_ID_MAX_BYTES } from '../../engine/protocol/command_layout.js';
import { EventType, OrderStatus, isFinalStatus } from '../../engine/protocol/enums.js';
import {
  EV_ACCOUNT, EV_CL_ORD_ID, EV_CL_ORD_ID_LENGTH, EV_EXPIRE_AT_MS, EV_FILLED_QTY_LOTS, EV_FILL_NOTIONAL,
  EV_LAST_FILL_PRICE_TICKS, EV_LAST_FILL_QTY_LOTS, EV_ORDER_ID, EV_ORDER_TYPE, EV_ORIG_ORDER_ID, EV_PRICE_TICKS,
  EV_QTY_LOTS, EV_REASON, EV_REJECT_CODE, EV_SEQ, EV_SESSION_ID, EV_SIDE, EV_STATUS, EV_STOP_PRICE_TICKS,
  EV_SYMBOL, EV_TIME_IN_FORCE, EV_TRIGGERED, EV_TS_US, EV_TYPE, EV_EXEC_INST, EV_LIMIT_OFFSET_TICKS, EV_TRAILING_OFFSET,
  EV_TRAILING_OFFSET_TYPE, EV_ARG, EV_FLAG, EVENT_FLAG_TRIMMED,
} from '../../engine/protocol/event_layout.js';
import { asciiText } from '../../engine/protocol/ascii_text.js';
import { SlotViews } from '../../engine/protocol/slot_views.js';
import { isPowerOfTwo } from '../../engine/layout/layout_builder.js';

/** One order as plain data (pinned orders, snapshots, rendering). */
export interface OrderRecord {
  order_id: number;
  orig_order_id: number;
  replaced_by: number;
  account: number;
  symbol: number;
  session_id: number;
  side: number;
  order_type: number;
  time_in_force: number;
  status: number;
  reason: number;
  triggered: number;
  /** ExecInst bits (post-only, reduce-only). */
  exec_inst: number;
  /** Trailing orders: TrailingOffsetType (0: none), distance (ticks or basis points), stop-limit's limit offset (ticks). */
  trailing_offset_type: number;
  trailing_offset: number;
  limit_offset_ticks: number;
  reject_code: number;
  qty_lots: number;
  price_ticks: number;
  stop_price_ticks: number;
  filled_qty_lots: number;
  fill_notional: number;
  last_fill_qty_lots: number;
  last_fill_price_ticks: number;
  expire_at_ms: number;
  created_us: number;
  updated_us: number;
  last_seq: number;
  /** The contingent order list the order belongs to (0: none). */
  list_id: number;
  /** 1: a reduce-only order accepted with its quantity trimmed to the position (its ACCEPTED said so). */
  trimmed: number;
  client_order_id: string;
}

/** A contingent order list as the read model knows it (GET /order-lists/:id). */
export interface OrderListRecord {
  list_id: number;
  account: number;
  /** ContingencyType. */
  contingency: number;
  list_client_id: string;
  /** The members' order ids in member order (a replaced member's replacement in its place). */
  order_ids: number[];
  created_us: number;
}

/** How many of each account's latest orders GET /orders lists besides the open ones. */
export const RECENT_PER_ACCOUNT = 256;

const F64_FIELDS = [
  'order_id', 'orig_order_id', 'replaced_by', 'qty_lots', 'price_ticks', 'stop_price_ticks', 'filled_qty_lots',
  'fill_notional', 'last_fill_qty_lots', 'last_fill_price_ticks', 'expire_at_ms', 'created_us', 'updated_us', 'last_seq',
  'trailing_offset', 'limit_offset_ticks', 'list_id',
] as const;
const I32_FIELDS = ['account', 'symbol', 'session_id'] as const;
const U8_FIELDS = ['side', 'order_type', 'time_in_force', 'status', 'reason', 'triggered', 'exec_inst', 'trailing_offset_type', 'trimmed'] as const;

/**
 * Bytes one order takes in the store's preallocated columns. The operating system commits
 * those pages as order ids reach them, so until the ring wraps the process's resident
 * memory grows by this much per new order (the soak run's memory check counts it).
 */
export const ORDER_STORE_BYTES_PER_ORDER = F64_FIELDS.length * 8 + I32_FIELDS.length * 4 + U8_FIELDS.length
  + 2 /* reject_code */ + 1 /* cl_length */ + CLIENT_ORDER_ID_MAX_BYTES;

type F64Field = (typeof F64_FIELDS)[number];
type I32Field = (typeof I32_FIELDS)[number];
type U8Field = (typeof U8_FIELDS)[number];
/** The record's numeric fields: what `copyColumn` copies. */
export type OrderNumberField = F64Field | I32Field | U8Field | 'reject_code';

export class OrderStore {
  readonly capacity: number;
  private readonly mask: number;
  private readonly f64: Record<F64Field, Float64Array>;
  private readonly i32: Record<I32Field, Int32Array>;
  private readonly u8: Record<U8Field, Uint8Array>;
  private readonly reject_code: Uint16Array;
  private readonly cl_length: Uint8Array;
  private readonly cl_bytes: Uint8Array;
  private readonly pinned = new Map<number, OrderRecord>();
  private readonly max_pinned_final: number;
  private readonly pinned_final_order: number[] = [];
  /** Open order ids per account, for GET /orders?active_only=true and cancel-all paths. */
  private readonly active = new Map<number, Set<number>>();
  /** The most recent order ids per account (a small ring), for GET /orders. */
  private readonly recent = new Map<number, { ids: Float64Array; next: number }>();
  /** Contingent order lists by list id, oldest first: a bounded history (max_lists), the oldest forgotten first. */
  private readonly lists = new Map<number, OrderListRecord>();
  private readonly max_lists: number;
  /** Last event sequence applied. */
  last_seq = 0;

  constructor(capacity: number) {
    if (!isPowerOfTwo(capacity)) throw new Error('order store capacity must be a power of two');
    this.capacity = capacity;
    this.mask = capacity - 1;
    this.f64 = Object.fromEntries(F64_FIELDS.map((f) => [f, new Float64Array(capacity)])) as Record<F64Field, Float64Array>;
    this.i32 = Object.fromEntries(I32_FIELDS.map((f) => [f, new Int32Array(capacity)])) as Record<I32Field, Int32Array>;
    this.u8 = Object.fromEntries(U8_FIELDS.map((f) => [f, new Uint8Array(capacity)])) as Record<U8Field, Uint8Array>;
    this.reject_code = new Uint16Array(capacity);
    this.cl_length = new Uint8Array(capacity);
    this.cl_bytes = new Uint8Array(capacity * CLIENT_ORDER_ID_MAX_BYTES);
    this.max_pinned_final = Math.max(1024, capacity >> 4);
    this.max_lists = Math.max(1024, capacity >> 2);
  }

  /**
   * Forgets every order, keeping the columns (for a worker that rebuilds the read model
   * again and again: the snapshot task). A slot counts as empty while its order id is 0;
   * a new order writes every column of its slot.
   */
  reset(): void {
    this.f64.order_id.fill(0);
    this.pinned.clear();
    this.pinned_final_order.length = 0;
    this.active.clear();
    this.recent.clear();
    this.lists.clear();
    this.last_seq = 0;
  }

  /** Applies one durable event (order events only; admin events are ignored here). */
  apply(v: SlotViews, base: number): void {
    const seq = v.f64[(base + EV_SEQ) >> 3];
    this.last_seq = seq;
    const type = v.u8[base + EV_TYPE];
    const order_id = v.f64[(base + EV_ORDER_ID) >> 3];
    switch (type) {
      case EventType.ACCEPTED:
      case EventType.REJECTED:
        this.create(order_id, v, base);
        if (v.f64[(base + EV_ARG) >> 3] !== 0) this.lists.get(v.f64[(base + EV_ARG) >> 3])?.order_ids.push(order_id);
        break;
      case EventType.REPLACED: {
        const orig_id = v.f64[(base + EV_ORIG_ORDER_ID) >> 3];
        this.markReplaced(orig_id, order_id, v.f64[(base + EV_TS_US) >> 3], seq);
        this.create(order_id, v, base);
        const list = v.f64[(base + EV_ARG) >> 3] !== 0 ? this.lists.get(v.f64[(base + EV_ARG) >> 3]) : undefined;
        if (list !== undefined) list.order_ids = list.order_ids.map((id) => (id === orig_id ? order_id : id));
        break;
      }
      case EventType.ORDER_LIST:
        this.openList(order_id, v, base);
        break;
      case EventType.LIST_UPDATED:
      case EventType.FILL:
      case EventType.TRIGGERED:
      case EventType.TRIGGER_MOVED:
      case EventType.CANCELED:
      case EventType.EXPIRED:
        this.applyState(order_id, v, base);
        break;
      default:
        return;
    }
  }

  /** The list, or undefined if unknown or forgotten. Allocates one record. */
  getList(list_id: number): OrderListRecord | undefined {
    const list = this.lists.get(list_id);
    return list === undefined ? undefined : { ...list, order_ids: [...list.order_ids] };
  }

  /** Every list the store remembers, oldest first (snapshots). */
  listRecords(): OrderListRecord[] {
    return [...this.lists.values()];
  }

  /** Puts a list back (snapshot restore). */
  restoreList(list: OrderListRecord): void {
    this.rememberList({ ...list, order_ids: [...list.order_ids] });
  }

  private openList(list_id: number, v: SlotViews, base: number): void {
    const list_client_id = asciiText(v.u8, base + EV_CL_ORD_ID, base + EV_CL_ORD_ID + v.u8[base + EV_CL_ORD_ID_LENGTH]);
    this.rememberList({
      list_id, account: v.i32[(base + EV_ACCOUNT) >> 2], contingency: v.u8[base + EV_FLAG], list_client_id, order_ids: [],
      created_us: v.f64[(base + EV_TS_US) >> 3],
    });
  }

  /** Lists are few (one per several orders): a map, bounded by forgetting the oldest. */
  private rememberList(list: OrderListRecord): void {
    this.lists.set(list.list_id, list);
    while (this.lists.size > this.max_lists) this.lists.delete(this.lists.keys().next().value as number);
  }

  /** The order, or undefined if unknown or forgotten. Allocates one record. */
  get(order_id: number): OrderRecord | undefined {
    const slot = order_id & this.mask;
    if (order_id > 0 && this.f64.order_id[slot] === order_id) return this.readSlot(slot);
    const pinned = this.pinned.get(order_id);
    return pinned === undefined ? undefined : { ...pinned };
  }

  /** Status of an order without allocating (0 if unknown). */
  statusOf(order_id: number): number {
    const slot = order_id & this.mask;
    if (order_id > 0 && this.f64.order_id[slot] === order_id) return this.u8.status[slot];
    return this.pinned.get(order_id)?.status ?? 0;
  }

  accountOf(order_id: number): number {
    const slot = order_id & this.mask;
    if (order_id > 0 && this.f64.order_id[slot] === order_id) return this.i32.account[slot];
    return this.pinned.get(order_id)?.account ?? -1;
  }

  /** Open order ids of an account, newest last. */
  activeOrders(account: number): number[] {
    return [...(this.active.get(account) ?? [])];
  }

  /**
   * One page of GET /orders: up to `limit` order ids of an account, newest first (order id
   * descending), each below `below_order_id` (the last id of the page before; Infinity for
   * the first page). The account's open orders, and with `with_recent` its
   * RECENT_PER_ACCOUNT most recent ones as well. An account may hold hundreds of thousands
   * of open orders, so they are neither copied nor sorted: one pass keeps the `limit`
   * newest in a bounded min-heap (O(n log limit), one array of `limit` numbers).
   */
  newestOrders(account: number, below_order_id: number, limit: number, with_recent: boolean): number[] {
    const heap = new PageHeap(limit);
    for (const id of this.active.get(account) ?? []) if (id < below_order_id) heap.offer(id);
    if (with_recent) {
      for (const id of this.recentOrders(account)) if (id < below_order_id && !this.isActive(account, id)) heap.offer(id);
    }
    return heap.descending();
  }

  private isActive(account: number, order_id: number): boolean {
    return this.active.get(account)?.has(order_id) ?? false;
  }

  /** Up to RECENT_PER_ACCOUNT most recent order ids of an account, newest first. */
  recentOrders(account: number): number[] {
    const entry = this.recent.get(account);
    if (entry === undefined) return [];
    const ids: number[] = [];
    for (let k = 1; k <= RECENT_PER_ACCOUNT; k++) {
      const id = entry.ids[(entry.next - k + RECENT_PER_ACCOUNT) % RECENT_PER_ACCOUNT];
      if (id === 0) break;
      ids.push(id);
    }
    return ids;
  }

  /**
   * Every known order id (ring and pinned), ascending: the orders a snapshot lists, in its
   * order. With copyColumn, a snapshot takes the store's columns without an object per order.
   */
  orderIds(): Float64Array {
    const order_id = this.f64.order_id;
    let count = this.pinned.size;
    for (let slot = 0; slot < this.capacity; slot++) if (order_id[slot] > 0) count++;
    const ids = new Float64Array(count);
    let i = 0;
    for (let slot = 0; slot < this.capacity; slot++) if (order_id[slot] > 0) ids[i++] = order_id[slot];
    for (const id of this.pinned.keys()) ids[i++] = id;
    return ids.sort();
  }

  /**
   * Where each order of `ids` (each known: from orderIds) lives: its ring slot, or -1 if it
   * is pinned. Found once per snapshot and used for every column.
   */
  locate(ids: Float64Array): Int32Array {
    const order_id = this.f64.order_id;
    const slots = new Int32Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const slot = ids[i] & this.mask;
      slots[i] = order_id[slot] === ids[i] ? slot : -1;
    }
    return slots;
  }

  /**
   * Copies one field of the orders `ids`, located by `slots` (from locate), into `into`,
   * index by index. `into` has the column's own type (Float64Array for an f64 field, ...).
   * Each type has its own copy loop: one loop over every type was polymorphic in both
   * arrays, and with ~27 columns of up to OMS_ORDER_HISTORY orders it was a tenth of a
   * snapshot's CPU.
   */
  copyColumn(field: OrderNumberField, ids: Float64Array, slots: Int32Array, into: Float64Array | Int32Array | Uint32Array | Uint16Array | Uint8Array): void {
    const column = this.column(field);
    if (column instanceof Float64Array && into instanceof Float64Array) gatherF64(column, slots, into);
    else if (column instanceof Int32Array && into instanceof Int32Array) gatherI32(column, slots, into);
    else if (column instanceof Uint16Array && into instanceof Uint16Array) gatherU16(column, slots, into);
    else if (column instanceof Uint8Array && into instanceof Uint8Array) gatherU8(column, slots, into);
    else throw new TypeError(`column ${field} is copied into an array of another type`);
    if (this.pinned.size === 0) return;
    for (let i = 0; i < ids.length; i++) if (slots[i] < 0) into[i] = this.pinned.get(ids[i])![field];
  }

  /** The lengths of the client order ids of `ids` (located by `slots`), into `lengths[i]`. */
  copyClientOrderIdLengths(ids: Float64Array, slots: Int32Array, lengths: Uint8Array): void {
    const cl_length = this.cl_length;
    for (let i = 0; i < ids.length; i++) {
      const slot = slots[i];
      lengths[i] = slot >= 0 ? cl_length[slot] : this.pinned.get(ids[i])!.client_order_id.length;
    }
  }

  /** The client order ids of `ids` (located by `slots`), into `bytes` at i * CLIENT_ORDER_ID_MAX_BYTES (the rest of each left as it is). */
  copyClientOrderIds(ids: Float64Array, slots: Int32Array, bytes: Uint8Array): void {
    const cl_bytes = this.cl_bytes;
    const cl_length = this.cl_length;
    for (let i = 0; i < ids.length; i++) {
      const slot = slots[i];
      const to = i * CLIENT_ORDER_ID_MAX_BYTES;
      if (slot >= 0) {
        const from = slot * CLIENT_ORDER_ID_MAX_BYTES;
        const length = cl_length[slot];
        for (let k = 0; k < length; k++) bytes[to + k] = cl_bytes[from + k];
      } else {
        const text = this.pinned.get(ids[i])!.client_order_id;
        for (let k = 0; k < text.length; k++) bytes[to + k] = text.charCodeAt(k);
      }
    }
  }

  private column(field: OrderNumberField): Float64Array | Int32Array | Uint16Array | Uint8Array {
    if (field === 'reject_code') return this.reject_code;
    if ((F64_FIELDS as readonly string[]).includes(field)) return this.f64[field as F64Field];
    if ((I32_FIELDS as readonly string[]).includes(field)) return this.i32[field as I32Field];
    return this.u8[field as U8Field];
  }

  /** Every known order (ring and pinned), for snapshots. */
  forEach(visit: (record: OrderRecord) => void): void {
    for (let slot = 0; slot < this.capacity; slot++) if (this.f64.order_id[slot] > 0) visit(this.readSlot(slot));
    for (const record of this.pinned.values()) visit({ ...record });
  }

  /** Puts a record back (snapshot restore). */
  restore(record: OrderRecord): void {
    this.store(record);
    if (!isFinalStatus(record.status) && record.status !== 0) this.activate(record.account, record.order_id);
    this.remember(record.account, record.order_id);
  }

  /** A new order (accepted, rejected, or a replacement), written straight into its slot. */
  private create(order_id: number, v: SlotViews, base: number): void {
    const slot = order_id & this.mask;
    const occupant = this.f64.order_id[slot];
    if (occupant > 0 && occupant !== order_id && !isFinalStatus(this.u8.status[slot])) this.pin(this.readSlot(slot));
    const f64 = this.f64;
    const ts = v.f64[(base + EV_TS_US) >> 3];
    f64.order_id[slot] = order_id;
    f64.orig_order_id[slot] = v.f64[(base + EV_ORIG_ORDER_ID) >> 3];
    f64.replaced_by[slot] = 0;
    f64.last_fill_qty_lots[slot] = 0;
    f64.last_fill_price_ticks[slot] = 0;
    f64.created_us[slot] = ts;
    f64.list_id[slot] = v.f64[(base + EV_ARG) >> 3];
    // A replacement's quantity is the client's own, so only an ACCEPTED can say "trimmed".
    this.u8.trimmed[slot] = v.u8[base + EV_TYPE] === EventType.ACCEPTED && (v.u8[base + EV_FLAG] & EVENT_FLAG_TRIMMED) !== 0 ? 1 : 0;
    const account = v.i32[(base + EV_ACCOUNT) >> 2];
    this.i32.account[slot] = account;
    this.i32.symbol[slot] = v.i32[(base + EV_SYMBOL) >> 2];
    this.i32.session_id[slot] = v.u32[(base + EV_SESSION_ID) >> 2];
    const length = v.u8[base + EV_CL_ORD_ID_LENGTH];
    const start = slot * CLIENT_ORDER_ID_MAX_BYTES;
    for (let k = 0; k < length; k++) this.cl_bytes[start + k] = v.u8[base + EV_CL_ORD_ID + k];
    this.cl_length[slot] = length;
    this.copyStateIntoSlot(slot, v, base);
    if (!isFinalStatus(this.u8.status[slot])) this.activate(account, order_id);
    this.remember(account, order_id);
  }

  private remember(account: number, order_id: number): void {
    let entry = this.recent.get(account);
    if (entry === undefined) {
      entry = { ids: new Float64Array(RECENT_PER_ACCOUNT), next: 0 };
      this.recent.set(account, entry);
    }
    entry.ids[entry.next] = order_id;
    entry.next = (entry.next + 1) % RECENT_PER_ACCOUNT;
  }

  /** Writes a record into its ring slot, pinning an open order that already lives there. */
  private store(record: OrderRecord): void {
    const slot = record.order_id & this.mask;
    const occupant = this.f64.order_id[slot];
    if (occupant > 0 && occupant !== record.order_id && !isFinalStatus(this.u8.status[slot])) {
      this.pin(this.readSlot(slot));
    }
    this.writeSlot(slot, record);
  }

  private pin(record: OrderRecord): void {
    this.pinned.set(record.order_id, record);
  }

  /** Copies the order's new state from an event into wherever the order lives. */
  private applyState(order_id: number, v: SlotViews, base: number): void {
    const slot = order_id & this.mask;
    if (this.f64.order_id[slot] === order_id) {
      const was_final = isFinalStatus(this.u8.status[slot]);
      this.copyStateIntoSlot(slot, v, base);
      if (!was_final && isFinalStatus(this.u8.status[slot])) this.active.get(this.i32.account[slot])?.delete(order_id);
      return;
    }
    const pinned = this.pinned.get(order_id);
    if (pinned === undefined) return; // forgotten: nothing to show for it any more
    const was_final = isFinalStatus(pinned.status);
    copyStateInto(pinned, v, base);
    if (!was_final && isFinalStatus(pinned.status)) {
      this.active.get(pinned.account)?.delete(order_id);
      this.retirePinned(order_id);
    }
  }

  private markReplaced(orig_id: number, new_id: number, ts_us: number, seq: number): void {
    const slot = orig_id & this.mask;
    let account: number;
    if (this.f64.order_id[slot] === orig_id) {
      this.u8.status[slot] = OrderStatus.REPLACED;
      this.f64.replaced_by[slot] = new_id;
      this.f64.updated_us[slot] = ts_us;
      this.f64.last_seq[slot] = seq;
      account = this.i32.account[slot];
    } else {
      const pinned = this.pinned.get(orig_id);
      if (pinned === undefined) return;
      pinned.status = OrderStatus.REPLACED;
      pinned.replaced_by = new_id;
      pinned.updated_us = ts_us;
      pinned.last_seq = seq;
      account = pinned.account;
      this.retirePinned(orig_id);
    }
    this.active.get(account)?.delete(orig_id);
  }

  private copyStateIntoSlot(slot: number, v: SlotViews, base: number): void {
    const u8 = this.u8;
    const f64 = this.f64;
    u8.side[slot] = v.u8[base + EV_SIDE];
    u8.order_type[slot] = v.u8[base + EV_ORDER_TYPE];
    u8.time_in_force[slot] = v.u8[base + EV_TIME_IN_FORCE];
    u8.status[slot] = v.u8[base + EV_STATUS];
    u8.reason[slot] = v.u8[base + EV_REASON];
    u8.triggered[slot] = v.u8[base + EV_TRIGGERED];
    u8.exec_inst[slot] = v.u8[base + EV_EXEC_INST];
    u8.trailing_offset_type[slot] = v.u8[base + EV_TRAILING_OFFSET_TYPE];
    f64.trailing_offset[slot] = v.i32[(base + EV_TRAILING_OFFSET) >> 2];
    f64.limit_offset_ticks[slot] = v.i32[(base + EV_LIMIT_OFFSET_TICKS) >> 2];
    this.reject_code[slot] = v.u16[(base + EV_REJECT_CODE) >> 1];
    f64.qty_lots[slot] = v.f64[(base + EV_QTY_LOTS) >> 3];
    f64.price_ticks[slot] = v.f64[(base + EV_PRICE_TICKS) >> 3];
    f64.stop_price_ticks[slot] = v.f64[(base + EV_STOP_PRICE_TICKS) >> 3];
    f64.filled_qty_lots[slot] = v.f64[(base + EV_FILLED_QTY_LOTS) >> 3];
    f64.fill_notional[slot] = v.f64[(base + EV_FILL_NOTIONAL) >> 3];
    if (v.u8[base + EV_TYPE] === EventType.FILL) {
      f64.last_fill_qty_lots[slot] = v.f64[(base + EV_LAST_FILL_QTY_LOTS) >> 3];
      f64.last_fill_price_ticks[slot] = v.f64[(base + EV_LAST_FILL_PRICE_TICKS) >> 3];
    }
    f64.expire_at_ms[slot] = v.f64[(base + EV_EXPIRE_AT_MS) >> 3];
    f64.updated_us[slot] = v.f64[(base + EV_TS_US) >> 3];
    f64.last_seq[slot] = v.f64[(base + EV_SEQ) >> 3];
  }

  private retirePinned(order_id: number): void {
    this.pinned_final_order.push(order_id);
    while (this.pinned_final_order.length > this.max_pinned_final) {
      this.pinned.delete(this.pinned_final_order.shift()!);
    }
  }

  private activate(account: number, order_id: number): void {
    let set = this.active.get(account);
    if (set === undefined) {
      set = new Set();
      this.active.set(account, set);
    }
    set.add(order_id);
  }

  /** One record as plain data. Field by field (not a loop over names): it runs for every answer. */
  private readSlot(slot: number): OrderRecord {
    const f64 = this.f64;
    const u8 = this.u8;
    const start = slot * CLIENT_ORDER_ID_MAX_BYTES;
    const client_order_id = asciiText(this.cl_bytes, start, start + this.cl_length[slot]);
    return {
      order_id: f64.order_id[slot],
      orig_order_id: f64.orig_order_id[slot],
      replaced_by: f64.replaced_by[slot],
      account: this.i32.account[slot],
      symbol: this.i32.symbol[slot],
      session_id: this.i32.session_id[slot],
      side: u8.side[slot],
      order_type: u8.order_type[slot],
      time_in_force: u8.time_in_force[slot],
      status: u8.status[slot],
      reason: u8.reason[slot],
      triggered: u8.triggered[slot],
      exec_inst: u8.exec_inst[slot],
      trailing_offset_type: u8.trailing_offset_type[slot],
      trailing_offset: f64.trailing_offset[slot],
      limit_offset_ticks: f64.limit_offset_ticks[slot],
      reject_code: this.reject_code[slot],
      qty_lots: f64.qty_lots[slot],
      price_ticks: f64.price_ticks[slot],
      stop_price_ticks: f64.stop_price_ticks[slot],
      filled_qty_lots: f64.filled_qty_lots[slot],
      fill_notional: f64.fill_notional[slot],
      last_fill_qty_lots: f64.last_fill_qty_lots[slot],
      last_fill_price_ticks: f64.last_fill_price_ticks[slot],
      expire_at_ms: f64.expire_at_ms[slot],
      created_us: f64.created_us[slot],
      updated_us: f64.updated_us[slot],
      last_seq: f64.last_seq[slot],
      list_id: f64.list_id[slot],
      trimmed: u8.trimmed[slot],
      client_order_id,
    };
  }

  private writeSlot(slot: number, record: OrderRecord): void {
    for (const f of F64_FIELDS) this.f64[f][slot] = record[f];
    for (const f of I32_FIELDS) this.i32[f][slot] = record[f];
    for (const f of U8_FIELDS) this.u8[f][slot] = record[f];
    this.reject_code[slot] = record.reject_code;
    const id = record.client_order_id;
    const start = slot * CLIENT_ORDER_ID_MAX_BYTES;
    for (let k = 0; k < id.length; k++) this.cl_bytes[start + k] = id.charCodeAt(k);
    this.cl_length[slot] = id.length;
  }

}

/** The order's state after an event (every order event carries the full state). */
function copyStateInto(record: OrderRecord, v: SlotViews, base: number): void {
  record.side = v.u8[base + EV_SIDE];
  record.order_type = v.u8[base + EV_ORDER_TYPE];
  record.time_in_force = v.u8[base + EV_TIME_IN_FORCE];
  record.status = v.u8[base + EV_STATUS];
  record.reason = v.u8[base + EV_REASON];
  record.triggered = v.u8[base + EV_TRIGGERED];
  record.exec_inst = v.u8[base + EV_EXEC_INST];
  record.trailing_offset_type = v.u8[base + EV_TRAILING_OFFSET_TYPE];
  record.trailing_offset = v.i32[(base + EV_TRAILING_OFFSET) >> 2];
  record.limit_offset_ticks = v.i32[(base + EV_LIMIT_OFFSET_TICKS) >> 2];
  record.reject_code = v.u16[(base + EV_REJECT_CODE) >> 1];
  record.qty_lots = v.f64[(base + EV_QTY_LOTS) >> 3];
  record.price_ticks = v.f64[(base + EV_PRICE_TICKS) >> 3];
  record.stop_price_ticks = v.f64[(base + EV_STOP_PRICE_TICKS) >> 3];
  record.filled_qty_lots = v.f64[(base + EV_FILLED_QTY_LOTS) >> 3];
  record.fill_notional = v.f64[(base + EV_FILL_NOTIONAL) >> 3];
  if (v.u8[base + EV_TYPE] === EventType.FILL) {
    record.last_fill_qty_lots = v.f64[(base + EV_LAST_FILL_QTY_LOTS) >> 3];
    record.last_fill_price_ticks = v.f64[(base + EV_LAST_FILL_PRICE_TICKS) >> 3];
  }
  record.expire_at_ms = v.f64[(base + EV_EXPIRE_AT_MS) >> 3];
  record.updated_us = v.f64[(base + EV_TS_US) >> 3];
  record.last_seq = v.f64[(base + EV_SEQ) >> 3];
}

/** into[i] = column[slots[i]] where slots[i] >= 0 (one loop per array type: see copyColumn). */
function gatherF64(column: Float64Array, slots: Int32Array, into: Float64Array): void {
  for (let i = 0; i < slots.length; i++) if (slots[i] >= 0) into[i] = column[slots[i]];
}

function gatherI32(column: Int32Array, slots: Int32Array, into: Int32Array): void {
  for (let i = 0; i < slots.length; i++) if (slots[i] >= 0) into[i] = column[slots[i]];
}

function gatherU16(column: Uint16Array, slots: Int32Array, into: Uint16Array): void {
  for (let i = 0; i < slots.length; i++) if (slots[i] >= 0) into[i] = column[slots[i]];
}

function gatherU8(column: Uint8Array, slots: Int32Array, into: Uint8Array): void {
  for (let i = 0; i < slots.length; i++) if (slots[i] >= 0) into[i] = column[slots[i]];
}

/** The `capacity` largest numbers offered so far, in a binary min-heap whose root is the smallest kept. */
class PageHeap {
  private readonly ids: number[] = [];

  constructor(private readonly capacity: number) {}

  offer(id: number): void {
    const ids = this.ids;
    if (ids.length < this.capacity) {
      ids.push(id);
      let child = ids.length - 1;
      while (child > 0) {
        const parent = (child - 1) >> 1;
        if (ids[parent] <= ids[child]) break;
        [ids[parent], ids[child]] = [ids[child], ids[parent]];
        child = parent;
      }
      return;
    }
    if (this.capacity === 0 || id <= ids[0]) return;
    ids[0] = id;
    let parent = 0;
    for (;;) {
      const left = 2 * parent + 1;
      const right = left + 1;
      let smallest = parent;
      if (left < ids.length && ids[left] < ids[smallest]) smallest = left;
      if (right < ids.length && ids[right] < ids[smallest]) smallest = right;
      if (smallest === parent) break;
      [ids[parent], ids[smallest]] = [ids[smallest], ids[parent]];
      parent = smallest;
    }
  }

  /** What was kept, largest first (sorts at most `capacity` numbers). */
  descending(): number[] {
    return this.ids.sort((a, b) => b - a);
  }
}
