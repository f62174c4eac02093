/**
 * One WebSocket connection's protocol state: who it is (after logon), the sequence
 * numbers in each direction, and the bytes waiting to go out. Outgoing messages are
 * batched into one buffer and sent as one WebSocket message per flush.
 */
import type { WebSocket } from 'uWebSockets.js';

export const OUT_BUFFER_BYTES = 64 * 1024;

export interface WsUserData {
  session: WsSession;
}

export class WsSession {
  readonly id: number;
  ws: WebSocket<WsUserData> | null = null;
  account = -1;
  cancel_on_disconnect = false;
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
  /** A Logout waiting for in_flight to reach 0 before the close (1000). */
  logout_pending = false;

  constructor(id: number) {
    this.id = id;
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
