/**
 * Contingent order lists on the binary protocol (PROTOCOL.md §6.8 to §6.10): a NewOrderList
 * and the ListOrders that follow it in the same WebSocket message become one NEW_ORDER_LIST
 * command, refused by the same rules and codes as POST /order-lists
 * (io/orders/order_list_validation.ts, then the engine's); a CancelOrderList becomes one
 * CANCEL_LIST. The members' own events reach every session of the account as
 * ExecutionReports, as any order's do; the sender alone gets one more message: a ListStatus
 * (the list id, which no ExecutionReport has room for, and the members' order ids), or one
 * Reject naming the NewOrderList's seq when nothing of the list was placed.
 */
import { ContingencyType, TimeInForce } from '../../engine/protocol/enums.js';
import type { OrderTerms } from '../../engine/protocol/command_writer.js';
import { ReplyRecord } from '../../engine/protocol/event_record.js';
import { isTrailing } from '../../engine/protocol/order_type_rules.js';
import { RejectCode, rejectInfo } from '../../engine/protocol/reject_codes.js';
import { REPLY_FLAG_DUPLICATE } from '../../engine/protocol/reply_layout.js';
import { sessionEndAfterMs } from '../../services/pnl/session_clock.js';
import type { OrderListRecord } from '../../services/read_model/order_store.js';
import { CancelOrderList, ListOrder, NewOrderList, Refusal, TemplateId } from '../binary/index.js';
import { IoContext } from '../io_context.js';
import { listAllDone, listOrderStatus } from '../orders/order_list_status.js';
import { bracketRefusal, ListMemberShape, listMemberRefusal } from '../orders/order_list_validation.js';
import { WsOrderEntry } from './ws_order_entry.js';
import { orderCommand, plainOrderTerms, TermsFault, trailingOrderTerms } from './ws_order_terms.js';
import { WsOutbound } from './ws_outbound.js';
import { WsSession } from './ws_session.js';

/** A NewOrderList whose ListOrders are still being read (WsSession.pending_list). */
export interface PendingOrderList {
  /** Null: the NewOrderList was refused (its Reject is sent); its ListOrders are passed over without an answer of their own. */
  readonly head: NewOrderList | null;
  readonly members: ListOrder[];
  /** ListOrders read so far, refused ones included. */
  received: number;
  /** The first member the decoder refused: the list's refusal, named by member. */
  refusal: { readonly code: RejectCode; readonly reason: string } | null;
}

export class WsOrderLists {
  constructor(
    private readonly ctx: IoContext,
    private readonly outbound: WsOutbound,
    private readonly entry: WsOrderEntry,
  ) {}

  /** A NewOrderList: its ListOrders come next. */
  begin(session: WsSession, head: NewOrderList): void {
    session.pending_list = { head, members: [], received: 0, refusal: null };
  }

  /**
   * A NewOrderList the decoder refused: its Reject is the list's answer, and the ListOrders
   * right behind it are passed over, so that a refused list gets one Reject, not one per member.
   */
  headRefused(session: WsSession): void {
    session.pending_list = { head: null, members: [], received: 0, refusal: null };
  }

  /** A ListOrder: the next member of the list being read, or on its own a Reject (it is never an order by itself). */
  member(session: WsSession, m: ListOrder): void {
    const list = session.pending_list;
    if (list === null) {
      return this.outbound.reject(session, m.seq, RejectCode.INVALID_ORDER_LIST,
        'a ListOrder must follow its NewOrderList in the same WebSocket message', m.template_id);
    }
    if (list.head === null) return;
    list.members.push(m);
    list.received++;
    this.placeIfWhole(session, list.head, list);
  }

  /**
   * A ListOrder the decoder refused. Within a list it refuses the list (the first such
   * member's code, `orders[k]: ` before its reason) and answers nothing of its own; true.
   * False when no list is being read: the caller answers it as any refused message.
   */
  memberRefused(session: WsSession, refusal: Refusal): boolean {
    const list = session.pending_list;
    if (list === null) return false;
    if (list.head === null) return true;
    if (list.refusal === null) list.refusal = { code: refusal.code, reason: `orders[${list.received}]: ${refusal.reason}` };
    list.received++;
    this.placeIfWhole(session, list.head, list);
    return true;
  }

