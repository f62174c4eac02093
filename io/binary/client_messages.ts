/**
 * Client -> server templates, schema version 1. The field order is the wire order;
 * offsets are computed and alignment is asserted by `message()` (see PROTOCOL.md for
 * the tables, which a test checks against these definitions).
 *
 * Validation that needs no reference data or session state happens here, at decode:
 * enum members, text character sets, decimal ranges and signs, and (order_rules.ts) the
 * cross-field rules. Symbol lookup, tick and lot grids, expire-time-in-the-past, and
 * everything about sessions are the io layer's.
 */
import { ContingencyType, ExecInst, OrderType, Side, TimeInForce, TrailingOffsetType } from '../../engine/protocol/enums.js';
import { RejectCode } from '../../engine/protocol/reject_codes.js';
import { CLIENT_ORDER_ID_MAX_BYTES } from '../../engine/protocol/command_layout.js';
import { ascii } from './ascii_schema.js';
import { decimal, optionalDecimal } from './decimal_schema.js';
import { bitSetU8, boolean, enumU8 } from './enum_schemas.js';
import { reserved } from './field_schema.js';
import { TemplateId } from './header.js';
import { u8, u64 } from './integer_schemas.js';
import { InputOf, MessageOf, message } from './message_schema.js';
import { listOrderRule, newOrderListRule, newOrderRule, newTrailingOrderRule, replaceRule } from './order_rules.js';

export const API_KEY_MAX_BYTES = 64;
export const SYMBOL_MAX_BYTES = 16;
export { CLIENT_ORDER_ID_MAX_BYTES };

// Visible ASCII without space, as the HTTP API's client_order_id (io/orders/order_validation.ts).
const client_order_id = ascii(CLIENT_ORDER_ID_MAX_BYTES, {
  charset: 'visible',
  min_length: 1,
  code: RejectCode.INVALID_CLIENT_ORDER_ID,
  missing_code: RejectCode.INVALID_CLIENT_ORDER_ID,
});

const symbol = ascii(SYMBOL_MAX_BYTES, {
  charset: 'visible',
  min_length: 1,
  code: RejectCode.UNKNOWN_SYMBOL,
  missing_code: RejectCode.MISSING_FIELD,
});

const order_id = u64({ min: 1, code: RejectCode.VALUE_OUT_OF_RANGE, meaning: 'an order id' });
const quantity = { sign: 'positive', sign_code: RejectCode.INVALID_QUANTITY } as const;
const price = { sign: 'positive', sign_code: RejectCode.INVALID_PRICE } as const;

/** Logon.features bits (PROTOCOL.md §6.1): what the client understands beyond schema version 1's first form. */
export const LogonFeature = { REPORT_FLAGS: 1 } as const;

const logon_fields = {
  cancel_on_disconnect: boolean,
  // Was reserved (zero): a client that predates it asks for nothing and gets version 1's reports.
  features: bitSetU8(LogonFeature, RejectCode.INVALID_FIELD_TYPE),
  reserved: reserved(2),
  api_key: ascii(API_KEY_MAX_BYTES, {
    charset: 'visible',
    min_length: 1,
    code: RejectCode.UNKNOWN_API_KEY,
    missing_code: RejectCode.MISSING_API_KEY,
  }),
};
export const LOGON = message('Logon', TemplateId.LOGON, 'client', logon_fields);
export type Logon = MessageOf<typeof TemplateId.LOGON, typeof logon_fields>;
export type LogonInput = InputOf<typeof logon_fields>;

/** The first fields of both new-order templates, in wire order. */
const order_head_fields = {
  side: enumU8(Side, RejectCode.INVALID_SIDE),
  order_type: enumU8(OrderType, RejectCode.INVALID_ORDER_TYPE),
  time_in_force: enumU8(TimeInForce, RejectCode.INVALID_TIME_IN_FORCE),
  // Was reserved (zero) before order instructions: a client that predates them sends none.
  exec_inst: bitSetU8({ POST_ONLY: ExecInst.POST_ONLY, REDUCE_ONLY: ExecInst.REDUCE_ONLY }, RejectCode.INVALID_FIELD_TYPE),
  expire_time_ms: u64({ min: 0, code: RejectCode.INVALID_EXPIRE_TIME, meaning: 'epoch milliseconds (0 = none)' }),
  quantity: decimal(quantity),
};

const new_order_fields = {
  ...order_head_fields,
  price: optionalDecimal(price),
  stop_price: optionalDecimal(price),
  symbol,
  client_order_id,
};
export const NEW_ORDER = message('NewOrder', TemplateId.NEW_ORDER, 'client', new_order_fields).withRule(newOrderRule);
export type NewOrder = MessageOf<typeof TemplateId.NEW_ORDER, typeof new_order_fields>;
export type NewOrderInput = InputOf<typeof new_order_fields>;

/**
 * A trailing stop or trailing stop-limit: NewOrder's terms plus the trail. A template of its
 * own so that NewOrder's bytes keep their meaning for every version-1 client.
 */
const new_trailing_order_fields = {
  ...order_head_fields,
  trigger_price: optionalDecimal(price),
  trailing_offset: decimal({ sign: 'positive', sign_code: RejectCode.INVALID_TRAILING_OFFSET }),
  limit_offset: optionalDecimal({ sign: 'non_negative', sign_code: RejectCode.INVALID_TRAILING_OFFSET }),
  trailing_offset_type: enumU8(TrailingOffsetType, RejectCode.INVALID_TRAILING_OFFSET),
  symbol,
  client_order_id,
};
export const NEW_TRAILING_ORDER = message('NewTrailingOrder', TemplateId.NEW_TRAILING_ORDER, 'client', new_trailing_order_fields)
  .withRule(newTrailingOrderRule);
