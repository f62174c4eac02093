import t from 'tap';
import { ContingencyType, OrderType, Side, TimeInForce, TrailingOffsetType } from '../../../engine/protocol/enums.js';
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import type { Decimal } from '../../../engine/reference/decimal.js';
import {
  ClientMessageInput, decodeClientMessages, encodeClientBatch, NewOrderInput, NewTrailingOrderInput, Refusal, ReplaceInput, TemplateId,
} from '../../../io/binary/index.js';

const px: Decimal = { mantissa: 10n, scale: 0 };
const base: NewOrderInput = {
  seq: 1, side: Side.BUY, order_type: OrderType.LIMIT, time_in_force: TimeInForce.DAY, expire_time_ms: 0,
  quantity: { mantissa: 1n, scale: 0 }, price: px, stop_price: undefined, symbol: 'BTCUSDT', client_order_id: 'c1',
};

function codeOf(m: Partial<NewOrderInput>): number {
  const [item] = decodeClientMessages(encodeClientBatch([{ template_id: TemplateId.NEW_ORDER, ...base, ...m }]));
  return item instanceof Refusal ? item.code : RejectCode.OK;
}

t.test('each order type carries exactly the prices it needs', (t) => {
  const { MARKET, LIMIT, STOP, STOP_LIMIT, MARKET_IF_TOUCHED, LIMIT_IF_TOUCHED, TRAILING_STOP, TRAILING_STOP_LIMIT } = OrderType;
  const cases: [string, Partial<NewOrderInput>, number][] = [
    ['market without prices', { order_type: MARKET, price: undefined }, RejectCode.OK],
    ['market with a price', { order_type: MARKET, price: px }, RejectCode.INVALID_PRICE],
    ['market with a stop price', { order_type: MARKET, price: undefined, stop_price: px }, RejectCode.INVALID_PRICE],
    ['limit with a price', { order_type: LIMIT }, RejectCode.OK],
    ['limit without a price', { order_type: LIMIT, price: undefined }, RejectCode.PRICE_REQUIRED],
    ['limit with a stop price', { order_type: LIMIT, stop_price: px }, RejectCode.INVALID_PRICE],
    ['stop with a stop price', { order_type: STOP, price: undefined, stop_price: px }, RejectCode.OK],
    ['stop without a stop price', { order_type: STOP, price: undefined }, RejectCode.STOP_PRICE_REQUIRED],
    ['stop with a price', { order_type: STOP, stop_price: px }, RejectCode.INVALID_PRICE],
    ['stop-limit with both', { order_type: STOP_LIMIT, stop_price: px }, RejectCode.OK],
    ['stop-limit without a price', { order_type: STOP_LIMIT, price: undefined, stop_price: px }, RejectCode.PRICE_REQUIRED],
    ['stop-limit without a stop price', { order_type: STOP_LIMIT }, RejectCode.STOP_PRICE_REQUIRED],
    ['market-if-touched with a stop (trigger) price', { order_type: MARKET_IF_TOUCHED, price: undefined, stop_price: px }, RejectCode.OK],
    ['market-if-touched without one', { order_type: MARKET_IF_TOUCHED, price: undefined }, RejectCode.TRIGGER_PRICE_REQUIRED],
    ['market-if-touched with a price', { order_type: MARKET_IF_TOUCHED, stop_price: px }, RejectCode.INVALID_PRICE],
    ['limit-if-touched with both', { order_type: LIMIT_IF_TOUCHED, stop_price: px }, RejectCode.OK],
    ['limit-if-touched without a price', { order_type: LIMIT_IF_TOUCHED, price: undefined, stop_price: px }, RejectCode.PRICE_REQUIRED],
    ['limit-if-touched without a trigger', { order_type: LIMIT_IF_TOUCHED }, RejectCode.TRIGGER_PRICE_REQUIRED],
    ['a trailing stop on NewOrder, which has no room for its trail', { order_type: TRAILING_STOP, price: undefined }, RejectCode.INVALID_ORDER_TYPE],
    ['a trailing stop-limit on NewOrder', { order_type: TRAILING_STOP_LIMIT, price: undefined }, RejectCode.INVALID_ORDER_TYPE],
  ];
  for (const [name, m, code] of cases) t.equal(codeOf(m), code, name);
  t.end();
});

