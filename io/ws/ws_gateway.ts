/**
 * The binary order-entry protocol on /ws (io/PROTOCOL.md), mounted on uWebSockets.js. A
 * session logs on with the `x-api-key` upgrade header or a Logon message; its NewOrder,
 * NewTrailingOrder, Cancel, Replace and contingent order lists (NewOrderList with its
 * ListOrders, CancelOrderList) become commands on the engine ring like the HTTP routes'; every
 * durable order event of the account is streamed to all of the account's sessions as an
 * ExecutionReport.
 *
 * This file mounts the route, checks and dispatches what comes in, and fans the engine's
 * events out. Each other job has its own file beside it: ws_session_lifecycle.ts (upgrade,
 * logon, logout, close), ws_order_entry.ts, ws_order_lists.ts, execution_report_builder.ts, ws_outbound.ts
 * (buffers, backpressure, slow consumers), ws_heartbeats.ts, cancel_on_disconnect.ts.
 */
import type { TemplatedApp, WebSocket } from 'uWebSockets.js';
import type { Logger } from 'pino';
import { EventType } from '../../engine/protocol/enums.js';
import { EV_ACCOUNT, EV_TYPE } from '../../engine/protocol/event_layout.js';
import { RejectCode } from '../../engine/protocol/reject_codes.js';
import { SlotViews } from '../../engine/protocol/slot_views.js';
import { ClientMessage, CloseReason, Refusal, TemplateId, WsCloseCode, decodeClientMessages, rejectForRefusal } from '../binary/index.js';
import { IoContext } from '../io_context.js';
import { CancelOnDisconnect } from './cancel_on_disconnect.js';
import { ExecutionReportBuilder } from './execution_report_builder.js';
import { WsHeartbeats } from './ws_heartbeats.js';
import { WsOrderEntry } from './ws_order_entry.js';
import { isListOrderItem, WsOrderLists } from './ws_order_lists.js';
import { WsOutbound } from './ws_outbound.js';
import { OUT_BUFFER_BYTES, WsSession, WsUserData } from './ws_session.js';
import { WsSessionLifecycle } from './ws_session_lifecycle.js';
import { WsSessionRegistry } from './ws_session_registry.js';

export { orphanedCancelOnDisconnectSessions } from './cancel_on_disconnect.js';

export interface WsGatewayOptions {
  readonly heartbeat_interval_ms: number;
  readonly max_backpressure_bytes: number;
  readonly max_payload_bytes: number;
  readonly idle_timeout_s: number;
}

/**
 * uWS drops a connection without a close frame (the client sees 1006) when a frame's
 * length is above its maxPayloadLength, before reading it. Its limit is set this many
 * times ours so that a payload somewhat over OMS_WS_MAX_PAYLOAD_BYTES is read and closed
 * with 1009 as PROTOCOL.md says; only far larger ones are dropped.
 */
const UWS_PAYLOAD_LIMIT_FACTOR = 2;

export class WsGateway {
  private readonly sessions = new WsSessionRegistry();
  private readonly outbound: WsOutbound;
  private readonly reports: ExecutionReportBuilder;
  private readonly orders: WsOrderEntry;
  private readonly lists: WsOrderLists;
  private readonly cancel_on_disconnect: CancelOnDisconnect;
  private readonly lifecycle: WsSessionLifecycle;
  private readonly heartbeats: WsHeartbeats;
  /** The payload being handled, decoded (see message). */
  private readonly decoded: (ClientMessage | Refusal)[] = [];
  private decoding = false;

  constructor(ctx: IoContext, private readonly options: WsGatewayOptions, log: Logger) {
    this.outbound = new WsOutbound(options.max_backpressure_bytes, log);
    this.reports = new ExecutionReportBuilder(ctx.instruments);
    this.orders = new WsOrderEntry(ctx, this.outbound, this.reports);
    this.lists = new WsOrderLists(ctx, this.outbound, this.orders);
    this.cancel_on_disconnect = new CancelOnDisconnect(ctx.link, log);
    this.lifecycle = new WsSessionLifecycle(ctx, options.heartbeat_interval_ms, this.sessions, this.outbound, this.cancel_on_disconnect);
    this.heartbeats = new WsHeartbeats(options.heartbeat_interval_ms, this.sessions, this.outbound);
    this.cancel_on_disconnect.cancelOrphans(ctx);
    ctx.link.onEvent((views, base) => this.onEvent(views, base));
    ctx.link.onDrained(() => this.outbound.flushAll());
  }

