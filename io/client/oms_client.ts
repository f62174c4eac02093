/**
 * A client of the OMS's binary order-entry protocol (io/PROTOCOL.md), in the manner of
 * nats.js: connect once, then place (orders, trailing orders, contingent order lists),
 * cancel and replace orders; the client keeps the
 * session alive and comes back after a lost connection on its own.
 *
 *   const client = await OmsClient.connect({ url: 'ws://127.0.0.1:8099/ws', api_key: 'test-key' });
 *   const order = client.newOrder({ symbol: 'BTCUSDT', side: Side.BUY, order_type: OrderType.LIMIT,
 *     time_in_force: TimeInForce.GTC, quantity: '0.01', price: '44000' });
 *   const accepted = await order;                    // or OrderRejected, with the reject code
 *   const canceled = await client.cancel(accepted.order_id);
 *   await client.close();                            // waits for answers in flight, then logs out
 *
 * After a connection is lost (the server restarted, the network failed, the server fell
 * silent for three heartbeat intervals), the client logs on again with a bounded backoff
 * and sends again every request whose order is still open or unanswered, by its client
 * order id; the server answers a request it had already taken with the order's current
 * state (exec_type I), never with a second order. See PROTOCOL.md §16.
 */
import { ABNORMAL_CLOSURE, LogonAck, LogonFeature, TemplateId } from '../binary/index.js';
import type { ServerMessage } from '../binary/index.js';
import { reconnectDelayMs } from './backoff.js';
import { ClientClosed, ConnectionLost, OmsClientError } from './client_errors.js';
import type { ClientEvent, ClientState, SessionInfo } from './client_events.js';
import { OmsClientOptions, ResolvedOptions, resolveOptions } from './client_options.js';
import { closeVerdict } from './close_policy.js';
import { Connection } from './connection.js';
import { ExecutionReport, fromWire } from './execution_report.js';
import { OrderHandle } from './order_handle.js';
import {
  cancelDraft, cancelOrderListDraft, ClientOrderIds, NewOrderListRequest, NewOrderRequest, newOrderDraft, NewTrailingOrderRequest,
  newTrailingOrderDraft, orderListDrafts, ReplaceRequest, replaceDraft,
} from './order_input.js';
import { listStatusFromWire, OrderListHandle, OrderListStatus } from './order_list_handle.js';
import { OrderTracker, TrackedRequest } from './order_tracker.js';
import { ResendWindow } from './resend_window.js';

export class OmsClient {
  private state_: ClientState = 'connecting';
  private connection: Connection | null = null;
  private session_: SessionInfo | null = null;
  private readonly tracker = new OrderTracker();
  private readonly ids = new ClientOrderIds();
  private readonly resends = new ResendWindow(this.tracker, (request) => this.transmit(request));
  private logout_sent = false;
  private closing: Promise<void> | null = null;
  private readonly closed_with: Promise<OmsClientError | null>;
  private resolveClosed!: (error: OmsClientError | null) => void;
  private wake_sleeper: (() => void) | null = null;

  private constructor(private readonly options: ResolvedOptions) {
    this.closed_with = new Promise((resolve) => { this.resolveClosed = resolve; });
  }

  /**
   * Connects and logs on. Throws LogonRefused (with the reject code) when the server
   * refuses the API key, ConnectionLost when it cannot be reached; the first connect is
   * not retried.
   */
  static async connect(options: OmsClientOptions): Promise<OmsClient> {
    const client = new OmsClient(resolveOptions(options));
    try {
      await client.establish();
    } catch (error) {
      client.shutdown(error as OmsClientError);
      throw error;
    }
    return client;
  }

  get state(): ClientState {
    return this.state_;
  }

  /** The current (or, while reconnecting, the last) session. */
  get session(): SessionInfo {
    return this.session_!;
  }

  /** Resolves when the client is closed for good: null after close(), otherwise the error that stopped it. */
  closed(): Promise<OmsClientError | null> {
    return this.closed_with;
  }

