/**
 * The binary order-entry protocol spoken over WebSocket: codec, framing and helpers.
 * PROTOCOL.md (io/PROTOCOL.md) is the specification; this is its implementation.
 *
 * Server side, per WebSocket payload (valid only inside the uWS callback; decoding
 * copies everything it keeps, so the payload may be released as soon as it returns):
 *
 *   for (const item of decodeClientMessages(payload)) {
 *     if (item instanceof Refusal) {
 *       at += encodeReject(out, at, rejectForRefusal(next_seq++, item));
 *       if (item.fatal) { ws.end(1002, item.reason); break; }
 *       continue;
 *     }
 *     switch (item.template_id) {
 *       case TemplateId.NEW_ORDER: ... // item.quantity, item.price: Decimal; item.symbol: string
 *     }
 *   }
 *
 * and replies are encoded straight into an outgoing buffer:
 *   at += encodeExecutionReport(out, at, report);   // report: one reused mutable object
 */

// Decoding (never throws)
export { decodeClientMessages, decodeServerMessages, decodeMessages, decodeFrame } from './decoder.js';
export { Refusal, isRefusal } from './refusal.js';
export { FrameAssembler } from './frame_assembler.js';
export type { FrameAssemblerOptions, FrameHandler } from './frame_assembler.js';
export { StreamDecoder } from './stream_decoder.js';
export type { ItemHandler } from './stream_decoder.js';
export { CLIENT_TEMPLATES, SERVER_TEMPLATES, TemplateSet } from './template_set.js';

// Encoding (into caller buffers; throws RangeError on values the decoder would refuse)
export {
  encodeCancel, encodeCancelOrderList, encodeClientBatch, encodeClientMessage, encodeExecutionReport, encodeHeartbeat, encodeListOrder,
  encodeListStatus, encodeLogon, encodeLogonAck, encodeLogout, encodeNewOrder, encodeNewOrderList, encodeNewTrailingOrder, encodeReject,
  encodeReplace, encodeServerBatch, encodeServerHeartbeat,
  encodeServerMessage, messageBytes, rejectForRefusal,
} from './encoder.js';
export type { ClientMessageInput, ServerMessageInput } from './encoder.js';

// Messages and their schemas
export {
  API_KEY_MAX_BYTES, CANCEL, CANCEL_ORDER_LIST, CLIENT_MESSAGE_SCHEMAS, CLIENT_ORDER_ID_MAX_BYTES, HEARTBEAT, LIST_ORDER, LOGON,
  LogonFeature, LOGOUT, NEW_ORDER, NEW_ORDER_LIST, NEW_TRAILING_ORDER, REPLACE, SYMBOL_MAX_BYTES,
} from './client_messages.js';
export type {
  Cancel, CancelInput, CancelOrderList, CancelOrderListInput, ClientMessage, Heartbeat, HeartbeatInput, ListOrder, ListOrderInput,
  Logon, LogonInput, Logout, LogoutInput, NewOrder, NewOrderInput, NewOrderList, NewOrderListInput, NewTrailingOrder,
  NewTrailingOrderInput, Replace, ReplaceInput,
} from './client_messages.js';
export {
  ACCOUNT_NAME_MAX_BYTES, EXECUTION_REPORT, LIST_STATUS, LOGON_ACK, REJECT, REJECT_REASON_MAX_BYTES, ReportFlag, SERVER_HEARTBEAT,
  SERVER_MESSAGE_SCHEMAS,
} from './server_messages.js';
export type {
  ExecutionReport, ExecutionReportInput, ListStatus, ListStatusInput, LogonAck, LogonAckInput, Reject, RejectInput, ServerHeartbeat,
  ServerHeartbeatInput, ServerMessage,
} from './server_messages.js';
export { MessageSchema } from './message_schema.js';
export type { FieldLayout, InputOf, MessageOf } from './message_schema.js';

// Wire constants, enums and decimals
export { ABNORMAL_CLOSURE, CloseReason, WsCloseCode } from './close_codes.js';
export {
  HEADER_BYTES, MAX_MESSAGE_BYTES, MESSAGE_ALIGNMENT_BYTES, SCHEMA_VERSION, TemplateId,
} from './header.js';
export { ExecType, OrdStatus, execTypeOf, ordStatusOf } from './fix_codes.js';
export { DECIMAL_BYTES, DECIMAL_SCALE_MAX } from './decimal_schema.js';
export type { DecimalInput } from './decimal_schema.js';
export { AVERAGE_PRICE_DECIMALS, averagePriceDecimal, toDecimal, unitsToDecimal } from './report_decimals.js';
export type { MutableDecimal } from './report_decimals.js';
export { hexDump, layoutRows, parseHexDump } from './describe.js';
