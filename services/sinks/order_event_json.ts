/**
 * Order event -> JSON, shared by every sink (NATS message bodies, Redis order hashes,
 * QuestDB rows), so the three downstream copies of an order agree field for field.
 *
 * Field names and value conventions follow the HTTP API's order JSON
 * (io/orders/order_json.ts): order ids as strings, side "buy"/"sell", order type, time in
 * force and status as the enum names ("LIMIT", "GTC", "PARTIALLY_FILLED"), decimals as
 * JSON numbers written from their exact decimal strings, null for "not applicable". On
 * top of the order's state after the event (every order event carries it), each message
 * says what happened: `type` (the subject suffix), the event `sequence` and its
 * `timestamp` (ISO-8601 UTC with microseconds).
 *
 * Subjects are the seed system's: orders.accepted, orders.rejected, orders.fill,
 * orders.cancelled (two l's, as the seed spelled it), plus orders.replaced,
 * orders.expired, orders.triggered and orders.trigger_moved (a trailing trigger followed
 * the market; the event carries the new stop_price and price) and orders.list_updated (a
 * contingent list released a held member or reduced one: the new quantity). The list
 * header (ORDER_LIST) is not an order event. Every message also says post_only,
 * reduce_only and a trailing order's offsets; `accepted` and `replaced` of a list member
 * name the list (`list_id`), `accepted` of a trimmed reduce-only order says
 * `reduce_only_trimmed`, and a list member's `accepted` and `list_updated` say `held`. Admin events (kill switch,
 * halts, limit swaps, state hashes) are not order events: `toJson` returns null for them.
 */
import { EventType, ExecInst, ExecReason, OrderStatus, OrderType, Side, TimeInForce, TrailingOffsetType, nameOf } from '../../engine/protocol/enums.js';
import { EVENT_FLAG_HELD, EVENT_FLAG_TRIMMED } from '../../engine/protocol/event_layout.js';
import { EventRecord } from '../../engine/protocol/event_record.js';
import { isRejectCode, rejectInfo } from '../../engine/protocol/reject_codes.js';
import { formatRatio, formatUnits } from '../../engine/reference/decimal.js';
import { InstrumentSpec, InstrumentTable } from '../../engine/reference/instruments.js';

export const ORDER_SUBJECT_PREFIX = 'orders';

/** Subject suffix per order event type; admin events have none. */
const SUFFIX_BY_TYPE: Readonly<Record<number, string>> = {
  [EventType.ACCEPTED]: 'accepted',
  [EventType.REJECTED]: 'rejected',
  [EventType.FILL]: 'fill',
  [EventType.CANCELED]: 'cancelled',
  [EventType.REPLACED]: 'replaced',
  [EventType.EXPIRED]: 'expired',
  [EventType.TRIGGERED]: 'triggered',
  [EventType.TRIGGER_MOVED]: 'trigger_moved',
  [EventType.LIST_UPDATED]: 'list_updated',
};

export type OrderEventType = 'accepted' | 'rejected' | 'fill' | 'cancelled' | 'replaced' | 'expired' | 'triggered' | 'trigger_moved' | 'list_updated';

export interface OrderEventJson {
  readonly type: OrderEventType;
  readonly sequence: number;
  readonly timestamp: string;
  readonly order_id: string;
  readonly client_order_id: string;
  readonly account: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly order_type: string;
  readonly time_in_force: string;
  readonly status: string;
  readonly quantity: number;
  readonly price: number | null;
  readonly stop_price: number | null;
  readonly filled_quantity: number;
  readonly remaining_quantity: number;
  readonly average_fill_price: number | null;
  readonly last_fill_quantity: number | null;
  readonly last_fill_price: number | null;
  readonly triggered: boolean;
  readonly expire_time: string | null;
  readonly orig_order_id: string | null;
  readonly reject_code: number | null;
  readonly reject_name: string | null;
  readonly reject_reason: string | null;
  readonly exec_reason: string | null;
  /** ExecInst (FIX 18), on every order event. */
  readonly post_only: boolean;
  readonly reduce_only: boolean;
  /** Trailing orders' terms, as GET /orders/:id shows them; null otherwise. */
  readonly trailing_offset: number | null;
  readonly trailing_offset_type: string | null;
  readonly limit_offset: number | null;
  /**
   * The contingent list, on the events that carry it: `accepted` and `replaced` of a list
   * member. Absent on the others (a fill does not say; join on order_id), so a Redis order
   * hash keeps the value its `accepted` wrote.
   */
  readonly list_id?: string;
  /** `accepted` of a reduce-only order trimmed to the position (quantity is below what was sent). */
  readonly reduce_only_trimmed?: true;
  /** `accepted` and `list_updated` of a list member: true while it is held (waits for its parent). */
  readonly held?: boolean;
}

export function isOrderEvent(type: number): boolean {
  return SUFFIX_BY_TYPE[type] !== undefined;
}

export function subjectOf(type: number): string | null {
  const suffix = SUFFIX_BY_TYPE[type];
  return suffix === undefined ? null : `${ORDER_SUBJECT_PREFIX}.${suffix}`;
}

/** ISO-8601 UTC with microseconds, from epoch microseconds. */
export function isoFromMicros(us: number): string {
  const ms = Math.floor(us / 1000);
  const micros = us - ms * 1000;
  return `${new Date(ms).toISOString().slice(0, -1)}${String(micros).padStart(3, '0')}Z`;
}