  /**
   * Places an order. Returns at once; the handle is awaitable for the first answer and
   * iterable for every report until the order is final (order_handle.ts). Throws at once
   * (RangeError) for a value the protocol cannot carry or a client order id this client
   * is still using, and ClientClosed after close().
   */
  newOrder(request: NewOrderRequest): OrderHandle {
    this.assertOpen();
    const entry = this.tracker.addOrder(newOrderDraft(request, request.client_order_id ?? this.ids.take()));
    this.dispatch(entry);
    return new OrderHandle(entry.stream);
  }

  /** Places a trailing stop or trailing stop-limit (NewTrailingOrder, §6.7); the handle is as newOrder's. */
  newTrailingOrder(request: NewTrailingOrderRequest): OrderHandle {
    this.assertOpen();
    const entry = this.tracker.addOrder(newTrailingOrderDraft(request, request.client_order_id ?? this.ids.take()));
    this.dispatch(entry);
    return new OrderHandle(entry.stream);
  }

  /**
   * Places a contingent order list (OCO, OTO, OUO, BRACKET; NewOrderList and its ListOrders,
   * §6.8), sent together in one WebSocket message. Returns at once: await the handle for
   * the ListStatus (list id, order ids) or OrderRejected (the list was refused whole: each
   * member's handle throws the same); `handle.orders[k]` is member k's order handle. Members
   * without a client_order_id get one generated. After a reconnect the list is sent again
   * whole while it is unanswered or a member is open (the server answers it as it stands).
   */
  newOrderList(request: NewOrderListRequest): OrderListHandle {
    this.assertOpen();
    const ids = request.orders.map((order) => order.client_order_id ?? this.ids.take());
    const list_client_id = request.list_client_id ?? this.ids.take();
    const { head, members } = orderListDrafts(request, list_client_id, ids);
    const entry = this.tracker.addList(head, members);
    this.dispatch(entry);
    return new OrderListHandle(list_client_id, entry.members.map((member) => new OrderHandle(member.stream)), entry.answer);
  }

  /**
   * Cancels every open member of a list (CancelOrderList, §6.10). Resolves with the
   * ListStatus (`canceled_orders`) after the members' CANCELED reports; rejects with
   * OrderRejected (UNKNOWN_ORDER_LIST, ORDER_LIST_ALREADY_DONE).
   */
  cancelOrderList(list_id: number): Promise<OrderListStatus> {
    this.assertOpen();
    const entry = this.tracker.addCancelList(cancelOrderListDraft(list_id));
    this.dispatch(entry);
    return entry.answer.promise;
  }

  /**
   * Cancels an order by the server's order id. Resolves with the order's CANCELED report;
   * rejects with OrderRejected (UNKNOWN_ORDER, ORDER_ALREADY_FINAL, ...).
   */
  cancel(order_id: number): Promise<ExecutionReport> {
    this.assertOpen();
    const entry = this.tracker.addCancel(cancelDraft(order_id));
    this.dispatch(entry);
    return entry.answer;
  }

  /**
   * Replaces an order with a new one (new order id, new client order id) carrying the
   * changed terms. The handle is the replacing order's: its first answer is the REPLACED
   * report. The replaced order's own handle, if it came from this client, gets the same
   * REPLACED report as its last.
   */
  replace(order_id: number, request: ReplaceRequest): OrderHandle {
    this.assertOpen();
    const entry = this.tracker.addOrder(replaceDraft(order_id, request, request.client_order_id ?? this.ids.take()));
    this.dispatch(entry);
    return new OrderHandle(entry.stream);
  }

  /**
   * Drains and closes: no new requests; waits (up to drain_timeout_ms) for the answers
   * to requests in flight, then logs out, so the server sends what is still due and
   * closes (1000). Open orders stay open on the server (unless cancel_on_disconnect); their
   * iterators end. Requests still unanswered fail with ClientClosed.
   */
  close(): Promise<void> {
    this.closing ??= this.drainAndClose();
    return this.closing;
  }

