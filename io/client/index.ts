/**
 * The OMS binary-protocol client: everything a caller needs, and nothing of how it works.
 * Specification: io/PROTOCOL.md ("Writing a client", §16, describes what this client does).
 */
export { OmsClient } from './oms_client.js';
export { OrderHandle } from './order_handle.js';
export type { OmsClientOptions, ReconnectOptions } from './client_options.js';
export { DEFAULT_RECONNECT } from './client_options.js';
export type { ClientEvent, ClientState, SessionInfo } from './client_events.js';
export type {
  DecimalValue, ListMemberRequest, NewOrderListRequest, NewOrderRequest, NewTrailingOrderRequest, ReplaceRequest,
} from './order_input.js';
export { OrderListHandle } from './order_list_handle.js';
export type { OrderListStatus } from './order_list_handle.js';
export type { ExecutionReport } from './execution_report.js';
export { isFinal } from './execution_report.js';
export {
  ClientClosed, ConnectionLost, LogonRefused, OmsClientError, OrderRejected, ProtocolError, rejectCodeName,
} from './client_errors.js';

// The protocol's enums and codes, as the wire carries them.
export { ContingencyType, ExecInst, ExecReason, OrderType, Side, TimeInForce, TrailingOffsetType } from '../../engine/protocol/enums.js';
export { RejectCode, rejectInfo } from '../../engine/protocol/reject_codes.js';
export type { RejectCodeName } from '../../engine/protocol/reject_codes.js';
export { ExecType, OrdStatus, WsCloseCode } from '../binary/index.js';
