/**
 * The client's record of what it asked for and has not seen the end of: orders not yet
 * final (answered or not) and cancels not yet answered, in the order they were made. It
 * routes each ExecutionReport to its order (by client order id; a REPLACED report also
 * ends the order it replaced, found by order id) and to the cancels waiting on that order,
 * and each Reject to the request it refuses (by the seq it names, valid on the current
 * connection only).
 *
 * After a reconnect, `resendable()` lists what to send again on the new session: the
 * creating NewOrder or Replace of every order still open or unanswered, and every
 * unanswered Cancel. The server dedupes by client order id (PROTOCOL.md §6.2, §6.4), so a
 * request it had already taken is answered with the order's current state (exec_type I)
 * rather than placed twice, and an open order's stream learns what it missed.
 */
import { ClientClosed, OmsClientError, OrderRejected } from './client_errors.js';
import { ExecType, ExecutionReport, isFinal, OrdStatus } from './execution_report.js';
import type {
  CancelDraft, CancelOrderListDraft, ListOrderDraft, NewOrderDraft, NewOrderListDraft, NewTrailingOrderDraft, ReplaceDraft,
} from './order_input.js';
import { OrderStream } from './order_handle.js';
import { ListAnswer, OrderListStatus } from './order_list_handle.js';

export class OrderEntry {
  readonly kind = 'order';
  /** The server's order id, once a report gave it. */
  order_id = 0;
  /** seq of its last send on the current connection; 0 when not sent on it. */
  seq = 0;
  /** Sent again after a reconnect, and not yet answered since. */
  resent = false;

  constructor(
    readonly draft: NewOrderDraft | NewTrailingOrderDraft | ReplaceDraft | ListOrderDraft,
    readonly stream: OrderStream,
    /** The list this order is a member of: it is sent, and sent again, only with its list. */
    readonly list: ListEntry | null = null,
  ) {}
}

/**
 * A NewOrderList and its members: pending until its answer (ListStatus or Reject) and
 * while any member is; after a reconnect the whole list is sent again, and the server
 * answers a list it had taken with each member's state and a ListStatus (§6.8).
 */
export class ListEntry {
  readonly kind = 'list';
  seq = 0;
  resent = false;
  readonly members: OrderEntry[] = [];
  readonly answer = new ListAnswer();

  constructor(readonly draft: NewOrderListDraft, readonly member_drafts: readonly ListOrderDraft[]) {}

  /** The head and its ListOrders, in the order they go out together. */
  get drafts(): readonly (NewOrderListDraft | ListOrderDraft)[] {
    return [this.draft, ...this.member_drafts];
  }
}

export class CancelListEntry {
  readonly kind = 'cancel_list';
  seq = 0;
  resent = false;
  readonly answer = new ListAnswer();

  constructor(readonly draft: CancelOrderListDraft) {}

  reject(error: OmsClientError): void {
    this.answer.reject(error);
  }
}

export class CancelEntry {
  readonly kind = 'cancel';
  seq = 0;
  resent = false;
  readonly answer: Promise<ExecutionReport>;
  resolve!: (report: ExecutionReport) => void;
  reject!: (error: OmsClientError) => void;

  constructor(readonly draft: CancelDraft) {
    this.answer = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }
}

export type TrackedRequest = OrderEntry | CancelEntry | ListEntry | CancelListEntry;

export class OrderTracker {
  /** Every request not yet done with, in the order it was made. */
  private readonly pending = new Set<TrackedRequest>();
  private readonly by_client_order_id = new Map<string, OrderEntry>();
  private readonly by_order_id = new Map<number, OrderEntry>();
  private readonly cancels_by_order_id = new Map<number, Set<CancelEntry>>();
  private readonly by_seq = new Map<number, TrackedRequest>();
  private unanswered = 0;
  private idle_waiters: (() => void)[] = [];
  /** Called when a resent request gets its answer (the resend window has room again). */
  onResentAnswered: () => void = () => {};

  /** Throws if an order with this client order id is still being tracked: ids are unique per account. */
  addOrder(draft: NewOrderDraft | NewTrailingOrderDraft | ReplaceDraft): OrderEntry {
    this.assertUnused(draft.client_order_id);
    return this.track(new OrderEntry(draft, new OrderStream(draft.client_order_id)));
  }