  mount(app: TemplatedApp): { close(): void } {
    app.ws<WsUserData>('/ws', {
      maxPayloadLength: this.options.max_payload_bytes * UWS_PAYLOAD_LIMIT_FACTOR,
      // uWS drops, rather than queues, anything sent while more than its limit is buffered,
      // and that would include the close frame telling a slow consumer why it is cut off
      // (the client would see 1006 and no reason). The gateway's own check after every
      // flush closes a session whose backlog passed max_backpressure_bytes, so one flush
      // (OUT_BUFFER_BYTES) above that keeps uWS from ever dropping, the close frame included.
      maxBackpressure: this.options.max_backpressure_bytes + OUT_BUFFER_BYTES,
      closeOnBackpressureLimit: false,
      idleTimeout: this.options.idle_timeout_s,
      sendPingsAutomatically: true,
      upgrade: (res, req, context) => this.lifecycle.upgrade(res, req, context),
      open: (ws) => this.lifecycle.open(ws),
      message: (ws, message, is_binary) => this.message(ws, message, is_binary),
      drain: (ws) => this.outbound.checkBackpressure(ws.getUserData().session),
      close: (ws) => this.lifecycle.closed(ws.getUserData().session),
    });
    this.heartbeats.start();
    return {
      close: () => {
        this.heartbeats.stop();
        this.endAllSessions();
      },
    };
  }

  get openSessions(): number {
    return this.sessions.size;
  }

  /** Cancel-on-disconnect commands still waiting for room on the engine ring. */
  get pendingMassCancels(): number {
    return this.cancel_on_disconnect.pendingCount;
  }

  /** Counters for metrics. */
  get sessions_opened(): number {
    return this.lifecycle.sessions_opened;
  }

  get slow_consumer_disconnects(): number {
    return this.outbound.slow_consumer_disconnects;
  }

  get reports_sent(): number {
    return this.outbound.reports_sent;
  }

  /**
   * Shutdown, first step: ends every session (1001) while the engine still runs, so each
   * one's cancel-on-disconnect is carried out before the engine stops.
   */
  endAllSessions(): void {
    // A copy: ending a session removes it from the registry.
    for (const session of [...this.sessions.all]) this.outbound.end(session, WsCloseCode.GOING_AWAY, 'the server is shutting down');
  }

  private message(ws: WebSocket<WsUserData>, message: ArrayBuffer, is_binary: boolean): void {
    const session = ws.getUserData().session;
    if (session.closing) return;
    session.last_received_ms = Date.now();
    if (!is_binary) {
      this.outbound.endAfterAnswers(session, WsCloseCode.UNSUPPORTED_DATA, 'binary frames only');
      return;
    }
    if (message.byteLength > this.options.max_payload_bytes) {
      this.outbound.endAfterAnswers(session, WsCloseCode.MESSAGE_TOO_BIG, `messages are limited to ${this.options.max_payload_bytes} bytes`);
      return;
    }
    // The decoder copies what it keeps: the payload may be released when this returns. One
    // list for every payload (cleared below), a new one only if a handler ever re-entered.
    const items = this.decoding ? [] : this.decoded;
    this.decoding = true;
    try {
      decodeClientMessages(new Uint8Array(message), items);
      this.handle(session, items);
    } finally {
      if (items === this.decoded) this.decoding = false;
      items.length = 0;
    }
  }

