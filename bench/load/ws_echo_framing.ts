/**
 * The ws-echo baseline's framing, local to the benchmark: fixed 112-byte messages (the
 * size of the binary protocol's NewOrder), several per frame. The echo server sends each frame
 * back unchanged, so the generator reads its own orders back as "reports": exactly the
 * cost of the WebSocket path (framing, masking, syscalls, event loops) and nothing else.
 *
 * ```
 *  0   magic     u8    0xEC
 *  1   side      u8    1 buy, 2 sell
 *  2   id_length u8
 *  3   id        40 B  client order id, ASCII
 *  43  (padding to 112)
 * ```
 */
import { ReportCallback, WsOrderProtocol, WsProtocolSession } from './ws_protocol.js';

/** The size of a binary NewOrder (io/PROTOCOL.md §6.2), so frames weigh what ws-binary's weigh. */
export const ECHO_MESSAGE_BYTES = 112;
const MAGIC = 0xec;
const ID_AT = 3;
const ID_MAX = 40;

export class WsEchoFraming implements WsOrderProtocol, WsProtocolSession {
  readonly name = 'echo-framing';
  readonly path = '/ws';
  readonly headers = {};

  /** Stateless: one object serves every connection. */
  session(): WsProtocolSession {
    return this;
  }

  readonly heartbeat_interval_ms = 0;

  heartbeatFrame(): Buffer {
    return Buffer.alloc(0);
  }

  logonFrames(): Buffer[] {
    return [];
  }

  isLogonAnswer(): boolean {
    return true;
  }

  encodeOrders(indices: ArrayLike<number>, ids: readonly string[], count: number): Buffer {
    const out = Buffer.alloc(count * ECHO_MESSAGE_BYTES);
    for (let k = 0; k < count; k++) {
      const at = k * ECHO_MESSAGE_BYTES;
      const id = ids[k];
      if (id.length > ID_MAX) throw new RangeError('client order id longer than 40 bytes');
      out[at] = MAGIC;
      out[at + 1] = (indices[k] & 1) === 0 ? 1 : 2;
      out[at + 2] = id.length;
      out.write(id, at + ID_AT, 'latin1');
    }
    return out;
  }

  decodeFrame(frame: Buffer, report: ReportCallback): void {
    if (frame.length % ECHO_MESSAGE_BYTES !== 0) throw new Error(`echo frame of ${frame.length} bytes is not a whole number of messages`);
    for (let at = 0; at < frame.length; at += ECHO_MESSAGE_BYTES) {
      if (frame[at] !== MAGIC) throw new Error('echo frame holds a message without the magic byte');
      const length = frame[at + 2];
      report(frame.toString('latin1', at + ID_AT, at + ID_AT + length), 'ack');
    }
  }
}
