/**
 * A contingent order list placed through the client (NewOrderList, PROTOCOL.md §6.8):
 * awaitable for the list's answer, and one order handle per member.
 *
 *   const list = client.newOrderList({ contingency: ContingencyType.OCO, orders: [...] });
 *   const status = await list;                 // the ListStatus: list_id, order_ids; or throws OrderRejected
 *   for await (const report of list.orders[1]) ...   // each member is an order like any other
 *
 * A list is accepted or refused whole: when it is refused, awaiting the list and every
 * member's handle throw the same OrderRejected (the reason names the member that failed).
 */
import type { ListStatus as WireListStatus } from '../binary/index.js';
import type { OmsClientError } from './client_errors.js';
import { OrderHandle } from './order_handle.js';

/** The list as the server answered a NewOrderList or CancelOrderList (ListStatus, §7.5). */
export interface OrderListStatus {
  /** The list's id: for cancelOrderList and GET /order-lists/{list_id}. */
  readonly list_id: number;
  readonly list_client_id: string;
  /** ContingencyType: 1 OCO, 2 OTO, 3 OUO, 4 BRACKET. */
  readonly contingency: number;
  /** FIX ListOrderStatus: 3 EXECUTING, 6 ALL_DONE. */
  readonly list_order_status: number;
  /** The members' order ids, in member order. */
  readonly order_ids: readonly number[];
  /** A list resent whole: the list as it stands, nothing placed. */
  readonly duplicate: boolean;
  /** CancelOrderList: how many members it canceled. */
  readonly canceled_orders: number;
}

export function listStatusFromWire(s: WireListStatus): OrderListStatus {
  return {
    list_id: s.list_id, list_client_id: s.list_client_id, contingency: s.contingency, list_order_status: s.list_order_status,
    order_ids: [s.order_id_0, s.order_id_1, s.order_id_2, s.order_id_3].slice(0, s.member_count),
    duplicate: s.duplicate, canceled_orders: s.canceled_orders,
  };
}

/** The writing side of a list's answer, kept by the client. */
export class ListAnswer {
  readonly promise: Promise<OrderListStatus>;
  settled = false;
  resolve!: (status: OrderListStatus) => void;
  reject!: (error: OmsClientError) => void;

  constructor() {
    this.promise = new Promise((resolve, reject) => {
      this.resolve = (status) => {
        this.settled = true;
        resolve(status);
      };
      this.reject = (error) => {
        this.settled = true;
        reject(error);
      };
    });
    // A caller who never awaits the list must not get an unhandled rejection for it.
    this.promise.catch(() => {});
  }
}

export class OrderListHandle implements PromiseLike<OrderListStatus> {
  constructor(
    readonly list_client_id: string,
    /** One handle per member, in member order. */
    readonly orders: readonly OrderHandle[],
    private readonly answer: ListAnswer,
  ) {}

  then<A = OrderListStatus, B = never>(
    onfulfilled?: ((status: OrderListStatus) => A | PromiseLike<A>) | null,
    onrejected?: ((error: any) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.answer.promise.then(onfulfilled, onrejected);
  }
}
