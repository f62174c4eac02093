/**
 * What the WebSocket load generator needs from a wire protocol: how to log on, how to
 * encode a batch of new orders into one frame, and how to find the client order ids of
 * the execution reports (or rejects) in a received frame. Two implementations:
 * ws_echo_framing.ts (the ws-echo baseline, bench-local) and ws_oms_binary_protocol.ts
 * (the OMS's binary protocol, io/binary).
 */

/** ack: the first positive report for an order (accepted, filled...); reject: the order was refused. */
export type ReportKind = 'ack' | 'reject' | 'other';

export type ReportCallback = (client_order_id: string, kind: ReportKind, code?: number, transact_us?: number) => void;

export interface WsOrderProtocol {
  readonly name: string;
  /** Path of the WebSocket endpoint on the server. */
  readonly path: string;
  /** Extra headers of the upgrade request. */
  readonly headers: Readonly<Record<string, string>>;
  /** Per-connection state (sequence numbers...). */
  session(): WsProtocolSession;
}

export interface WsProtocolSession {
  /** Frames sent right after the upgrade (empty: the session is ready at once). */
  logonFrames(): Buffer[];
  /** True if `frame` completes the logon; throws (with the server's reason) if it refuses it. */
  isLogonAnswer(frame: Buffer): boolean;
  /** After the logon: how often the client must send something (0 = never), and the frame to send then. */
  readonly heartbeat_interval_ms: number;
  heartbeatFrame(): Buffer;
  /**
   * One frame holding `count` new orders: indices[k] is the order's index (even = buy,
   * odd = sell) and ids[k] its client order id.
   */
  encodeOrders(indices: ArrayLike<number>, ids: readonly string[], count: number): Buffer;
  /**
   * Calls `report` for every message in a received frame that concerns an order; `code`
   * names a reject's reason, `transact_us` is an execution report's transact time (epoch
   * µs; the OMS's is the order's edge time, bench/harness/edge_split.ts).
   */
  decodeFrame(frame: Buffer, report: ReportCallback): void;
}

export type WsProtocolName = 'echo-framing' | 'oms-binary';
