/**
 * Writes commands into the command ring. The io thread, tests and the benchmark all go
 * through this, so the engine sees one encoding. Every method returns false when the
 * ring is full (the caller answers "busy"); nothing is overwritten. Call `publish()` once
 * per batch.
 *
 * Inputs are trusted here: validation happens before (io/validation).
 */
import { Clock, systemClock } from '../agent/clock.js';
import { RingProducer } from '../ring/ring.js';
import {
  CLIENT_ORDER_ID_MAX_BYTES, CMD_ACCOUNT, CMD_ARG, CMD_CL_ORD_ID, CMD_CL_ORD_ID_LENGTH, CMD_EXPIRE_AT_MS, CMD_FLAG,
  CMD_ORDER_ID, CMD_ORDER_TYPE, CMD_PRICE_TICKS, CMD_QTY_LOTS, CMD_REQUEST_ID, CMD_SESSION_ID, CMD_SIDE,
  CMD_SENT_AT_US, CMD_STOP_PRICE_TICKS, CMD_TRACE, CMD_SYMBOL, CMD_TIME_IN_FORCE, CMD_TYPE, COMMAND_SLOT_BYTES,
  ACCOUNT_STATUS_PORTFOLIO, CMD_TRAILING_OFFSET, CMD_TRAILING_OFFSET_TYPE, TRADING_STATE_CANCEL_ALL,
} from './command_layout.js';
import { CommandType } from './enums.js';

export interface OrderTerms {
  readonly request_id: number;
  readonly account: number;
  readonly symbol: number;
  readonly side: number;
  readonly order_type: number;
  readonly time_in_force: number;
  readonly qty_lots: number;
  readonly price_ticks: number;
  readonly stop_price_ticks: number;
  readonly expire_at_ms: number;
  readonly session_id: number;
  /** Printable ASCII, 1..40 characters. */
  readonly client_order_id: string;
  /** ExecInst bits (post-only, reduce-only); absent: none. */
  readonly exec_inst?: number;
  /** Trailing orders: TrailingOffsetType, the distance (ticks or basis points) and, stop-limit, the limit offset in ticks. */
  readonly trailing_offset_type?: number;
  readonly trailing_offset?: number;
  readonly limit_offset_ticks?: number;
}

export interface ReplaceTerms {
  readonly request_id: number;
  readonly account: number;
  readonly order_id: number;
  /** 0 keeps the current value. */
  readonly qty_lots: number;
  readonly price_ticks: number;
  readonly stop_price_ticks: number;
  readonly session_id: number;
  readonly client_order_id: string;
}

export class CommandWriter {
  private readonly producer: RingProducer;
  private readonly clock: Clock;
  /**
   * The time stamped on every command of the current batch, epoch µs. 0: the writer reads
   * its clock at the next command. A caller that has just read the time may set it (a
   * field, not a setter: no double is passed to a call), saving a clock read.
   */
  batch_us = 0;
  /** Offset of the slot written last, for traceLast (-1: none yet). */
  private last_off = -1;

  constructor(producer: RingProducer, clock: Clock = systemClock) {
    this.producer = producer;
    this.clock = clock;
  }

  newOrder(t: OrderTerms): boolean {
    return this.order(CommandType.NEW_ORDER, t);
  }

  /** Pre-trade risk dry run with the same terms as a new order. */
  check(t: OrderTerms): boolean {
    return this.order(CommandType.CHECK, t);
  }

  /**
   * A contingent order list (ContingencyType): a NEW_ORDER_LIST slot and one LIST_MEMBER
   * slot per member, claimed together (all or none, so the engine never sees part of a
   * list) and published with the batch. The members' request ids are ignored: the list
   * has one reply, to `request_id`.
   */
  newOrderList(request_id: number, account: number, contingency: number, list_client_id: string, members: readonly OrderTerms[]): boolean {
    if (!this.producer.hasCapacity(1 + members.length)) {
      this.producer.countFull();
      return false;
    }
    const off = this.begin(CommandType.NEW_ORDER_LIST, request_id);
    const r = this.producer.ring;
    r.i32[(off + CMD_ACCOUNT) >> 2] = account;
    r.u8[off + CMD_FLAG] = contingency;
    r.f64[(off + CMD_ARG) >> 3] = members.length;
    this.writeClientOrderId(off, list_client_id);
    for (const member of members) this.order(CommandType.LIST_MEMBER, { ...member, request_id, account });
    // A traced list is traced by its header, which the reply answers.
    this.last_off = off;
    return true;
  }

