/**
 * What goes out to the WebSocket sessions. Messages are encoded straight into each
 * session's buffer; a session with bytes waiting is marked dirty, and the dirty ones are
 * sent once per drain of the engine link (many reports per WebSocket message), or at
 * once when a buffer is full, a message was handled or the session is ending.
 *
 * Every send's result is checked: a client whose unsent backlog passes
 * max_backpressure_bytes (OMS_WS_MAX_BACKPRESSURE_BYTES), or for whom uWS had to drop a
 * message, is disconnected with 1008 "slow consumer" rather than buffered without bound
 * or silently skipped (PROTOCOL.md §12).
 */
import type { Logger } from 'pino';
import { RejectCode } from '../../engine/protocol/reject_codes.js';
import {
  CloseReason, ListStatusInput, MAX_MESSAGE_BYTES, WsCloseCode, encodeExecutionReport, encodeListStatus, encodeLogonAck, encodeReject,
  encodeServerHeartbeat,
} from '../binary/index.js';
import { ExecutionReportBuilder } from './execution_report_builder.js';
import { OUT_BUFFER_BYTES, PendingReject, WsSession } from './ws_session.js';

/** uWS's `send` result when it dropped the message because too much was buffered already. */
const SEND_DROPPED = 2;

export class WsOutbound {
  /** Sessions with bytes waiting for the next flushAll; a session may appear more than once (flushing twice is harmless). */
  private readonly dirty: WsSession[] = [];
  /** Counters for metrics. */
  slow_consumer_disconnects = 0;
  reports_sent = 0;

  constructor(private readonly max_backpressure_bytes: number, private readonly log: Logger) {}

  /** Appends the report `reports` holds, numbered for this session; nothing for a closed session. */
  report(session: WsSession, reports: ExecutionReportBuilder): void {
    if (session.closed) return;
    this.ensureRoom(session);
    session.out_length += encodeExecutionReport(session.out, session.out_length, reports.numbered(session.takeOutSeq(), session.report_flags));
    this.reports_sent++;
    this.markDirty(session);
  }

  reject(session: WsSession, ref_seq: number, code: number, reason: string, ref_template_id: number): void {
    if (session.closed) return;
    this.ensureRoom(session);
    session.out_length += encodeReject(session.out, session.out_length, {
      seq: session.takeOutSeq(), ref_seq, code: code as RejectCode, ref_template_id, reason,
    });
    this.markDirty(session);
  }

  /** Appends a ListStatus (the answer to a NewOrderList or CancelOrderList), numbered for this session. */
  listStatus(session: WsSession, status: Omit<ListStatusInput, 'seq'>): void {
    if (session.closed) return;
    this.ensureRoom(session);
    session.out_length += encodeListStatus(session.out, session.out_length, { ...status, seq: session.takeOutSeq() });
    this.markDirty(session);
  }

  /** Appends the LogonAck; the caller flushes (it is answering a message, or the session just opened). */
  logonAck(session: WsSession, heartbeat_interval_ms: number, account_name: string): void {
    this.ensureRoom(session);
    session.out_length += encodeLogonAck(session.out, session.out_length, {
      seq: session.takeOutSeq(),
      session_id: session.id,
      heartbeat_interval_ms,
      cancel_on_disconnect: session.cancel_on_disconnect,
      account: account_name,
    });
  }

  /** Sends a ServerHeartbeat now, with whatever else is waiting. */
  heartbeat(session: WsSession): void {
    this.ensureRoom(session);
    session.out_length += encodeServerHeartbeat(session.out, session.out_length, session.takeOutSeq());
    this.flush(session);
  }

  /**
   * Closes once every command the session has in flight is answered, with `reject` (the
   * refusal that caused the close) just before the close frame: a client must not lose
   * the reports of an order it sent before the message that ended its session, nor read
   * the close before them. Nothing more is read meanwhile. The wait is bounded by the
   * engine link's request timeout, which answers every command.
   */
  endAfterAnswers(session: WsSession, code: WsCloseCode, reason: string, reject: PendingReject | null = null): void {
    if (session.closed || session.ws === null) return;
    session.closing = true;
    if (session.in_flight === 0) {
      if (reject !== null) this.reject(session, reject.ref_seq, reject.code, reject.reason, reject.ref_template_id);
      this.end(session, code, reason);
      return;
    }
    if (session.pending_close_code !== 0) return; // the first reason to close is the one given
    session.pending_close_code = code;
    session.pending_close_reason = reason;
    session.pending_close_reject = reject;
  }

  /** After each reply to the session's commands: carries out a close that was waiting for the last one. */
  answered(session: WsSession): void {
    if (session.in_flight !== 0 || session.pending_close_code === 0) return;
    const reject = session.pending_close_reject;
    if (reject !== null) this.reject(session, reject.ref_seq, reject.code, reject.reason, reject.ref_template_id);
    this.end(session, session.pending_close_code as WsCloseCode, session.pending_close_reason);
  }

  /** Sends what is waiting, then the close frame; nothing for a session already closed. */
  end(session: WsSession, code: WsCloseCode, reason: string): void {
    if (session.closed || session.ws === null) return;
    session.closing = true;
    this.flush(session);
    session.ws?.end(code, reason);
  }

  markDirty(session: WsSession): void {
    if (session.out_length > 0 && this.dirty[this.dirty.length - 1] !== session) this.dirty.push(session);
  }

  flushAll(): void {
    const dirty = this.dirty;
    for (let i = 0; i < dirty.length; i++) this.flush(dirty[i]);
    dirty.length = 0;
  }

  /** Sends the session's pending bytes as one WebSocket message and checks backpressure. */
  flush(session: WsSession): void {
    const ws = session.ws;
    if (session.out_length === 0 || ws === null || session.closed) {
      session.out_length = 0;
      return;
    }
    const bytes = session.out.subarray(0, session.out_length);
    session.out_length = 0;
    session.last_sent_ms = Date.now();
    let result = 0;
    ws.cork(() => {
      result = ws.send(bytes, true);
    });
    if (result === SEND_DROPPED) {
      this.slowConsumer(session, 'a message could not be queued');
      return;
    }
    this.checkBackpressure(session);
  }

  /** After every flush, and when uWS reports the socket drained. */
  checkBackpressure(session: WsSession): void {
    const ws = session.ws;
    if (ws === null || session.closed) return;
    const buffered = ws.getBufferedAmount();
    if (buffered > this.max_backpressure_bytes) this.slowConsumer(session, `${buffered} bytes unread`);
  }

  /** Flushes first if one more message of the largest kind might not fit. */
  private ensureRoom(session: WsSession): void {
    if (session.out_length + MAX_MESSAGE_BYTES > OUT_BUFFER_BYTES) this.flush(session);
  }

  private slowConsumer(session: WsSession, detail: string): void {
    this.slow_consumer_disconnects++;
    this.log.warn({ session: session.id, account: session.account, detail }, 'disconnecting a slow consumer');
    session.closing = true;
    session.ws?.end(WsCloseCode.POLICY, `${CloseReason.SLOW_CONSUMER}: ${detail}`.slice(0, 120));
  }
}