t.test('only GTD orders carry an expire time, and GTD orders must', (t) => {
  t.equal(codeOf({ time_in_force: TimeInForce.GTD, expire_time_ms: 1_767_614_400_000 }), RejectCode.OK);
  t.equal(codeOf({ time_in_force: TimeInForce.GTD, expire_time_ms: 0 }), RejectCode.INVALID_EXPIRE_TIME);
  t.equal(codeOf({ time_in_force: TimeInForce.IOC, expire_time_ms: 1 }), RejectCode.INVALID_EXPIRE_TIME);
  t.end();
});

t.test('post-only (exec_inst 1) is allowed on LIMIT orders that may rest, refused elsewhere, and an unknown bit is refused', (t) => {
  const { MARKET, LIMIT, STOP, STOP_LIMIT } = OrderType;
  t.equal(codeOf({ exec_inst: 1 }), RejectCode.OK, 'limit DAY');
  t.equal(codeOf({ exec_inst: 1, time_in_force: TimeInForce.GTC }), RejectCode.OK, 'limit GTC');
  t.equal(codeOf({ exec_inst: 1, time_in_force: TimeInForce.IOC }), RejectCode.POST_ONLY_NOT_ALLOWED, 'limit IOC');
  t.equal(codeOf({ exec_inst: 1, time_in_force: TimeInForce.FOK }), RejectCode.POST_ONLY_NOT_ALLOWED, 'limit FOK');
  t.equal(codeOf({ exec_inst: 1, order_type: MARKET, price: undefined }), RejectCode.POST_ONLY_NOT_ALLOWED, 'market');
  t.equal(codeOf({ exec_inst: 1, order_type: STOP, price: undefined, stop_price: px }), RejectCode.POST_ONLY_NOT_ALLOWED, 'stop');
  t.equal(codeOf({ exec_inst: 1, order_type: STOP_LIMIT, stop_price: px }), RejectCode.POST_ONLY_NOT_ALLOWED, 'stop-limit');
  t.equal(codeOf({ exec_inst: 0, order_type: MARKET, price: undefined }), RejectCode.OK, 'no instruction on a market order');
  t.equal(codeOf({ order_type: LIMIT }), RejectCode.OK, 'left out when encoding: none');
  // The encoder refuses a bit outside the set, so write the byte by hand (offset 15 of NewOrder).
  const bytes = encodeClientBatch([{ template_id: TemplateId.NEW_ORDER, ...base }]);
  bytes[15] = 0x80;
  const [item] = decodeClientMessages(bytes);
  t.ok(item instanceof Refusal, 'a bit this version does not define is refused, not ignored');
  if (item instanceof Refusal) {
    t.equal(item.code, RejectCode.INVALID_FIELD_TYPE);
    t.match(item.reason, /exec_inst must be a sum of 1=POST_ONLY, 2=REDUCE_ONLY/);
  }
  const [decoded] = decodeClientMessages(encodeClientBatch([{ template_id: TemplateId.NEW_ORDER, ...base, exec_inst: 1 }]));
  t.match(decoded, { template_id: TemplateId.NEW_ORDER, exec_inst: 1 }, 'decoded as sent');
  t.equal(codeOf({ exec_inst: 2, order_type: MARKET, price: undefined, time_in_force: TimeInForce.IOC }), RejectCode.OK, 'reduce-only (2) on a market IOC');
  t.equal(codeOf({ exec_inst: 3 }), RejectCode.OK, 'both bits on a resting limit');
  t.equal(codeOf({ exec_inst: 3, time_in_force: TimeInForce.IOC }), RejectCode.POST_ONLY_NOT_ALLOWED, 'both on an IOC: the post-only rule still holds');
  t.end();
});