  /** Anything but a ListOrder, or the end of the WebSocket message, before the list's last member: the list is refused. */
  incomplete(session: WsSession): void {
    const list = session.pending_list;
    if (list === null) return;
    session.pending_list = null;
    if (list.head === null) return;
    this.outbound.reject(session, list.head.seq, RejectCode.INVALID_ORDER_LIST,
      `${list.head.member_count} ListOrders must follow the NewOrderList in its WebSocket message; ${list.received} did`,
      list.head.template_id);
  }

  cancel(session: WsSession, m: CancelOrderList): void {
    const list = this.ctx.store.getList(m.list_id);
    if (list === undefined || list.account !== session.account) return this.refuse(session, m.seq, m.template_id, RejectCode.UNKNOWN_ORDER_LIST);
    if (listAllDone(this.ctx.store, list)) return this.refuse(session, m.seq, m.template_id, RejectCode.ORDER_LIST_ALREADY_DONE);
    const account = session.account;
    const submitted = this.entry.submitRequest((w, request_id) => w.cancelList(request_id, account, list.list_id), {
      session,
      answer: (reply: ReplyRecord) => {
        if (session.closed) return;
        const now = this.ctx.store.getList(list.list_id) ?? list;
        // The list finished between the io thread's check and the engine's: say so.
        if (reply.code === RejectCode.UNKNOWN_ORDER_LIST && listAllDone(this.ctx.store, now)) {
          this.refuse(session, m.seq, m.template_id, RejectCode.ORDER_LIST_ALREADY_DONE);
        } else if (reply.code !== RejectCode.OK) {
          this.refuse(session, m.seq, m.template_id, reply.code as RejectCode);
        } else {
          this.sendListStatus(session, m.seq, m.template_id, now, false, reply.arg);
        }
        this.outbound.markDirty(session);
      },
    });
    if (submitted === 'busy') this.refuse(session, m.seq, m.template_id, RejectCode.ENGINE_BUSY);
  }

  private placeIfWhole(session: WsSession, head: NewOrderList, list: PendingOrderList): void {
    if (list.received < head.member_count) return;
    session.pending_list = null;
    this.place(session, head, list);
  }

  /**
   * The list's checks in the order POST /order-lists runs them: each member as an order on
   * its own (the decoder's, then its symbol and grid), then as a member (distinct ids, no
   * instructions on a held member), then a bracket's shape. Then one engine command.
   */
  private place(session: WsSession, head: NewOrderList, list: PendingOrderList): void {
    const refuse = (code: RejectCode, reason: string): void => this.outbound.reject(session, head.seq, code, reason, head.template_id);
    if (list.refusal !== null) return refuse(list.refusal.code, list.refusal.reason);
    if (!this.ctx.accepting()) return refuse(RejectCode.SHUTTING_DOWN, 'the OMS is shutting down');
    const instruments = this.ctx.instruments;
    const now_ms = Date.now();
    const account = session.account;
    const shapes: ListMemberShape[] = [];
    const members: OrderTerms[] = [];
    const ids = new Set<string>();
    for (let k = 0; k < list.members.length; k++) {
      const m = list.members[k];
      // The decoder's ListOrder rule let a trailing type through only with its trail.
      const terms = isTrailing(m.order_type)
        ? trailingOrderTerms(instruments, m as ListOrder & { trailing_offset: NonNullable<ListOrder['trailing_offset']> }, m.stop_price, 'stop_price')
        : plainOrderTerms(instruments, m);
      if (terms instanceof TermsFault) return refuse(terms.code, `orders[${k}]: ${terms.reason}`);
      const shape = { client_order_id: m.client_order_id, exec_inst: m.exec_inst, order_type: m.order_type, symbol: terms.symbol, side: m.side };
      const broken = listMemberRefusal(head.contingency, k, shape, ids);
      if (broken !== null) return refuse(RejectCode.INVALID_ORDER_LIST, broken);
      shapes.push(shape);
      const expire_at_ms = m.time_in_force === TimeInForce.DAY ? sessionEndAfterMs(now_ms, this.ctx.config.session_end_utc_minutes) : m.expire_time_ms;
      members.push(orderCommand(terms, m, 0, account, expire_at_ms, session.orderTag));
    }
    if (head.contingency === ContingencyType.BRACKET) {
      const broken = bracketRefusal(shapes);
      if (broken !== null) return refuse(RejectCode.INVALID_ORDER_LIST, broken);
    }
    const submitted = this.entry.submitRequest(
      (w, request_id) => w.newOrderList(request_id, account, head.contingency, head.list_client_id, members),
      { session, answer: (reply: ReplyRecord) => this.answerList(session, head, reply) },
    );
    if (submitted === 'busy') refuse(RejectCode.ENGINE_BUSY, 'the engine is busy; retry later');
  }

