/**
 * The OMS binary-protocol client: everything a caller needs, and nothing of how it works.
 * Specification: io/PROTOCOL.md ("Writing a client", §16, describes what this client does).
 */
export { OmsClient } from './oms_client.js';
export { OrderHandle } from './order_handle.js';
export type { OmsClientOptions, ReconnectOptions } from './client_options.js';
export { DEFAULT_RECONNECT } from './client_options.js';
export type { ClientEvent, ClientState, SessionInfo } from './client_events.js';
export type { DecimalValue, NewOrderRequest, ReplaceRequest } from './order_input.js';
export type { ExecutionReport } from './execution_report.js';
export { isFinal } from './execution_report.js';
export {
  ClientClosed, ConnectionLost, LogonRefused, OmsClientError, OrderRejected, ProtocolError, rejectCodeName,
} from './client_errors.js';

// The protocol's enums and codes, as the wire carries them.
export { ExecInst, ExecReason, OrderType, Side, TimeInForce } from '../../engine/protocol/enums.js';
export { RejectCode, rejectInfo } from '../../engine/protocol/reject_codes.js';
export type { RejectCodeName } from '../../engine/protocol/reject_codes.js';
export { ExecType, OrdStatus, WsCloseCode } from '../binary/index.js';
