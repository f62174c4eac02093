/**
 * The WebSocket close codes a session ends with (RFC 6455 §7.4.1), one name per row of
 * PROTOCOL.md §12's table, and the close reasons a client may act on. The server closes
 * with these; a client (io/client/close_policy.ts) decides from them whether to reconnect.
 * A code never changes meaning here.
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
  /** Slow consumer or overload: reconnect after a pause. In the spec for clients; this server sends 1008 for a slow consumer. */
  TRY_AGAIN_LATER: 1013,
} as const;
export type WsCloseCode = (typeof WsCloseCode)[keyof typeof WsCloseCode];

/**
 * Never sent in a close frame: what a WebSocket client reports when the connection
 * ended without one (the peer died, the network failed, a frame far over the size limit).
 */
export const ABNORMAL_CLOSURE = 1006;

/** Close reasons PROTOCOL.md names, so a client can tell apart the cases that share 1008. */
export const CloseReason = {
  HEARTBEAT_TIMEOUT: 'heartbeat timeout',
  /** A prefix: the rest of the reason says which limit was passed. */
  SLOW_CONSUMER: 'slow consumer',
  AUTHENTICATION_FAILED: 'authentication failed',
  NOT_LOGGED_ON: 'not logged on',
} as const;
