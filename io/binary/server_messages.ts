/**
 * Server -> client templates, schema version 1. Same conventions as client_messages.ts.
 * The server only writes these from trusted engine state; the checks still run when a
 * client (or a test, or the benchmark's load generator) decodes them, so a client of
 * this codec can rely on enum members and canonical fields too.
 */
import { ContingencyType, ExecReason, ListOrderStatus, OrderType, Side, TimeInForce } from '../../engine/protocol/enums.js';
import { RejectCode } from '../../engine/protocol/reject_codes.js';
import { CLIENT_ORDER_ID_MAX_BYTES } from '../../engine/protocol/command_layout.js';
import { ascii } from './ascii_schema.js';
import { decimal, optionalDecimal } from './decimal_schema.js';
import { bitSetU8, boolean, charEnum, enumU8, rejectCode } from './enum_schemas.js';
import { reserved } from './field_schema.js';
import { ExecType, OrdStatus } from './fix_codes.js';
import { TemplateId } from './header.js';
import { u8, u16, u32, u64 } from './integer_schemas.js';
import { InputOf, MessageOf, message } from './message_schema.js';
import { SYMBOL_MAX_BYTES } from './client_messages.js';

export const ACCOUNT_NAME_MAX_BYTES = 40;

/** ExecutionReport.report_flags bits (PROTOCOL.md §7.2). TRIMMED: a reduce-only order's NEW with order_qty below what was sent. */
export const ReportFlag = { TRIMMED: 1 } as const;
export const REJECT_REASON_MAX_BYTES = 96;

const MALFORMED = RejectCode.MALFORMED_BODY;
const id = (min: number, meaning: string) => u64({ min, code: MALFORMED, meaning });
const quantity = decimal({ sign: 'non_negative', sign_code: MALFORMED });
const price = optionalDecimal({ sign: 'positive', sign_code: MALFORMED });

const logon_ack_fields = {
  session_id: u32,
  heartbeat_interval_ms: u32,
  cancel_on_disconnect: boolean,
  account: ascii(ACCOUNT_NAME_MAX_BYTES, { charset: 'visible', min_length: 1, code: MALFORMED, missing_code: MALFORMED }),
};
export const LOGON_ACK = message('LogonAck', TemplateId.LOGON_ACK, 'server', logon_ack_fields);
export type LogonAck = MessageOf<typeof TemplateId.LOGON_ACK, typeof logon_ack_fields>;
export type LogonAckInput = InputOf<typeof logon_ack_fields>;

const execution_report_fields = {
  reject_code: rejectCode(true),
  exec_type: charEnum(ExecType),
  ord_status: charEnum(OrdStatus),
  exec_id: id(1, 'the engine event sequence'),
  order_id: id(0, 'an order id'),
  orig_order_id: id(0, 'an order id (0 = none)'),
  transact_time_us: id(0, 'epoch microseconds'),
  order_qty: quantity,
  price,
  stop_price: price,
  cum_qty: quantity,
  leaves_qty: quantity,
  avg_px: decimal({ sign: 'non_negative', sign_code: MALFORMED }),
  last_qty: quantity,
  last_px: price,
  side: enumU8(Side, MALFORMED),
  order_type: enumU8(OrderType, MALFORMED),
  time_in_force: enumU8(TimeInForce, MALFORMED),
  exec_reason: enumU8(ExecReason, MALFORMED),
  symbol: ascii(SYMBOL_MAX_BYTES, { charset: 'visible', min_length: 1, code: MALFORMED, missing_code: MALFORMED }),
  client_order_id: ascii(CLIENT_ORDER_ID_MAX_BYTES, {
    charset: 'visible', min_length: 1, code: MALFORMED, missing_code: MALFORMED,
  }),
  // Was padding (zero): set only for sessions that asked for it at logon (Logon.features
  // REPORT_FLAGS), so a version-1 client that checks its padding never sees a bit.
  report_flags: bitSetU8(ReportFlag, MALFORMED),
};
export const EXECUTION_REPORT = message(
  'ExecutionReport', TemplateId.EXECUTION_REPORT, 'server', execution_report_fields,
);
export type ExecutionReport = MessageOf<typeof TemplateId.EXECUTION_REPORT, typeof execution_report_fields>;
export type ExecutionReportInput = InputOf<typeof execution_report_fields>;

const reject_fields = {
  ref_seq: u32,
  code: rejectCode(false),
  ref_template_id: u16,
  reason: ascii(REJECT_REASON_MAX_BYTES, { charset: 'printable', min_length: 0, code: MALFORMED, missing_code: MALFORMED }),
};
export const REJECT = message('Reject', TemplateId.REJECT, 'server', reject_fields);
export type Reject = MessageOf<typeof TemplateId.REJECT, typeof reject_fields>;
export type RejectInput = InputOf<typeof reject_fields>;

/**
 * The answer to a NewOrderList or CancelOrderList, to the session that sent it (FIX
 * ListStatus, 35=N): the list id (FIX ListID, 66), which no ExecutionReport has room for,
 * and the members' order ids in member order (0 past `member_count`).
 */
const list_status_fields = {
  ref_seq: u32,
  list_id: id(1, 'a list id'),
  order_id_0: id(0, 'an order id (0 = none)'),
  order_id_1: id(0, 'an order id (0 = none)'),
  order_id_2: id(0, 'an order id (0 = none)'),
  order_id_3: id(0, 'an order id (0 = none)'),
  ref_template_id: u16,
  contingency: enumU8(ContingencyType, MALFORMED),
  list_order_status: enumU8({ EXECUTING: ListOrderStatus.EXECUTING, ALL_DONE: ListOrderStatus.ALL_DONE }, MALFORMED),
  member_count: u8,
  duplicate: boolean,
  canceled_orders: u8,
  list_client_id: ascii(CLIENT_ORDER_ID_MAX_BYTES, { charset: 'visible', min_length: 1, code: MALFORMED, missing_code: MALFORMED }),
};
export const LIST_STATUS = message('ListStatus', TemplateId.LIST_STATUS, 'server', list_status_fields);
export type ListStatus = MessageOf<typeof TemplateId.LIST_STATUS, typeof list_status_fields>;
export type ListStatusInput = InputOf<typeof list_status_fields>;

const empty_fields = { reserved: reserved(4) };
export const SERVER_HEARTBEAT = message('ServerHeartbeat', TemplateId.SERVER_HEARTBEAT, 'server', empty_fields);
export type ServerHeartbeat = MessageOf<typeof TemplateId.SERVER_HEARTBEAT, typeof empty_fields>;
export type ServerHeartbeatInput = InputOf<typeof empty_fields>;

/** Every message the server sends, discriminated by `template_id`. */
export type ServerMessage = LogonAck | ExecutionReport | Reject | ServerHeartbeat | ListStatus;

export const SERVER_MESSAGE_SCHEMAS = [LOGON_ACK, EXECUTION_REPORT, REJECT, SERVER_HEARTBEAT, LIST_STATUS] as const;