  // ---- sessions ---------------------------------------------------------------------

  /** One connect and logon. Throws LogonRefused, ProtocolError or ConnectionLost (worth a retry). */
  private async establish(): Promise<void> {
    let acked = false;
    let refusal: { code: number; reason: string } | null = null;
    /** Set when the session ended between its LogonAck and this function taking it up. */
    let ended_early: OmsClientError | null = null;
    let settle!: { resolve: (ack: LogonAck) => void; reject: (error: OmsClientError) => void };
    const logon = new Promise<LogonAck>((resolve, reject) => { settle = { resolve, reject }; });
    const connection = await Connection.open(this.options.url, this.options.timeout_ms, {
      message: (message) => {
        if (acked) return this.received(message);
        if (message.template_id === TemplateId.LOGON_ACK) {
          acked = true;
          settle.resolve(message);
        } else if (message.template_id === TemplateId.REJECT && message.ref_template_id === TemplateId.LOGON) {
          refusal = { code: message.code, reason: message.reason };
        }
      },
      closed: (code, reason, local_error) => {
        if (acked && this.connection === connection) return this.connectionClosed(connection, code, reason, local_error);
        const verdict = closeVerdict({ code, reason, logon_refusal: refusal, logout_sent: false, local_error });
        const error = verdict.error ?? new ConnectionLost(`the session closed before the logon was answered (close ${code})`, code, reason);
        if (acked) ended_early = error;
        else settle.reject(error);
      },
    });
    const timer = setTimeout(() => {
      connection.terminate(new ConnectionLost(`no LogonAck within ${this.options.timeout_ms} ms`, ABNORMAL_CLOSURE, 'logon timeout'));
    }, this.options.timeout_ms);
    // This client reads report_flags (ExecutionReport.trimmed), so it asks for them (PROTOCOL.md §8.9).
    connection.send({
      template_id: TemplateId.LOGON, api_key: this.options.api_key, cancel_on_disconnect: this.options.cancel_on_disconnect,
      features: LogonFeature.REPORT_FLAGS,
    });
    let ack: LogonAck;
    try {
      ack = await logon;
    } finally {
      clearTimeout(timer);
    }
    if (ended_early !== null) throw ended_early;
    if (this.state_ === 'closed') {
      connection.close(1000, 'client closed');
      return;
    }
    this.connection = connection;
    this.session_ = {
      account: ack.account, session_id: ack.session_id, heartbeat_interval_ms: ack.heartbeat_interval_ms,
      cancel_on_disconnect: ack.cancel_on_disconnect,
    };
    connection.startHeartbeats(ack.heartbeat_interval_ms);
    this.state_ = 'connected';
    const resend = this.tracker.resendable();
    this.emit({ type: 'connected', session: this.session_, resent: resend.length });
    this.resends.start(resend);
  }

  private connectionClosed(connection: Connection, code: number, reason: string, local_error: OmsClientError | null): void {
    if (connection !== this.connection) return;
    this.connection = null;
    this.tracker.connectionEnded();
    this.resends.stop();
    if (this.state_ === 'closing') {
      this.shutdown(null);
      return;
    }
    const verdict = closeVerdict({ code, reason, logon_refusal: null, logout_sent: this.logout_sent, local_error });
    const reconnect = verdict.reconnect && this.options.reconnect !== null;
    this.emit({ type: 'disconnected', code, reason, reconnect, error: verdict.error });
    if (reconnect) void this.reconnect();
    else this.shutdown(verdict.error ?? new ConnectionLost(`the session ended (close ${code} ${reason})`, code, reason));
  }

