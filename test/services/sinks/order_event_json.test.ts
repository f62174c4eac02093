/** The event -> JSON mapping every sink shares: names, exact decimals, subjects, admin events skipped. */
import t from 'tap';
import { EventType, ExecInst, ExecReason, OrderStatus, OrderType, Side, TimeInForce, TrailingOffsetType } from '../../../engine/protocol/enums.js';
import { EVENT_FLAG_HELD, EVENT_FLAG_TRIMMED } from '../../../engine/protocol/event_layout.js';
import { EventRecord } from '../../../engine/protocol/event_record.js';
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import { DEMO_INSTRUMENTS } from '../../../engine/reference/instruments.js';
import { isoFromMicros, OrderEventMapper, subjectOf } from '../../../services/sinks/order_event_json.js';

const mapper = new OrderEventMapper(DEMO_INSTRUMENTS, ['alice', 'bob']);

function event(overrides: Partial<EventRecord>): EventRecord {
  return {
    seq: 17, ts_us: Date.UTC(2026, 0, 5, 12, 0, 0, 123) * 1000 + 456, type: EventType.ACCEPTED, order_id: 9, orig_order_id: 0,
    account: 1, symbol: 0, session_id: 0, side: Side.SELL, order_type: OrderType.LIMIT, time_in_force: TimeInForce.GTC,
    status: OrderStatus.ACCEPTED, reason: 0, reject_code: 0, triggered: 0, flag: 0, exec_inst: 0, trailing_offset_type: 0, trailing_offset: 0, limit_offset_ticks: 0, qty_lots: 15_000, price_ticks: 4_500_012,
    stop_price_ticks: 0, filled_qty_lots: 0, fill_notional: 0, last_fill_qty_lots: 0, last_fill_price_ticks: 0, expire_at_ms: 0,
    ref_price_ticks: 4_500_012, arg: 0, content_hash: 0, client_order_id: 'cl-1', ...overrides,
  };
}

t.test('an accepted order maps to names and exact decimals', async (t) => {
  t.same(mapper.toJson(event({})), {
    type: 'accepted', sequence: 17, timestamp: '2026-01-05T12:00:00.123456Z', order_id: '9', client_order_id: 'cl-1',
    account: 'bob', symbol: 'BTCUSDT', side: 'sell', order_type: 'LIMIT', time_in_force: 'GTC', status: 'ACCEPTED',
    quantity: 1.5, price: 45000.12, stop_price: null, filled_quantity: 0, remaining_quantity: 1.5, average_fill_price: null,
    last_fill_quantity: null, last_fill_price: null, triggered: false, expire_time: null, orig_order_id: null,
    reject_code: null, reject_name: null, reject_reason: null, exec_reason: null,
    post_only: false, reduce_only: false, trailing_offset: null, trailing_offset_type: null, limit_offset: null,
  });
});

t.test('instructions, trailing terms, lists and trimming reach the sinks', async (t) => {
  const trimmed = mapper.toJson(event({ exec_inst: ExecInst.REDUCE_ONLY, flag: EVENT_FLAG_TRIMMED }))!;
  t.equal(trimmed.reduce_only, true);
  t.equal(trimmed.post_only, false);
  t.equal(trimmed.reduce_only_trimmed, true, 'a reduce-only order trimmed to the position says so on accepted');
  t.notOk('list_id' in trimmed, 'an order in no list names none');
  t.notOk('held' in trimmed);
  const post = mapper.toJson(event({ type: EventType.FILL, exec_inst: ExecInst.POST_ONLY, flag: EVENT_FLAG_TRIMMED }))!;
  t.equal(post.post_only, true);
  t.notOk('reduce_only_trimmed' in post, 'only accepted carries the trimmed flag');

  const member = mapper.toJson(event({ arg: 41, flag: EVENT_FLAG_HELD }))!;
  t.equal(member.list_id, '41', 'accepted names the list');
  t.equal(member.held, true, 'a held member says so');
  const replaced = mapper.toJson(event({ type: EventType.REPLACED, order_id: 10, orig_order_id: 9, arg: 41 }))!;
  t.equal(replaced.list_id, '41', 'a replaced member keeps its list');
  const released = mapper.toJson(event({ type: EventType.LIST_UPDATED, arg: 0, flag: 0 }))!;
  t.equal(released.held, false, 'list_updated says the member is released');
  const fill = mapper.toJson(event({ type: EventType.FILL, arg: 0 }))!;
  t.notOk('list_id' in fill, 'a fill does not say (Redis keeps what accepted wrote)');

  const by_price = mapper.toJson(event({
    order_type: OrderType.TRAILING_STOP_LIMIT, trailing_offset_type: TrailingOffsetType.PRICE, trailing_offset: 150, limit_offset_ticks: 20,
  }))!;
  t.same([by_price.trailing_offset, by_price.trailing_offset_type, by_price.limit_offset], [1.5, 'PRICE', 0.2]);
  const by_bps = mapper.toJson(event({ order_type: OrderType.TRAILING_STOP, trailing_offset_type: TrailingOffsetType.BASIS_POINTS, trailing_offset: 25 }))!;
  t.same([by_bps.trailing_offset, by_bps.trailing_offset_type, by_bps.limit_offset], [25, 'BASIS_POINTS', null]);
});