t.test('a replace that changes nothing is NOTHING_TO_AMEND; any one change is enough', (t) => {
  const replace = (m: Partial<ReplaceInput>) => {
    const input = { template_id: TemplateId.REPLACE, seq: 1, orig_order_id: 5, client_order_id: 'c2', ...m };
    const [item] = decodeClientMessages(encodeClientBatch([input]));
    return item instanceof Refusal ? item.code : RejectCode.OK;
  };
  t.equal(replace({}), RejectCode.NOTHING_TO_AMEND);
  t.equal(replace({ quantity: { mantissa: 2n, scale: 0 } }), RejectCode.OK);
  t.equal(replace({ price: px }), RejectCode.OK);
  t.equal(replace({ stop_price: px }), RejectCode.OK);
  t.end();
});

t.test('NewTrailingOrder carries a trailing type with its trail, a limit offset on stop-limits only, whole basis points', (t) => {
  const trailing: NewTrailingOrderInput = {
    seq: 1, side: Side.SELL, order_type: OrderType.TRAILING_STOP, time_in_force: TimeInForce.GTC, expire_time_ms: 0,
    quantity: { mantissa: 1n, scale: 0 }, trigger_price: undefined, trailing_offset: { mantissa: 5n, scale: 0 },
    limit_offset: undefined, trailing_offset_type: TrailingOffsetType.PRICE, symbol: 'BTCUSDT', client_order_id: 't1',
  };
  const code = (m: Partial<NewTrailingOrderInput>) => {
    const [item] = decodeClientMessages(encodeClientBatch([{ template_id: TemplateId.NEW_TRAILING_ORDER, ...trailing, ...m }]));
    return item instanceof Refusal ? item.code : RejectCode.OK;
  };
  t.equal(code({}), RejectCode.OK, 'a trailing stop by a price offset');
  t.equal(code({ trigger_price: px }), RejectCode.OK, 'with a start trigger');
  t.equal(code({ order_type: OrderType.TRAILING_STOP_LIMIT, limit_offset: { mantissa: 0n, scale: 0 } }), RejectCode.OK, 'a stop-limit, limit offset 0');
  t.equal(code({ order_type: OrderType.TRAILING_STOP_LIMIT }), RejectCode.LIMIT_OFFSET_REQUIRED, 'a stop-limit without a limit offset');
  t.equal(code({ limit_offset: px }), RejectCode.INVALID_TRAILING_OFFSET, 'a limit offset on a trailing stop');
  t.equal(code({ order_type: OrderType.STOP }), RejectCode.INVALID_ORDER_TYPE, 'a type that does not trail');
  t.equal(code({ trailing_offset_type: TrailingOffsetType.BASIS_POINTS, trailing_offset: { mantissa: 250n, scale: 1 } }), RejectCode.OK, '25.0 bps is whole');
  t.equal(code({ trailing_offset_type: TrailingOffsetType.BASIS_POINTS, trailing_offset: { mantissa: 125n, scale: 1 } }), RejectCode.INVALID_TRAILING_OFFSET, '12.5 bps');
  t.equal(code({ trailing_offset_type: TrailingOffsetType.BASIS_POINTS, trailing_offset: { mantissa: 10_000n, scale: 0 } }), RejectCode.INVALID_TRAILING_OFFSET, '10000 bps');
  t.equal(code({ trailing_offset_type: TrailingOffsetType.BASIS_POINTS, trailing_offset: { mantissa: 25n, scale: 0 } }), RejectCode.OK, '25 bps');
  t.equal(code({ exec_inst: 1 }), RejectCode.POST_ONLY_NOT_ALLOWED, 'post-only');
  t.equal(code({ time_in_force: TimeInForce.GTD }), RejectCode.INVALID_EXPIRE_TIME, 'GTD without an expiry');
  // The encoder refuses what the decoder would, so a zero offset is written by hand (mantissa at 42).
  const zero = encodeClientBatch([{ template_id: TemplateId.NEW_TRAILING_ORDER, ...trailing }]);
  zero.fill(0, 42, 50);
  t.match(decodeClientMessages(zero)[0], { code: RejectCode.INVALID_TRAILING_OFFSET }, 'a zero offset');
  const bytes = encodeClientBatch([{ template_id: TemplateId.NEW_TRAILING_ORDER, ...trailing }]);
  bytes[60] = 3;
  const [item] = decodeClientMessages(bytes);
  t.match(item, { code: RejectCode.INVALID_TRAILING_OFFSET, reason: /trailing_offset_type must be one of 1=PRICE, 2=BASIS_POINTS/ },
    'an offset type this version does not define (byte 60)');
  t.end();
});