  /** Cancels every open member of list `list_id`. */
  cancelList(request_id: number, account: number, list_id: number): boolean {
    const off = this.begin(CommandType.CANCEL_LIST, request_id);
    if (off < 0) return false;
    const r = this.producer.ring;
    r.i32[(off + CMD_ACCOUNT) >> 2] = account;
    r.f64[(off + CMD_ORDER_ID) >> 3] = list_id;
    return true;
  }

  cancel(request_id: number, account: number, order_id: number, session_id = 0): boolean {
    const off = this.begin(CommandType.CANCEL, request_id);
    if (off < 0) return false;
    const r = this.producer.ring;
    r.i32[(off + CMD_ACCOUNT) >> 2] = account;
    r.f64[(off + CMD_ORDER_ID) >> 3] = order_id;
    r.u32[(off + CMD_SESSION_ID) >> 2] = session_id;
    return true;
  }

  replace(t: ReplaceTerms): boolean {
    const off = this.begin(CommandType.REPLACE, t.request_id);
    if (off < 0) return false;
    const r = this.producer.ring;
    r.i32[(off + CMD_ACCOUNT) >> 2] = t.account;
    r.f64[(off + CMD_ORDER_ID) >> 3] = t.order_id;
    r.f64[(off + CMD_QTY_LOTS) >> 3] = t.qty_lots;
    r.f64[(off + CMD_PRICE_TICKS) >> 3] = t.price_ticks;
    r.f64[(off + CMD_STOP_PRICE_TICKS) >> 3] = t.stop_price_ticks;
    r.u32[(off + CMD_SESSION_ID) >> 2] = t.session_id;
    this.writeClientOrderId(off, t.client_order_id);
    return true;
  }

  /** Cancels the account's open orders placed on `session_id` whose time in force is in `tif_mask` (bit 1 << tif). */
  massCancel(request_id: number, account: number, session_id: number, tif_mask: number): boolean {
    const off = this.begin(CommandType.MASS_CANCEL, request_id);
    if (off < 0) return false;
    const r = this.producer.ring;
    r.i32[(off + CMD_ACCOUNT) >> 2] = account;
    r.u32[(off + CMD_SESSION_ID) >> 2] = session_id;
    r.u8[off + CMD_FLAG] = tif_mask;
    return true;
  }

  /** account -1 = every account (the global switch). */
  killSwitch(request_id: number, account: number, engage: boolean): boolean {
    const off = this.begin(CommandType.KILL_SWITCH, request_id);
    if (off < 0) return false;
    this.producer.ring.i32[(off + CMD_ACCOUNT) >> 2] = account;
    this.producer.ring.u8[off + CMD_FLAG] = engage ? 1 : 0;
    return true;
  }

  /** account -1 = the global trading state; `trading_state` a TradingState. */
  tradingState(request_id: number, account: number, trading_state: number, cancel_all = false): boolean {
    const off = this.begin(CommandType.TRADING_STATE, request_id);
    if (off < 0) return false;
    this.producer.ring.i32[(off + CMD_ACCOUNT) >> 2] = account;
    this.producer.ring.u8[off + CMD_FLAG] = trading_state | (cancel_all ? TRADING_STATE_CANCEL_ALL : 0);
    return true;
  }

  symbolHalt(request_id: number, symbol: number, halt: boolean): boolean {
    const off = this.begin(CommandType.SYMBOL_HALT, request_id);
    if (off < 0) return false;
    this.producer.ring.i32[(off + CMD_SYMBOL) >> 2] = symbol;
    this.producer.ring.u8[off + CMD_FLAG] = halt ? 1 : 0;
    return true;
  }