t.test('a partial fill carries the fill and the exact average price', async (t) => {
  const json = mapper.toJson(event({
    type: EventType.FILL, status: OrderStatus.PARTIALLY_FILLED, filled_qty_lots: 3, fill_notional: 4_500_010 + 2 * 4_500_011,
    last_fill_qty_lots: 2, last_fill_price_ticks: 4_500_011,
  }))!;
  t.equal(json.type, 'fill');
  t.equal(json.filled_quantity, 0.0003);
  t.equal(json.remaining_quantity, 1.4997);
  t.equal(json.average_fill_price, 45000.1066666666, '(45000.10 + 2 * 45000.11) / 3, truncated 8 digits below the tick');
  t.equal(json.last_fill_quantity, 0.0002);
  t.equal(json.last_fill_price, 45000.11);
});

t.test('rejects, cancels and replaces say why and what they replaced', async (t) => {
  const rejected = mapper.toJson(event({ type: EventType.REJECTED, status: OrderStatus.REJECTED, reject_code: RejectCode.CREDIT_LIMIT }))!;
  t.equal(rejected.reject_code, 404);
  t.equal(rejected.reject_name, 'CREDIT_LIMIT');
  t.match(rejected.reject_reason, /credit limit/);
  t.equal(rejected.remaining_quantity, 0, 'a final order has nothing left');
  const canceled = mapper.toJson(event({ type: EventType.CANCELED, status: OrderStatus.CANCELED, reason: ExecReason.KILL_SWITCH }))!;
  t.equal(canceled.type, 'cancelled', 'the seed spelled it with two l\'s');
  t.equal(canceled.exec_reason, 'KILL_SWITCH');
  const replaced = mapper.toJson(event({ type: EventType.REPLACED, order_id: 10, orig_order_id: 9 }))!;
  t.equal(replaced.orig_order_id, '9');
  const market = mapper.toJson(event({ order_type: OrderType.MARKET, price_ticks: 0 }))!;
  t.equal(market.price, null, 'a market order has no price');
});

t.test('subjects are the seed\'s; admin events have none and map to null', async (t) => {
  t.same([EventType.ACCEPTED, EventType.REJECTED, EventType.FILL, EventType.CANCELED, EventType.REPLACED, EventType.EXPIRED, EventType.TRIGGERED]
    .map(subjectOf), ['orders.accepted', 'orders.rejected', 'orders.fill', 'orders.cancelled', 'orders.replaced', 'orders.expired', 'orders.triggered']);
  t.equal(subjectOf(EventType.LIST_UPDATED), 'orders.list_updated', 'a list released or reduced a member: the order\'s new quantity');
  for (const type of [EventType.KILL_SWITCH, EventType.SYMBOL_HALT, EventType.LIMITS_SWAPPED, EventType.STATE_HASH, EventType.ORDER_LIST]) {
    t.equal(subjectOf(type), null);
    t.equal(mapper.toJson(event({ type, account: -1 })), null);
  }
});

t.test('timestamps keep their microseconds', async (t) => {
  t.equal(isoFromMicros(1_767_614_400_000_001), '2026-01-05T12:00:00.000001Z');
  t.equal(isoFromMicros(1_767_614_400_999_999), '2026-01-05T12:00:00.999999Z');
});