t.test('ListOrder is judged as the template its type would take alone; NewOrderList takes only the sizes its kind allows', (t) => {
  const member = {
    seq: 1, side: Side.BUY, order_type: OrderType.LIMIT, time_in_force: TimeInForce.GTC, exec_inst: 0, expire_time_ms: 0,
    quantity: { mantissa: 1n, scale: 0 }, price: px, stop_price: undefined, trailing_offset: undefined, limit_offset: undefined,
    trailing_offset_type: 0, symbol: 'BTCUSDT', client_order_id: 'm1',
  };
  const code = (m: object) => {
    const [item] = decodeClientMessages(encodeClientBatch([{ template_id: TemplateId.LIST_ORDER, ...member, ...m } as ClientMessageInput]));
    return item instanceof Refusal ? item.code : RejectCode.OK;
  };
  const offset = { mantissa: 5n, scale: 0 };
  t.equal(code({}), RejectCode.OK, 'a limit');
  t.equal(code({ price: undefined }), RejectCode.PRICE_REQUIRED, 'a limit without its price, as NewOrder');
  t.equal(code({ order_type: OrderType.STOP, price: undefined }), RejectCode.STOP_PRICE_REQUIRED, 'a stop without its trigger');
  t.equal(code({ trailing_offset: offset }), RejectCode.INVALID_TRAILING_OFFSET, 'a trail on a limit');
  t.equal(code({ trailing_offset_type: TrailingOffsetType.PRICE }), RejectCode.INVALID_TRAILING_OFFSET, 'an offset type on a limit');
  const trailing = { order_type: OrderType.TRAILING_STOP, price: undefined, trailing_offset: offset, trailing_offset_type: TrailingOffsetType.PRICE };
  t.equal(code(trailing), RejectCode.OK, 'a trailing stop with its trail');
  t.equal(code({ ...trailing, stop_price: px }), RejectCode.OK, 'and a start trigger in stop_price');
  t.equal(code({ ...trailing, price: px }), RejectCode.INVALID_PRICE, 'a trailing stop with a price');
  t.equal(code({ ...trailing, trailing_offset: undefined }), RejectCode.INVALID_TRAILING_OFFSET, 'a trailing stop without its trail');
  t.equal(code({ ...trailing, order_type: OrderType.TRAILING_STOP_LIMIT }), RejectCode.LIMIT_OFFSET_REQUIRED, 'a trailing stop-limit without limit_offset');
  const head = (contingency: number, member_count: number) => {
    const [item] = decodeClientMessages(encodeClientBatch([{ template_id: TemplateId.NEW_ORDER_LIST, seq: 1, contingency, member_count, list_client_id: 'l' } as ClientMessageInput]));
    return item instanceof Refusal ? item.code : RejectCode.OK;
  };
  t.same([2, 3].map((n) => head(ContingencyType.OCO, n)), [RejectCode.OK, RejectCode.INVALID_ORDER_LIST], 'OCO: 2');
  t.same([1, 2, 4, 5].map((n) => head(ContingencyType.OTO, n)), [RejectCode.INVALID_ORDER_LIST, RejectCode.OK, RejectCode.OK, RejectCode.INVALID_ORDER_LIST], 'OTO: 2 to 4');
  t.same([2, 3].map((n) => head(ContingencyType.BRACKET, n)), [RejectCode.INVALID_ORDER_LIST, RejectCode.OK], 'BRACKET: 3');
  const bad_kind = encodeClientBatch([{ template_id: TemplateId.NEW_ORDER_LIST, seq: 1, contingency: ContingencyType.OCO, member_count: 2, list_client_id: 'l' }]);
  bad_kind[12] = 5;
  t.match(decodeClientMessages(bad_kind)[0], { code: RejectCode.INVALID_ORDER_LIST, reason: /contingency must be one of/ }, 'a kind this version does not define');
  t.end();
});