  limitsSwap(request_id: number, bank: number, version: number): boolean {
    const off = this.begin(CommandType.LIMITS_SWAP, request_id);
    if (off < 0) return false;
    this.producer.ring.u8[off + CMD_FLAG] = bank;
    this.producer.ring.f64[(off + CMD_ARG) >> 3] = version;
    return true;
  }

  /** Asks for `account`'s current use of its limits; the reply carries it (reply_layout.ts). */
  accountStatus(request_id: number, account: number, portfolio = false): boolean {
    const off = this.begin(CommandType.ACCOUNT_STATUS, request_id);
    if (off < 0) return false;
    this.producer.ring.i32[(off + CMD_ACCOUNT) >> 2] = account;
    this.producer.ring.u8[off + CMD_FLAG] = portfolio ? ACCOUNT_STATUS_PORTFOLIO : 0;
    return true;
  }

  stateHash(request_id: number): boolean {
    return this.begin(CommandType.STATE_HASH, request_id) >= 0;
  }

  publish(): void {
    this.producer.publish();
    this.batch_us = 0;
  }

  /** Marks the command written last (not yet published) as traced: the engine stamps its reply with stage times. */
  traceLast(): void {
    if (this.last_off >= 0) this.producer.ring.u8[this.last_off + CMD_TRACE] = 1;
  }

  private order(type: number, t: OrderTerms): boolean {
    const off = this.begin(type, t.request_id);
    if (off < 0) return false;
    const r = this.producer.ring;
    r.f64[(off + CMD_QTY_LOTS) >> 3] = t.qty_lots;
    r.f64[(off + CMD_PRICE_TICKS) >> 3] = t.price_ticks;
    r.f64[(off + CMD_STOP_PRICE_TICKS) >> 3] = t.stop_price_ticks;
    r.f64[(off + CMD_EXPIRE_AT_MS) >> 3] = t.expire_at_ms;
    r.i32[(off + CMD_ACCOUNT) >> 2] = t.account;
    r.i32[(off + CMD_SYMBOL) >> 2] = t.symbol;
    r.u32[(off + CMD_SESSION_ID) >> 2] = t.session_id;
    r.u8[off + CMD_SIDE] = t.side;
    r.u8[off + CMD_ORDER_TYPE] = t.order_type;
    r.u8[off + CMD_TIME_IN_FORCE] = t.time_in_force;
    r.u8[off + CMD_FLAG] = t.exec_inst ?? 0;
    r.u8[off + CMD_TRAILING_OFFSET_TYPE] = t.trailing_offset_type ?? 0;
    r.i32[(off + CMD_TRAILING_OFFSET) >> 2] = t.trailing_offset ?? 0;
    r.f64[(off + CMD_ARG) >> 3] = t.limit_offset_ticks ?? 0;
    this.writeClientOrderId(off, t.client_order_id);
    return true;
  }

  /** Claims and clears a slot; -1 if the ring is full. */
  private begin(type: number, request_id: number): number {
    const off = this.producer.tryClaim();
    if (off < 0) return -1;
    const r = this.producer.ring;
    const f64 = r.f64;
    for (let k = off >> 3, end = (off + COMMAND_SLOT_BYTES) >> 3; k < end; k++) f64[k] = 0;
    r.u8[off + CMD_TYPE] = type;
    r.u32[(off + CMD_REQUEST_ID) >> 2] = request_id;
    if (this.batch_us === 0) this.batch_us = this.clock.nowUs();
    f64[(off + CMD_SENT_AT_US) >> 3] = this.batch_us;
    this.last_off = off;
    return off;
  }

  private writeClientOrderId(off: number, id: string): void {
    const length = id.length;
    if (length > CLIENT_ORDER_ID_MAX_BYTES) throw new RangeError('client order id longer than 40 bytes');
    const r = this.producer.ring;
    const at = off + CMD_CL_ORD_ID;
    for (let k = 0; k < length; k++) r.u8[at + k] = id.charCodeAt(k);
    r.u8[off + CMD_CL_ORD_ID_LENGTH] = length;
  }
}
