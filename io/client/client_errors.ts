/**
 * Every way a client call can fail, as its own class, so callers branch on `instanceof`
 * and on a reject code, never on message text. A refusal by the server always carries a
 * code from the closed catalogue (engine/protocol/reject_codes.ts); a failure of the
 * connection carries the WebSocket close code and reason it ended with.
 */
import { isRejectCode, rejectInfo } from '../../engine/protocol/reject_codes.js';
import type { ExecutionReport } from './execution_report.js';

export class OmsClientError extends Error {
  override name = 'OmsClientError';
}

/** The catalogue name of a code, or "code N" for one this client does not know (a newer server). */
export function rejectCodeName(code: number): string {
  return isRejectCode(code) ? rejectInfo(code).name : `code ${code}`;
}

/** The server refused the logon (a Reject such as UNKNOWN_API_KEY, then close 1008): retrying will not help. */
export class LogonRefused extends OmsClientError {
  override name = 'LogonRefused';
  readonly code_name: string;

  constructor(readonly code: number, readonly reason: string) {
    super(`logon refused: ${rejectCodeName(code)} (${code}): ${reason}`);
    this.code_name = rejectCodeName(code);
  }
}

/**
 * The server refused a NewOrder, Cancel or Replace (PROTOCOL.md §9.2). `report` is the
 * exec_type 8 ExecutionReport when the engine created the order REJECTED (it has an order
 * id and is journaled: risk refusals, an expiry in the past, a duplicate client order id);
 * it is undefined when the refusal was a Reject and no order exists (decoding, grids,
 * unknown symbol, a refused Cancel or Replace, ENGINE_BUSY).
 */
export class OrderRejected extends OmsClientError {
  override name = 'OrderRejected';
  readonly code_name: string;

  constructor(readonly code: number, readonly reason: string, readonly report?: ExecutionReport) {
    super(`${rejectCodeName(code)} (${code}): ${reason}`);
    this.code_name = rejectCodeName(code);
  }
}

/**
 * The server closed the session because of something this client sent (1002 protocol
 * error, 1003 text frame, 1009 message too big, 1008 other than a heartbeat timeout or a
 * slow consumer), or sent something this client could not decode. Reconnecting would only
 * repeat it, so the client stops.
 */
export class ProtocolError extends OmsClientError {
  override name = 'ProtocolError';

  constructor(readonly close_code: number, readonly close_reason: string) {
    super(`the session ended with a protocol error: close ${close_code} ${close_reason}`);
  }
}

/** The connection is gone and the client stopped reconnecting (attempts used up, or reconnect is off). */
export class ConnectionLost extends OmsClientError {
  override name = 'ConnectionLost';

  constructor(message: string, readonly close_code: number, readonly close_reason: string) {
    super(message);
  }
}

/** The client was closed (by `close()`, or for one of the errors above) before the request was answered. */
export class ClientClosed extends OmsClientError {
  override name = 'ClientClosed';

  constructor(readonly cause_error: OmsClientError | null = null) {
    super(cause_error === null ? 'the client is closed' : `the client is closed: ${cause_error.message}`);
  }
}