  /**
   * Accepted: the members' NEW reports went to every session as events; the sender gets the
   * ListStatus. Resent whole (every member's id and terms the same): each member's current
   * state (exec_type I), then the ListStatus with `duplicate`. Refused: one Reject naming
   * the member that failed, as POST /order-lists names it.
   */
  private answerList(session: WsSession, head: NewOrderList, reply: ReplyRecord): void {
    if (session.closed) return;
    if (reply.code === RejectCode.OK) {
      const duplicate = reply.flag === REPLY_FLAG_DUPLICATE;
      // A resent list answers with its first member's order, which names the list.
      const list_id = duplicate ? this.ctx.store.get(reply.order_id)?.list_id ?? 0 : reply.order_id;
      const list = this.ctx.store.getList(list_id);
      if (list === undefined) {
        this.outbound.reject(session, head.seq, RejectCode.INTERNAL_ERROR, 'the order list is missing from the read model', head.template_id);
      } else {
        if (duplicate) {
          for (const order_id of list.order_ids) {
            const record = this.ctx.store.get(order_id);
            if (record !== undefined) this.entry.sendOrderStatus(session, record, reply.last_seq);
          }
        }
        this.sendListStatus(session, head.seq, head.template_id, list, duplicate, 0);
      }
    } else if (reply.code === RejectCode.TIMEOUT) {
      this.outbound.reject(session, head.seq, reply.code, 'the engine did not answer in time', head.template_id);
    } else if (reply.code === RejectCode.NOT_READY) {
      this.outbound.reject(session, head.seq, reply.code, rejectInfo(reply.code).reason, head.template_id);
    } else {
      this.outbound.reject(session, head.seq, reply.code, `orders[${reply.arg}]: ${rejectInfo(reply.code).reason}`, head.template_id);
    }
    this.outbound.markDirty(session);
  }

  private sendListStatus(session: WsSession, ref_seq: number, ref_template_id: number, list: OrderListRecord,
    duplicate: boolean, canceled_orders: number): void {
    const ids = list.order_ids;
    this.outbound.listStatus(session, {
      ref_seq, ref_template_id, list_id: list.list_id,
      order_id_0: ids[0] ?? 0, order_id_1: ids[1] ?? 0, order_id_2: ids[2] ?? 0, order_id_3: ids[3] ?? 0,
      contingency: list.contingency as ContingencyType,
      list_order_status: listOrderStatus(this.ctx.store, list) as 3 | 6,
      member_count: ids.length, duplicate, canceled_orders, list_client_id: list.list_client_id,
    });
  }

  private refuse(session: WsSession, seq: number, template_id: number, code: RejectCode): void {
    this.outbound.reject(session, seq, code, rejectInfo(code).reason, template_id);
  }
}

/** Whether a decoded item is a ListOrder, or one the decoder refused without losing the framing. */
export function isListOrderItem(item: { readonly template_id?: number } | Refusal): boolean {
  if (item instanceof Refusal) return !item.fatal && item.template_id === TemplateId.LIST_ORDER && item.code !== RejectCode.UNSUPPORTED_VERSION;
  return item.template_id === TemplateId.LIST_ORDER;
}
