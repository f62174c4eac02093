/**
 * Contingent order lists the engine holds: which open orders belong to which list, in
 * typed arrays sized at start-up, so the hot loop finds an order's list with one array
 * read and never allocates or looks up a string.
 *
 * A list lives while one of its members is open: it is opened by an ORDER_LIST event, each
 * member joins as its ACCEPTED event is applied (in member order), a member leaves when
 * its slot is released, and the list's own slot is freed when the last open member leaves.
 * Every list has at least one open member, so there are never more lists than open orders.
 *
 *   per order slot:  list_of (list slot, -1 none), member (index in its list), held
 *   per list slot:   id, contingency, account, open members, members joined so far,
 *                    member slots (LIST_ORDERS_MAX per list, -1 when gone)
 *
 * Changed only through EngineState.apply (and snapshot restore), like every other state.
 */
import { LIST_ORDERS_MAX } from '../protocol/order_list_rules.js';
import { OrderIdIndex } from './order_id_index.js';

const NONE = -1;

export class OrderLists {
  readonly capacity: number;
  /** Per order slot. */
  readonly list_of: Int32Array;
  readonly member: Uint8Array;
  /** 1 while the order is held (an OTO child, a bracket's exit, waiting for its parent): it does not work. */
  readonly held: Uint8Array;
  /** Per list slot. */
  readonly id: Float64Array;
  readonly contingency: Uint8Array;
  readonly account: Int32Array;
  readonly open: Uint8Array;
  readonly joined: Uint8Array;
  /** LIST_ORDERS_MAX entries per list: each member's order slot, -1 once it left the book. */
  readonly members: Int32Array;
  private readonly by_id: OrderIdIndex;
  private readonly free: Int32Array;
  private free_count = 0;
  private live_ = 0;

  constructor(order_slots: number, index_capacity: number) {
    this.capacity = order_slots;
    this.list_of = new Int32Array(order_slots).fill(NONE);
    this.member = new Uint8Array(order_slots);
    this.held = new Uint8Array(order_slots);
    this.id = new Float64Array(order_slots);
    this.contingency = new Uint8Array(order_slots);
    this.account = new Int32Array(order_slots);
    this.open = new Uint8Array(order_slots);
    this.joined = new Uint8Array(order_slots);
    this.members = new Int32Array(order_slots * LIST_ORDERS_MAX).fill(NONE);
    this.by_id = new OrderIdIndex(index_capacity);
    this.free = new Int32Array(order_slots);
    this.reset();
  }

  reset(): void {
    this.list_of.fill(NONE);
    this.member.fill(0);
    this.held.fill(0);
    this.contingency.fill(0);
    this.account.fill(0);
    this.members.fill(NONE);
    this.open.fill(0);
    this.joined.fill(0);
    this.id.fill(0);
    this.by_id.reset();
    // Lowest slot first out, so a replay and the live engine lay lists out alike (not that the hash depends on it).
    for (let k = 0; k < this.capacity; k++) this.free[k] = this.capacity - 1 - k;
    this.free_count = this.capacity;
    this.live_ = 0;
  }

  /** Lists with an open member. */
  get live(): number {
    return this.live_;
  }

  /** The list slot of list `list_id`, or -1 (unknown, or every member has left the book). */
  find(list_id: number): number {
    return this.by_id.get(list_id);
  }

  /** Opens a list; returns its slot, or -1 if there is no room (cannot happen while lists <= open orders). */
  openList(list_id: number, contingency: number, account: number): number {
    if (this.free_count === 0) return NONE;
    const list = this.free[--this.free_count];
    this.id[list] = list_id;
    this.contingency[list] = contingency;
    this.account[list] = account;
    this.open[list] = 0;
    this.joined[list] = 0;
    this.by_id.set(list_id, list);
    this.live_++;
    return list;
  }

  /** `slot` joins `list` as member `member` (the next one, unless a snapshot restore says which). */
  join(list: number, slot: number, member: number, held: number): void {
    this.members[list * LIST_ORDERS_MAX + member] = slot;
    this.list_of[slot] = list;
    this.member[slot] = member;
    this.held[slot] = held;
    this.open[list]++;
    if (member >= this.joined[list]) this.joined[list] = member + 1;
  }

  /** The order in `slot` leaves the book; its list is freed with its last open member. */
  leave(slot: number): void {
    const list = this.list_of[slot];
    if (list < 0) return;
    this.members[list * LIST_ORDERS_MAX + this.member[slot]] = NONE;
    this.list_of[slot] = NONE;
    this.held[slot] = 0;
    if (--this.open[list] === 0) {
      this.by_id.delete(this.id[list]);
      this.id[list] = 0;
      this.free[this.free_count++] = list;
      this.live_--;
    }
  }

  /**
   * A replace, first half: `slot` leaves the book without leaving its list (its
   * replacement takes its place, `attach`), so a list whose only open member is replaced
   * is not freed in between.
   */
  detach(slot: number): void {
    this.list_of[slot] = NONE;
    this.held[slot] = 0;
  }

  /** A replace, second half: the replacement in `slot` takes member `member`'s place in `list`. */
  attach(list: number, member: number, held: number, slot: number): void {
    this.members[list * LIST_ORDERS_MAX + member] = slot;
    this.list_of[slot] = list;
    this.member[slot] = member;
    this.held[slot] = held;
  }

  /** Order slot of member `member` of `list`, or -1 if it has left the book. */
  memberSlot(list: number, member: number): number {
    return this.members[list * LIST_ORDERS_MAX + member];
  }
}