  /** A list and its members; throws, tracking nothing, if a member's id is in use (or used twice). */
  addList(head: NewOrderListDraft, members: readonly ListOrderDraft[]): ListEntry {
    const ids = new Set(members.map((m) => m.client_order_id));
    if (ids.size !== members.length) throw new RangeError('every member of a list needs a client_order_id of its own');
    for (const id of ids) this.assertUnused(id);
    const list = new ListEntry(head, members);
    this.pending.add(list);
    this.unanswered++;
    for (const draft of members) {
      const member = new OrderEntry(draft, new OrderStream(draft.client_order_id), list);
      list.members.push(member);
      this.by_client_order_id.set(draft.client_order_id, member);
      this.unanswered++;
    }
    return list;
  }

  addCancelList(draft: CancelOrderListDraft): CancelListEntry {
    const entry = new CancelListEntry(draft);
    this.pending.add(entry);
    this.unanswered++;
    return entry;
  }

  private assertUnused(id: string): void {
    if (this.by_client_order_id.has(id)) throw new RangeError(`client_order_id ${id} is already used by an order of this client that is not final`);
  }

  private track(entry: OrderEntry): OrderEntry {
    this.pending.add(entry);
    this.by_client_order_id.set(entry.draft.client_order_id, entry);
    this.unanswered++;
    return entry;
  }

  addCancel(draft: CancelDraft): CancelEntry {
    const entry = new CancelEntry(draft);
    this.pending.add(entry);
    let waiting = this.cancels_by_order_id.get(draft.order_id);
    if (waiting === undefined) this.cancels_by_order_id.set(draft.order_id, waiting = new Set());
    waiting.add(entry);
    this.unanswered++;
    return entry;
  }

  /** The request went out on the current connection with this seq. */
  sent(request: TrackedRequest, seq: number): void {
    request.seq = seq;
    this.by_seq.set(seq, request);
  }

  /** The connection ended: seqs named by Rejects from now on belong to another session. */
  connectionEnded(): void {
    this.by_seq.clear();
    for (const request of this.pending) {
      request.seq = 0;
      request.resent = false;
    }
  }

  /** What a new session sends again, in the order it was first made; a list's members go with their list. */
  resendable(): TrackedRequest[] {
    return [...this.pending].filter((request) => request.kind !== 'order' || request.list === null);
  }

  isPending(request: TrackedRequest): boolean {
    return this.pending.has(request);
  }

  /** Requests still waiting for their first answer. */
  get unansweredCount(): number {
    return this.unanswered;
  }

  /** Resolves once every request has had its first answer. */
  untilAnswered(): Promise<void> {
    if (this.unanswered === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle_waiters.push(resolve));
  }

  /** Routes a report; returns false when it is about an order this client does not track. */
  report(report: ExecutionReport): boolean {
    let routed = false;
    const entry = this.by_client_order_id.get(report.client_order_id);
    if (entry !== undefined && this.belongsTo(entry, report)) {
      routed = true;
      this.answeredResend(entry);
      if (!entry.stream.answered) this.answered();
      if (report.order_id !== 0 && entry.order_id === 0) {
        entry.order_id = report.order_id;
        this.by_order_id.set(report.order_id, entry);
      }
      entry.stream.push(report);
      if (isFinal(report)) this.finish(entry, null);
    }
    if (report.exec_type === ExecType.REPLACED) {
      const replaced = this.by_order_id.get(report.orig_order_id);
      if (replaced !== undefined && replaced !== entry) {
        routed = true;
        replaced.stream.push(report);
        this.finish(replaced, null);
      }
    }
    const cancels = this.cancels_by_order_id.get(report.order_id);
    if (cancels !== undefined && report.ord_status === OrdStatus.CANCELED) {
      routed = true;
      for (const cancel of [...cancels]) {
        this.answeredResend(cancel);
        this.answered();
        this.drop(cancel);
        cancel.resolve(report);
      }
    }
    return routed;
  }