export class OrderEventMapper {
  readonly instruments: InstrumentTable;

  constructor(instruments: readonly InstrumentSpec[], private readonly account_names: readonly string[]) {
    this.instruments = new InstrumentTable(instruments);
    if (account_names.length === 0) throw new Error('the event mapper needs the account names');
  }

  get account_count(): number {
    return this.account_names.length;
  }

  accountName(index: number): string {
    const name = this.account_names[index];
    if (name === undefined) throw new Error(`event names account ${index}, which is not in the account table`);
    return name;
  }

  /** The event as JSON, or null for events that are not about one order. */
  toJson(e: EventRecord): OrderEventJson | null {
    const type = SUFFIX_BY_TYPE[e.type] as OrderEventType | undefined;
    if (type === undefined) return null;
    const instrument = this.instruments.at(e.symbol);
    const lots = (units: number) => Number(formatUnits(units, instrument.lot));
    const ticks = (units: number) => Number(formatUnits(units, instrument.tick));
    const reject = e.reject_code !== 0 && isRejectCode(e.reject_code) ? rejectInfo(e.reject_code) : null;
    const json: OrderEventJson = {
      type,
      sequence: e.seq,
      timestamp: isoFromMicros(e.ts_us),
      order_id: String(e.order_id),
      client_order_id: e.client_order_id,
      account: this.accountName(e.account),
      symbol: instrument.spec.symbol,
      side: e.side === Side.BUY ? 'buy' : 'sell',
      order_type: String(nameOf(OrderType, e.order_type) ?? e.order_type),
      time_in_force: String(nameOf(TimeInForce, e.time_in_force) ?? e.time_in_force),
      status: String(nameOf(OrderStatus, e.status) ?? e.status),
      quantity: lots(e.qty_lots),
      price: e.price_ticks > 0 ? ticks(e.price_ticks) : null,
      stop_price: e.stop_price_ticks > 0 ? ticks(e.stop_price_ticks) : null,
      filled_quantity: lots(e.filled_qty_lots),
      remaining_quantity: isOpen(e.status) ? lots(e.qty_lots - e.filled_qty_lots) : 0,
      average_fill_price: e.filled_qty_lots > 0 ? Number(formatRatio(e.fill_notional, e.filled_qty_lots, instrument.tick, 8)) : null,
      last_fill_quantity: e.last_fill_qty_lots > 0 ? lots(e.last_fill_qty_lots) : null,
      last_fill_price: e.last_fill_price_ticks > 0 ? ticks(e.last_fill_price_ticks) : null,
      triggered: e.triggered !== 0,
      expire_time: e.expire_at_ms > 0 ? new Date(e.expire_at_ms).toISOString() : null,
      orig_order_id: e.orig_order_id > 0 ? String(e.orig_order_id) : null,
      reject_code: reject === null ? (e.reject_code !== 0 ? e.reject_code : null) : reject.code,
      reject_name: reject === null ? null : reject.name,
      reject_reason: reject === null ? null : reject.reason,
      exec_reason: e.reason !== ExecReason.NONE ? String(nameOf(ExecReason, e.reason) ?? e.reason) : null,
      post_only: (e.exec_inst & ExecInst.POST_ONLY) !== 0,
      reduce_only: (e.exec_inst & ExecInst.REDUCE_ONLY) !== 0,
      ...trailingTerms(e, ticks),
    };
    return { ...json, ...listAndAcceptanceFacts(e) };
  }
}

/** A trailing order's offsets, rendered as io/orders/order_json.ts renders them. */
function trailingTerms(e: EventRecord, ticks: (units: number) => number)
  : Pick<OrderEventJson, 'trailing_offset' | 'trailing_offset_type' | 'limit_offset'> {
  if (e.trailing_offset_type === 0) return { trailing_offset: null, trailing_offset_type: null, limit_offset: null };
  return {
    trailing_offset: e.trailing_offset_type === TrailingOffsetType.PRICE ? ticks(e.trailing_offset) : e.trailing_offset,
    trailing_offset_type: String(nameOf(TrailingOffsetType, e.trailing_offset_type) ?? e.trailing_offset_type),
    // A fired trailing stop-limit works as LIMIT and keeps its limit offset.
    limit_offset: e.order_type === OrderType.TRAILING_STOP_LIMIT || e.order_type === OrderType.LIMIT ? ticks(e.limit_offset_ticks) : null,
  };
}

/** What only some events carry: the list id (ACCEPTED, REPLACED), held (ACCEPTED, LIST_UPDATED), trimmed (ACCEPTED). */
function listAndAcceptanceFacts(e: EventRecord): Pick<OrderEventJson, 'list_id' | 'reduce_only_trimmed' | 'held'> {
  const facts: { list_id?: string; reduce_only_trimmed?: true; held?: boolean } = {};
  if ((e.type === EventType.ACCEPTED || e.type === EventType.REPLACED) && e.arg > 0) facts.list_id = String(e.arg);
  if (e.type === EventType.ACCEPTED && (e.flag & EVENT_FLAG_TRIMMED) !== 0) facts.reduce_only_trimmed = true;
  if ((e.type === EventType.ACCEPTED && e.arg > 0) || e.type === EventType.LIST_UPDATED) facts.held = (e.flag & EVENT_FLAG_HELD) !== 0;
  return facts;
}

function isOpen(status: number): boolean {
  return status === OrderStatus.ACCEPTED || status === OrderStatus.PARTIALLY_FILLED || status === OrderStatus.NEW;
}
