/**
 * The WebSocket close codes the gateway ends a session with (RFC 6455 §7.4.1), one name
 * per row of PROTOCOL.md §12's table. Clients act on the code, so a code never changes
 * meaning here.
 */
export const WsCloseCode = {
  /** After a Logout, once the answers to what the session sent have gone out. */
  NORMAL: 1000,
  /** The server is shutting down. */
  GOING_AWAY: 1001,
  /** A fatal decoding error or a sequence gap. */
  PROTOCOL_ERROR: 1002,
  /** A text frame: the protocol is binary only. */
  UNSUPPORTED_DATA: 1003,
  /** Authentication failed, first message not a Logon, heartbeat timeout, slow consumer. */
  POLICY: 1008,
  /** A WebSocket message larger than OMS_WS_MAX_PAYLOAD_BYTES. */
  MESSAGE_TOO_BIG: 1009,
} as const;
export type WsCloseCode = (typeof WsCloseCode)[keyof typeof WsCloseCode];