export type NewTrailingOrder = MessageOf<typeof TemplateId.NEW_TRAILING_ORDER, typeof new_trailing_order_fields>;
export type NewTrailingOrderInput = InputOf<typeof new_trailing_order_fields>;

/**
 * The head of a contingent order list: the kind, how many ListOrders follow, the list's own
 * client id. A list's members do not fit one message (MAX_MESSAGE_BYTES), so each is a
 * ListOrder of its own, sent right after this head in the same WebSocket message, in
 * member order (the parent, an entry, first).
 */
const new_order_list_fields = {
  contingency: enumU8(ContingencyType, RejectCode.INVALID_ORDER_LIST),
  member_count: u8,
  reserved: reserved(2),
  list_client_id: ascii(CLIENT_ORDER_ID_MAX_BYTES, {
    charset: 'visible',
    min_length: 1,
    code: RejectCode.INVALID_CLIENT_ORDER_ID,
    missing_code: RejectCode.INVALID_CLIENT_ORDER_ID,
  }),
};
export const NEW_ORDER_LIST = message('NewOrderList', TemplateId.NEW_ORDER_LIST, 'client', new_order_list_fields)
  .withRule(newOrderListRule);
export type NewOrderList = MessageOf<typeof TemplateId.NEW_ORDER_LIST, typeof new_order_list_fields>;
export type NewOrderListInput = InputOf<typeof new_order_list_fields>;

/**
 * One member of a list: NewOrder's terms and NewTrailingOrder's trail in one template, as a
 * bracket's stop-loss may trail. For a trailing type `stop_price` is where the trigger starts
 * (NewTrailingOrder's trigger_price); for the others the trail fields are absent and
 * `trailing_offset_type` is 0.
 */
const list_order_fields = {
  ...order_head_fields,
  price: optionalDecimal(price),
  stop_price: optionalDecimal(price),
  trailing_offset: optionalDecimal({ sign: 'positive', sign_code: RejectCode.INVALID_TRAILING_OFFSET }),
  limit_offset: optionalDecimal({ sign: 'non_negative', sign_code: RejectCode.INVALID_TRAILING_OFFSET }),
  trailing_offset_type: enumU8({ NONE: 0, ...TrailingOffsetType }, RejectCode.INVALID_TRAILING_OFFSET),
  symbol,
  client_order_id,
};
export const LIST_ORDER = message('ListOrder', TemplateId.LIST_ORDER, 'client', list_order_fields).withRule(listOrderRule);
export type ListOrder = MessageOf<typeof TemplateId.LIST_ORDER, typeof list_order_fields>;
export type ListOrderInput = InputOf<typeof list_order_fields>;

const cancel_order_list_fields = {
  reserved: reserved(4),
  list_id: u64({ min: 1, code: RejectCode.VALUE_OUT_OF_RANGE, meaning: 'a list id' }),
};
export const CANCEL_ORDER_LIST = message('CancelOrderList', TemplateId.CANCEL_ORDER_LIST, 'client', cancel_order_list_fields);
export type CancelOrderList = MessageOf<typeof TemplateId.CANCEL_ORDER_LIST, typeof cancel_order_list_fields>;
export type CancelOrderListInput = InputOf<typeof cancel_order_list_fields>;

const cancel_fields = {
  reserved: reserved(4),
  order_id,
};
export const CANCEL = message('Cancel', TemplateId.CANCEL, 'client', cancel_fields);
export type Cancel = MessageOf<typeof TemplateId.CANCEL, typeof cancel_fields>;
export type CancelInput = InputOf<typeof cancel_fields>;

const replace_fields = {
  reserved: reserved(4),
  orig_order_id: order_id,
  quantity: optionalDecimal(quantity),
  price: optionalDecimal(price),
  stop_price: optionalDecimal(price),
  client_order_id,
};
export const REPLACE = message('Replace', TemplateId.REPLACE, 'client', replace_fields).withRule(replaceRule);
export type Replace = MessageOf<typeof TemplateId.REPLACE, typeof replace_fields>;
export type ReplaceInput = InputOf<typeof replace_fields>;

const empty_fields = { reserved: reserved(4) };
export const HEARTBEAT = message('Heartbeat', TemplateId.HEARTBEAT, 'client', empty_fields);
export type Heartbeat = MessageOf<typeof TemplateId.HEARTBEAT, typeof empty_fields>;
export type HeartbeatInput = InputOf<typeof empty_fields>;

export const LOGOUT = message('Logout', TemplateId.LOGOUT, 'client', empty_fields);
export type Logout = MessageOf<typeof TemplateId.LOGOUT, typeof empty_fields>;
export type LogoutInput = InputOf<typeof empty_fields>;

/** Every message a client sends, discriminated by `template_id`. */
export type ClientMessage = Logon | NewOrder | Cancel | Replace | Heartbeat | Logout | NewTrailingOrder | NewOrderList | ListOrder
  | CancelOrderList;

export const CLIENT_MESSAGE_SCHEMAS = [
  LOGON, NEW_ORDER, CANCEL, REPLACE, HEARTBEAT, LOGOUT, NEW_TRAILING_ORDER, NEW_ORDER_LIST, LIST_ORDER, CANCEL_ORDER_LIST,
] as const;