  /** The messages and refusals of one payload, in wire order; then what they left to send. */
  private handle(session: WsSession, items: readonly (ClientMessage | Refusal)[]): void {
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (session.closing) break;
      // A list's ListOrders follow its NewOrderList without a break (ws_order_lists.ts).
      if (session.pending_list !== null && !isListOrderItem(item)) this.lists.incomplete(session);
      if (item instanceof Refusal) {
        const reject = { ref_seq: rejectForRefusal(0, item).ref_seq, code: item.code, reason: item.reason, ref_template_id: item.template_id ?? 0 };
        // The order of checks (PROTOCOL.md §9): framing first, whatever the seq field says
        // (bytes without a frame may not be a message at all); its Reject goes out with the
        // close, after the answers to what came before it.
        if (item.fatal) {
          this.outbound.endAfterAnswers(session, WsCloseCode.PROTOCOL_ERROR, item.reason.slice(0, 100), reject);
          break;
        }
        // Then the version: another version's header need not keep seq where version 1
        // does, so its seq is not checked; it still counts as one message.
        if (item.code === RejectCode.UNSUPPORTED_VERSION) session.expected_seq = (session.expected_seq + 1) >>> 0;
        else if (item.seq !== undefined && !this.checkSeq(session, item.seq, item.template_id ?? 0)) break;
        // Before logon only a valid Logon is acceptable: anything refused ends the session.
        if (!session.loggedOn) this.outbound.endAfterAnswers(session, WsCloseCode.POLICY, CloseReason.NOT_LOGGED_ON, reject);
        else if (item.template_id === TemplateId.LIST_ORDER && this.lists.memberRefused(session, item)) continue;
        else {
          this.outbound.reject(session, reject.ref_seq, reject.code, reject.reason, reject.ref_template_id);
          if (item.template_id === TemplateId.NEW_ORDER_LIST && item.code !== RejectCode.UNSUPPORTED_VERSION) this.lists.headRefused(session);
        }
        continue;
      }
      if (!this.checkSeq(session, item.seq, item.template_id)) break;
      if (!session.loggedOn && item.template_id !== TemplateId.LOGON) {
        this.outbound.endAfterAnswers(session, WsCloseCode.POLICY, CloseReason.NOT_LOGGED_ON,
          { ref_seq: item.seq, code: RejectCode.NOT_LOGGED_ON, reason: 'send a Logon first', ref_template_id: item.template_id });
        break;
      }
      switch (item.template_id) {
        case TemplateId.LOGON: this.lifecycle.logon(session, item.seq, item.api_key, item.cancel_on_disconnect, item.features); break;
        case TemplateId.NEW_ORDER: this.orders.newOrder(session, item); break;
        case TemplateId.NEW_TRAILING_ORDER: this.orders.newTrailingOrder(session, item); break;
        case TemplateId.CANCEL: this.orders.cancel(session, item); break;
        case TemplateId.REPLACE: this.orders.replace(session, item); break;
        case TemplateId.HEARTBEAT: break;
        case TemplateId.LOGOUT: this.lifecycle.logout(session); break;
        case TemplateId.NEW_ORDER_LIST: this.lists.begin(session, item); break;
        case TemplateId.LIST_ORDER: this.lists.member(session, item); break;
        case TemplateId.CANCEL_ORDER_LIST: this.lists.cancel(session, item); break;
      }
    }
    // A list is never carried over to the next WebSocket message.
    if (!session.closing) this.lists.incomplete(session);
    session.pending_list = null;
    this.outbound.flush(session);
  }

  /** Sequence numbers must run without gaps; a gap is a protocol error. */
  private checkSeq(session: WsSession, seq: number, template_id: number): boolean {
    if (seq === session.expected_seq) {
      session.expected_seq = (seq + 1) >>> 0;
      return true;
    }
    const reason = `sequence gap: expected ${session.expected_seq}, got ${seq}`;
    this.outbound.endAfterAnswers(session, WsCloseCode.PROTOCOL_ERROR, 'sequence gap', { ref_seq: seq, code: RejectCode.MALFORMED_BODY, reason, ref_template_id: template_id });
    return false;
  }

  /** A durable event: an ExecutionReport to every session of the order's account. */
  private onEvent(v: SlotViews, base: number): void {
    const type = v.u8[base + EV_TYPE];
    if (type > EventType.TRIGGERED) return; // admin events are not about one order
    const sessions = this.sessions.ofAccount(v.i32[(base + EV_ACCOUNT) >> 2]);
    if (sessions === undefined || sessions.size === 0) return;
    this.reports.fromEvent(v, base);
    for (const session of sessions) this.outbound.report(session, this.reports);
  }
}