  private async reconnect(): Promise<void> {
    const policy = this.options.reconnect!;
    this.state_ = 'reconnecting';
    let last: OmsClientError | null = null;
    for (let attempt = 1; attempt <= policy.max_attempts; attempt++) {
      const delay_ms = reconnectDelayMs(attempt, policy);
      this.emit({ type: 'reconnecting', attempt, delay_ms });
      await this.sleep(delay_ms);
      if (this.state_ !== 'reconnecting') return;
      try {
        await this.establish();
        return;
      } catch (error) {
        if (this.state_ !== 'reconnecting') return;
        if (!(error instanceof ConnectionLost)) return this.shutdown(error as OmsClientError);
        last = error;
      }
    }
    this.shutdown(new ConnectionLost(
      `gave up after ${policy.max_attempts} reconnect attempts${last === null ? '' : `: ${last.message}`}`,
      last instanceof ConnectionLost ? last.close_code : ABNORMAL_CLOSURE, last instanceof ConnectionLost ? last.close_reason : '',
    ));
  }

  private async drainAndClose(): Promise<void> {
    const connection = this.connection;
    if (this.state_ !== 'connected' || connection === null) return this.shutdown(null);
    this.state_ = 'closing';
    await this.within(this.options.drain_timeout_ms, this.tracker.untilAnswered());
    if (this.connection === connection && connection.isOpen) {
      this.logout_sent = true;
      connection.send({ template_id: TemplateId.LOGOUT });
      await this.within(this.options.timeout_ms, this.closed_with);
      connection.terminate(new ClientClosed());
    }
    this.shutdown(null);
  }

  /** Closed for good: every request and stream still waiting is ended with `error` (ClientClosed when null). */
  private shutdown(error: OmsClientError | null): void {
    if (this.state_ === 'closed') return;
    this.state_ = 'closed';
    this.wake_sleeper?.();
    const connection = this.connection;
    this.connection = null;
    connection?.terminate(error ?? new ClientClosed());
    this.tracker.endAll(error);
    this.emit({ type: 'closed', error });
    this.resolveClosed(error);
  }

  // ---- requests ---------------------------------------------------------------------

  /** Sends a new request now, or after the resend in progress, or on the next session. */
  private dispatch(request: TrackedRequest): void {
    if (this.connection === null || this.state_ !== 'connected') return;
    if (this.resends.busy) this.resends.enqueue(request);
    else this.transmit(request);
  }

  private transmit(request: TrackedRequest): void {
    const connection = this.connection!;
    // A list's ListOrders must share its NewOrderList's WebSocket message (§6.8).
    const seq = request.kind === 'list' ? connection.sendTogether(request.drafts) : connection.send(request.draft);
    this.tracker.sent(request, seq);
  }

  private received(message: ServerMessage): void {
    switch (message.template_id) {
      case TemplateId.EXECUTION_REPORT: {
        const report = fromWire(message);
        this.tracker.report(report);
        this.callBack(() => this.options.on_report(report));
        break;
      }
      case TemplateId.REJECT:
        if (!this.tracker.reject(message.ref_seq, message.code, message.reason)) {
          this.emit({ type: 'unmatched_reject', ref_seq: message.ref_seq, code: message.code, reason: message.reason });
        }
        break;
      case TemplateId.LIST_STATUS:
        this.tracker.listStatus(message.ref_seq, listStatusFromWire(message));
        break;
      default:
        // ServerHeartbeat: the connection has noted that the server is alive.
        break;
    }
  }

  // ---- helpers ----------------------------------------------------------------------

  private assertOpen(): void {
    if (this.state_ === 'closing' || this.state_ === 'closed') throw new ClientClosed();
  }

  private emit(event: ClientEvent): void {
    this.callBack(() => this.options.on_event(event));
  }

  /** A caller's callback that throws must not leave the client half-way through a message: its error is rethrown on its own. */
  private callBack(call: () => void): void {
    try {
      call();
    } catch (error) {
      queueMicrotask(() => { throw error; });
    }
  }

  /** Waits, unless the client closes meanwhile. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        if (self.wake_sleeper === done) self.wake_sleeper = null;
        resolve();
      }
      this.wake_sleeper = done;
    });
  }

  private async within(ms: number, promise: Promise<unknown>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([promise, new Promise((resolve) => { timer = setTimeout(resolve, ms); })]);
    clearTimeout(timer);
  }
}
