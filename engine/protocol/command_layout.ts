/**
 * The fixed-size command slot on the command ring (io thread -> engine).
 *
 * ```
 *  0   qty_lots            f64   quantity in the symbol's lots (NEW, REPLACE: new total quantity)
 *  8   price_ticks         f64   limit price in the symbol's ticks (0 = none)
 *  16  stop_price_ticks    f64   stop trigger price in ticks (0 = none)
 *  24  expire_at_ms        f64   epoch ms when a DAY/GTD order expires (0 = never)
 *  32  order_id            f64   target of CANCEL/REPLACE
 *  40  arg                 f64   command-specific argument (limits version, ...; NEW_ORDER,
 *                                LIST_MEMBER and CHECK: a trailing stop-limit's limit offset in
 *                                ticks; NEW_ORDER_LIST: the number of LIST_MEMBER slots after it)
 *  48  request_id          u32   io's correlation id, echoed on the reply
 *  52  account             i32   interned account index (-1 = all accounts, for KILL_SWITCH)
 *  56  symbol              i32   interned symbol index
 *  60  session_id          u32   io session that sent it (0 = HTTP), for cancel-on-disconnect
 *  64  type                u8    CommandType
 *  65  side                u8    Side
 *  66  order_type          u8    OrderType
 *  67  time_in_force       u8    TimeInForce
 *  68  flag                u8    command-specific flag (engage/release, limits bank, TIF mask;
 *                                NEW_ORDER and CHECK: the ExecInst bits; ACCOUNT_STATUS: 1 =
 *                                the portfolio sums; TRADING_STATE: the TradingState, plus
 *                                0x80 = cancel every open order in scope as well;
 *                                NEW_ORDER_LIST: the ContingencyType)
 *  69  cl_ord_id_length    u8    bytes used in cl_ord_id
 *  70  cl_ord_id           40 B  client order id, printable ASCII (NEW_ORDER_LIST: the list_client_id)
 *  112 sent_at_us          f64   when the edge wrote the command, epoch microseconds: the
 *                                engine's clock while it handles it (no clock read per order)
 *  120 trace               u8    1 = a sampled command: the engine stamps its reply with the
 *                                times it took and finished it (stage timing, see reply_layout)
 *  121 trailing_offset_type u8   NEW_ORDER, CHECK: TrailingOffsetType (0 = not trailing)
 *  122 (padding to 124)
 *  124 trailing_offset     i32   NEW_ORDER, CHECK: trailing distance, ticks or basis points
 * ```
 *
 * The io thread validates and converts everything before it writes a slot: the engine
 * trusts these integers (STYLE.md rule 5).
 *
 * A contingent order list is several slots written and published together: a
 * NEW_ORDER_LIST slot (account, flag, arg, cl_ord_id as above; order_id for CANCEL_LIST)
 * and then `arg` LIST_MEMBER slots, each laid out as a NEW_ORDER. The engine reads them as
 * one command (one reply, carrying the header's request_id) and refuses or accepts all.
 */
import { LayoutBuilder } from '../layout/layout_builder.js';

export const CLIENT_ORDER_ID_MAX_BYTES = 40;

const b = new LayoutBuilder('command');
export const CMD_QTY_LOTS = b.f64('qty_lots');
export const CMD_PRICE_TICKS = b.f64('price_ticks');
export const CMD_STOP_PRICE_TICKS = b.f64('stop_price_ticks');
export const CMD_EXPIRE_AT_MS = b.f64('expire_at_ms');
export const CMD_ORDER_ID = b.f64('order_id');
export const CMD_ARG = b.f64('arg');
export const CMD_REQUEST_ID = b.u32('request_id');
export const CMD_ACCOUNT = b.i32('account');
export const CMD_SYMBOL = b.i32('symbol');
export const CMD_SESSION_ID = b.u32('session_id');
export const CMD_TYPE = b.u8('type');
export const CMD_SIDE = b.u8('side');
export const CMD_ORDER_TYPE = b.u8('order_type');
export const CMD_TIME_IN_FORCE = b.u8('time_in_force');
export const CMD_FLAG = b.u8('flag');
export const CMD_CL_ORD_ID_LENGTH = b.u8('cl_ord_id_length');
export const CMD_CL_ORD_ID = b.bytes('cl_ord_id', CLIENT_ORDER_ID_MAX_BYTES);
export const CMD_SENT_AT_US = b.f64('sent_at_us');
export const CMD_TRACE = b.u8('trace');
export const CMD_TRAILING_OFFSET_TYPE = b.u8('trailing_offset_type');
export const CMD_TRAILING_OFFSET = b.i32('trailing_offset');
export const COMMAND_SLOT_BYTES = b.finish(128);
export const commandLayoutFields = b.describe();

/** ACCOUNT_STATUS flag: answer the account's portfolio sums (gross, net long, net short) instead. */
export const ACCOUNT_STATUS_PORTFOLIO = 1;
/** TRADING_STATE flag bit: also cancel every open order in scope (the kill switch: HALTED plus cancel-all). */
export const TRADING_STATE_CANCEL_ALL = 0x80;

if (CMD_QTY_LOTS !== 0 || CMD_REQUEST_ID !== 48 || CMD_TYPE !== 64 || CMD_CL_ORD_ID !== 70 || CMD_SENT_AT_US !== 112 || CMD_TRACE !== 120
  || CMD_TRAILING_OFFSET_TYPE !== 121 || CMD_TRAILING_OFFSET !== 124) {
  throw new Error('command layout moved: update the diagram and the version');
}