  /** Routes a Reject by the seq it names; returns false when no request of this session has that seq. */
  reject(ref_seq: number, code: number, reason: string): boolean {
    const request = this.by_seq.get(ref_seq);
    if (request === undefined || !this.pending.has(request)) return false;
    this.by_seq.delete(ref_seq);
    this.answeredResend(request);
    if (request.kind === 'cancel' || request.kind === 'cancel_list') {
      this.answered();
      this.drop(request);
      request.reject(new OrderRejected(code, reason));
    } else if (request.kind === 'list') {
      // Refused whole: nothing of it was placed, so each member is refused with it. A resend
      // of a list already answered that is refused (ENGINE_BUSY, say) changes nothing.
      if (!request.answer.settled) {
        const error = new OrderRejected(code, reason);
        this.answered();
        this.drop(request);
        request.answer.reject(error);
        for (const member of request.members) {
          if (!member.stream.answered) this.answered();
          this.finish(member, error);
        }
      }
    } else if (!request.stream.answered) {
      this.answered();
      this.finish(request, new OrderRejected(code, reason));
    }
    // A refused resend of an order already answered (ENGINE_BUSY, say) changes nothing: its state stands.
    return true;
  }

  /**
   * Routes a ListStatus to the NewOrderList or CancelOrderList it answers, by the seq it
   * names; returns false when no request of this session has that seq.
   */
  listStatus(ref_seq: number, status: OrderListStatus): boolean {
    const request = this.by_seq.get(ref_seq);
    if (request === undefined || !this.pending.has(request)) return false;
    if (request.kind !== 'list' && request.kind !== 'cancel_list') return false;
    this.by_seq.delete(ref_seq);
    this.answeredResend(request);
    if (request.kind === 'cancel_list') {
      this.answered();
      this.drop(request);
      request.answer.resolve(status);
      return true;
    }
    if (!request.answer.settled) {
      this.answered();
      request.answer.resolve(status);
    }
    this.dropListIfDone(request);
    return true;
  }

  /** Ends everything: the client is closed. `error` null when the caller closed it. */
  endAll(error: OmsClientError | null): void {
    for (const request of [...this.pending]) {
      if (request.kind === 'order') {
        this.finish(request, error);
      } else if (request.kind === 'list') {
        this.drop(request);
        for (const member of request.members) this.finish(member, error);
        if (!request.answer.settled) request.answer.reject(new ClientClosed(error));
      } else {
        this.drop(request);
        request.reject(new ClientClosed(error));
      }
    }
    this.unanswered = 0;
    this.wakeIdle();
  }

  /**
   * Whether a report with this order's client order id is about this order. Once the
   * order is answered, a REJECTED report without an order id is the answer to a resend
   * whose terms the server now sees differently (a DAY order's expiry across the session
   * end): it is about no order, and the order's own state stands.
   */
  private belongsTo(entry: OrderEntry, report: ExecutionReport): boolean {
    if (!entry.stream.answered) return true;
    if (report.exec_type === ExecType.REJECTED && report.order_id === 0) return false;
    return entry.order_id === 0 || report.order_id === entry.order_id;
  }

  private finish(entry: OrderEntry, error: OmsClientError | null): void {
    this.drop(entry);
    if (this.by_client_order_id.get(entry.draft.client_order_id) === entry) this.by_client_order_id.delete(entry.draft.client_order_id);
    if (entry.order_id !== 0) this.by_order_id.delete(entry.order_id);
    entry.stream.end(error);
    if (entry.list !== null) this.dropListIfDone(entry.list);
  }

  /** A list answered and whose members are all final is done with: nothing of it is sent again. */
  private dropListIfDone(list: ListEntry): void {
    if (list.answer.settled && list.members.every((member) => member.stream.ended)) this.drop(list);
  }

  private drop(request: TrackedRequest): void {
    this.pending.delete(request);
    if (request.seq !== 0) this.by_seq.delete(request.seq);
    if (request.kind === 'cancel') {
      const waiting = this.cancels_by_order_id.get(request.draft.order_id);
      waiting?.delete(request);
      if (waiting !== undefined && waiting.size === 0) this.cancels_by_order_id.delete(request.draft.order_id);
    }
  }

  private answeredResend(request: TrackedRequest): void {
    if (!request.resent) return;
    request.resent = false;
    this.onResentAnswered();
  }

  private answered(): void {
    this.unanswered--;
    if (this.unanswered === 0) this.wakeIdle();
  }

  private wakeIdle(): void {
    const waiters = this.idle_waiters;
    this.idle_waiters = [];
    for (const waiter of waiters) waiter();
  }
}
