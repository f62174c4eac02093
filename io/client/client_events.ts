/**
 * What the client tells its caller about the connection, through `on_event`: one event
 * per change, typed by `type`, so a caller can log, alert or pause its own sending.
 */
import type { OmsClientError } from './client_errors.js';

/**
 * connecting: the first connect and logon, inside OmsClient.connect;
 * connected: logged on, requests go out at once;
 * reconnecting: the session ended and a new one is being made; requests wait for it;
 * closing: close() is draining; no new requests;
 * closed: for good (`closed()` says why).
 */
export type ClientState = 'connecting' | 'connected' | 'reconnecting' | 'closing' | 'closed';

/** The session as the LogonAck describes it (PROTOCOL.md §7.1). */
export interface SessionInfo {
  readonly account: string;
  readonly session_id: number;
  readonly heartbeat_interval_ms: number;
  readonly cancel_on_disconnect: boolean;
}

export type ClientEvent =
  /** Logged on; after a reconnect, `resent` requests are being sent again on the new session. */
  | { readonly type: 'connected'; readonly session: SessionInfo; readonly resent: number }
  /** The session ended; `reconnect` says whether a new one will be made. */
  | { readonly type: 'disconnected'; readonly code: number; readonly reason: string; readonly reconnect: boolean; readonly error: OmsClientError | null }
  /** Attempt `attempt` starts after `delay_ms`. */
  | { readonly type: 'reconnecting'; readonly attempt: number; readonly delay_ms: number }
  /** For good: `error` null after close(). */
  | { readonly type: 'closed'; readonly error: OmsClientError | null }
  /** A Reject naming a seq this session has no request for (nothing was waiting for it). */
  | { readonly type: 'unmatched_reject'; readonly ref_seq: number; readonly code: number; readonly reason: string };
