/**
 * What the client does when a session ends, by close code and reason (PROTOCOL.md §12):
 * reconnect (the server is restarting, the network failed, the client was too slow or
 * too quiet) or stop with a typed error (the logon was refused, or the server closed
 * for something this client sent, which a new session would only repeat).
 */
import { ABNORMAL_CLOSURE, CloseReason, WsCloseCode } from '../binary/index.js';
import { ConnectionLost, LogonRefused, OmsClientError, ProtocolError } from './client_errors.js';

export interface CloseVerdict {
  readonly reconnect: boolean;
  /** Why the session ended; null for the normal end after this client's Logout. */
  readonly error: OmsClientError | null;
}

export interface SessionEnd {
  readonly code: number;
  readonly reason: string;
  /** The Reject of this client's Logon, if one came before the close. */
  readonly logon_refusal: { readonly code: number; readonly reason: string } | null;
  /** This client sent a Logout (so a 1000 close is the answer to it). */
  readonly logout_sent: boolean;
  /** This side ended the connection itself (the server fell silent, or sent garbage). */
  readonly local_error: OmsClientError | null;
}

export function closeVerdict(end: SessionEnd): CloseVerdict {
  const { code, reason } = end;
  if (end.logon_refusal !== null) return stop(new LogonRefused(end.logon_refusal.code, end.logon_refusal.reason));
  if (end.local_error !== null) return end.local_error instanceof ProtocolError ? stop(end.local_error) : retry(end.local_error);
  const lost = (why: string) => new ConnectionLost(`${why} (close ${code}${reason === '' ? '' : ` ${reason}`})`, code, reason);
  switch (code) {
    case WsCloseCode.NORMAL:
      // The server closes with 1000 only after a Logout; without one it is a transient end.
      return end.logout_sent ? { reconnect: false, error: null } : retry(lost('the server ended the session'));
    case WsCloseCode.GOING_AWAY:
      return retry(lost('the server is shutting down'));
    case WsCloseCode.PROTOCOL_ERROR:
    case WsCloseCode.UNSUPPORTED_DATA:
    case WsCloseCode.MESSAGE_TOO_BIG:
      return stop(new ProtocolError(code, reason));
    case WsCloseCode.POLICY:
      if (reason === CloseReason.HEARTBEAT_TIMEOUT) return retry(lost('the server heard nothing from this client'));
      if (reason.startsWith(CloseReason.SLOW_CONSUMER)) return retry(lost('this client read too slowly'));
      return stop(new ProtocolError(code, reason));
    case WsCloseCode.TRY_AGAIN_LATER:
      return retry(lost('the server asked to try again later'));
    case ABNORMAL_CLOSURE:
      return retry(lost('the connection dropped'));
    default:
      return retry(lost('the connection closed'));
  }
}

function retry(error: OmsClientError): CloseVerdict {
  return { reconnect: true, error };
}

function stop(error: OmsClientError): CloseVerdict {
  return { reconnect: false, error };
}
