/**
 * One WebSocket connection's protocol state: who it is (after logon), the sequence
 * numbers in each direction, and the bytes waiting to go out. Outgoing messages are
 * batched into one buffer and sent as one WebSocket message per flush.
 */
import type { WebSocket } from 'uWebSockets.js';
import type { PendingOrderList } from './ws_order_lists.js';

export const OUT_BUFFER_BYTES = 64 * 1024;

/**
 * High bit of the session tag an order carries when its session had cancel-on-disconnect
 * on. The tag is journaled with the order, so after a crash the OMS can still tell which
 * orders belonged to such a session and cancel them (the sessions died with the process).
 */
export const CANCEL_ON_DISCONNECT_TAG = 0x80000000;

export interface PendingReject {
  readonly ref_seq: number;
  readonly code: number;
  readonly reason: string;
  readonly ref_template_id: number;
}

export interface WsUserData {
  session: WsSession;
}

export class WsSession {
  readonly id: number;
  ws: WebSocket<WsUserData> | null = null;
  account = -1;
  cancel_on_disconnect = false;
  /** Asked for ExecutionReport.report_flags (Logon.features REPORT_FLAGS, or ?report_flags=1 on the upgrade). */
  report_flags = false;
  /** seq the next client message must carry. */
  expected_seq = 1;
  /** seq of the next server message. */
  next_out_seq = 1;
  readonly out = new Uint8Array(OUT_BUFFER_BYTES);
  out_length = 0;
  last_received_ms = Date.now();
  last_sent_ms = Date.now();
  closed = false;
  /** Set once the session decided to close (after a fatal error, a logout): nothing more is read. */
  closing = false;
  /** Commands submitted for this session whose replies have not come back yet. */
  in_flight = 0;
  /**
   * A close decided while commands were in flight (a Logout, a protocol error): it waits
   * for in_flight to reach 0, so the answers already due (the reports of an order taken,
   * the Reject of a Cancel refused) reach the client before the close does. 0: none.
   */
  pending_close_code = 0;
  pending_close_reason = '';
  /** A NewOrderList whose ListOrders are still arriving (they follow it in the same WebSocket message); null: none. */
  pending_list: PendingOrderList | null = null;
  /** The Reject that explains the pending close (a fatal message, a sequence gap), sent just before it. */
  pending_close_reject: PendingReject | null = null;

  constructor(id: number) {
    this.id = id;
  }

  /** The session id as orders carry it: with the cancel-on-disconnect bit when that is on. */
  get orderTag(): number {
    return this.cancel_on_disconnect ? (this.id | CANCEL_ON_DISCONNECT_TAG) >>> 0 : this.id;
  }

  get loggedOn(): boolean {
    return this.account >= 0;
  }

  takeOutSeq(): number {
    const seq = this.next_out_seq;
    this.next_out_seq = (seq + 1) >>> 0;
    return seq;
  }
}
