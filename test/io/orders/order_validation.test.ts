/**
 * Validation at the edge, on its own: the exact integers a valid JSON order becomes, and
 * for every way an order can be wrong, the catalogue code and a reason that names the
 * field. Clients read both, so both are pinned here; the engine trusts whatever passes.
 */
import { readFileSync } from 'node:fs';
import t from 'tap';
import { ExecInst, OrderType, Side, TimeInForce, TrailingOffsetType } from '../../../engine/protocol/enums.js';
import { RejectCode, rejectInfo } from '../../../engine/protocol/reject_codes.js';
import { DEMO_INSTRUMENTS, InstrumentTable } from '../../../engine/reference/instruments.js';
import { validateAmend, validateCancelBody, validateNewOrder } from '../../../io/orders/order_validation.js';

const instruments = new InstrumentTable(DEMO_INSTRUMENTS);
const BTC = instruments.indexOf('BTCUSDT');
const SOL = instruments.indexOf('SOLUSDT');
/** A valid limit order; cases change one thing at a time. */
const limit = { symbol: 'BTCUSDT', side: 'buy', quantity: '0.5', price: '45000.10' };

type Case = readonly [sentence: string, body: unknown, code: RejectCode, reason: RegExp];

const NEW_ORDER_REFUSALS: readonly Case[] = [
  ['a body that is not an object is malformed', [limit], RejectCode.MALFORMED_BODY, /^the body must be a JSON object$/],
  ['a null body is malformed', null, RejectCode.MALFORMED_BODY, /^the body must be a JSON object$/],
  ['an account that is not a string has the wrong type', { ...limit, account: 7 }, RejectCode.INVALID_FIELD_TYPE, /^account must be a string$/],
  ['a missing symbol is a missing field', { ...limit, symbol: undefined }, RejectCode.MISSING_FIELD, /^symbol is required$/],
  ['a symbol that is not a string has the wrong type', { ...limit, symbol: 1 }, RejectCode.INVALID_FIELD_TYPE, /^symbol must be a string$/],
  ['a symbol not traded here is unknown, and named', { ...limit, symbol: 'DOGEUSDT' }, RejectCode.UNKNOWN_SYMBOL, /^unknown symbol "DOGEUSDT"$/],
  ['a missing side is a missing field', { ...limit, side: undefined }, RejectCode.MISSING_FIELD, /^side is required$/],
  ['a side that is not a string has the wrong type', { ...limit, side: 1 }, RejectCode.INVALID_FIELD_TYPE, /^side must be a string$/],
  ['a side other than buy or sell is invalid, and quoted', { ...limit, side: 'hold' }, RejectCode.INVALID_SIDE, /^side must be "buy" or "sell", got "hold"$/],
  ['an unknown order_type is invalid and the valid ones are listed', { ...limit, order_type: 'PEG' }, RejectCode.INVALID_ORDER_TYPE, /^order_type must be one of MARKET, LIMIT, STOP, STOP_LIMIT, MARKET_IF_TOUCHED, LIMIT_IF_TOUCHED, TRAILING_STOP, TRAILING_STOP_LIMIT, got "PEG"$/],
  ['an unknown type (the seed\'s name for order_type) names the field the client sent', { ...limit, type: 'PEG' }, RejectCode.INVALID_ORDER_TYPE, /^type must be one of /],
  ['an order_type that is not a string has the wrong type', { ...limit, order_type: 2 }, RejectCode.INVALID_FIELD_TYPE, /^order_type must be a string$/],
  ['an unknown time_in_force is invalid and the valid ones are listed', { ...limit, time_in_force: 'GFD' }, RejectCode.INVALID_TIME_IN_FORCE, /^time_in_force must be one of DAY, GTC, IOC, FOK, GTD, got "GFD"$/],
  ['a missing quantity is a missing field', { ...limit, quantity: undefined }, RejectCode.MISSING_FIELD, /^quantity is required$/],
  ['a zero quantity is invalid', { ...limit, quantity: 0 }, RejectCode.INVALID_QUANTITY, /^quantity must be greater than zero$/],
  ['a negative quantity is invalid', { ...limit, quantity: '-1' }, RejectCode.INVALID_QUANTITY, /^quantity must be greater than zero$/],
  ['a quantity that is not a decimal is invalid, and quoted', { ...limit, quantity: 'abc' }, RejectCode.INVALID_QUANTITY, /^quantity is not a decimal number: "abc"$/],
  ['a quantity that is not finite is invalid', { ...limit, quantity: Infinity }, RejectCode.INVALID_QUANTITY, /^quantity must be a finite number$/],
  ['a quantity that is neither a number nor a string has the wrong type', { ...limit, quantity: true }, RejectCode.INVALID_FIELD_TYPE, /^quantity must be a number or a decimal string$/],
  ['a quantity off the lot grid is refused with the lot size', { ...limit, quantity: '0.00005' }, RejectCode.OFF_LOT, /^quantity is not a multiple of the lot size 0\.0001$/],
  ['a quantity beyond exact integers is out of range', { ...limit, quantity: '12345678901234567890' }, RejectCode.VALUE_OUT_OF_RANGE, /^quantity is too large$/],
  ['a limit order without a price needs one', { ...limit, order_type: 'LIMIT', price: undefined }, RejectCode.PRICE_REQUIRED, /^LIMIT orders need a price$/],
  ['a stop-limit order without a price needs one', { ...limit, order_type: 'STOP_LIMIT', price: null, stop_price: '44000' }, RejectCode.PRICE_REQUIRED, /^STOP_LIMIT orders need a price$/],
  ['a zero price is invalid', { ...limit, price: 0 }, RejectCode.INVALID_PRICE, /^price must be greater than zero$/],
  ['a price that is not a decimal is invalid, and quoted', { ...limit, price: '45k' }, RejectCode.INVALID_PRICE, /^price is not a decimal number: "45k"$/],
  ['a price that is neither a number nor a string has the wrong type', { ...limit, price: [45000] }, RejectCode.INVALID_FIELD_TYPE, /^price must be a number or a decimal string$/],
  ['a price off the tick grid is refused with the tick size', { ...limit, price: '45000.001' }, RejectCode.OFF_TICK, /^price is not a multiple of the tick size 0\.01$/],
  ['a price beyond exact integers is out of range', { ...limit, price: '123456789012345678901' }, RejectCode.VALUE_OUT_OF_RANGE, /^price is too large$/],
  ['a market order\'s price is ignored but still has to be a number', { ...limit, order_type: 'MARKET', price: 'x' }, RejectCode.INVALID_PRICE, /^price is not a decimal number: "x"$/],
  ['a stop order without a stop_price needs one', { ...limit, order_type: 'STOP', price: undefined }, RejectCode.STOP_PRICE_REQUIRED, /^STOP orders need a stop_price \(or trigger_price\)$/],
  ['a stop_price off the tick grid is refused under its own name', { ...limit, order_type: 'STOP_LIMIT', stop_price: '44000.005' }, RejectCode.OFF_TICK, /^stop_price is not a multiple of the tick size 0\.01$/],
  ['a stop_price on a limit order is refused', { ...limit, stop_price: '44000' }, RejectCode.INVALID_PRICE, /^stop_price is only allowed on STOP, STOP_LIMIT, MARKET_IF_TOUCHED and LIMIT_IF_TOUCHED orders, not LIMIT$/],
  ['a trigger_price on a market order is refused', { ...limit, order_type: 'MARKET', trigger_price: '44000' }, RejectCode.INVALID_PRICE, /^trigger_price is only allowed on .*, not MARKET$/],
  ['a stop order may take trigger_price or stop_price, not both', { ...limit, order_type: 'STOP', stop_price: '44000', trigger_price: '44000' }, RejectCode.INVALID_PRICE, /^send trigger_price or stop_price, not both$/],
  ['a market-if-touched order without a trigger_price needs one', { ...limit, order_type: 'MARKET_IF_TOUCHED', price: undefined }, RejectCode.TRIGGER_PRICE_REQUIRED, /^MARKET_IF_TOUCHED orders need a trigger_price$/],
  ['an if-touched order does not take the stop_price name', { ...limit, order_type: 'MARKET_IF_TOUCHED', stop_price: '44000' }, RejectCode.INVALID_PRICE, /^MARKET_IF_TOUCHED orders take trigger_price, not stop_price$/],
  ['a limit-if-touched order without a price needs one', { ...limit, order_type: 'LIMIT_IF_TOUCHED', price: undefined, trigger_price: '44000' }, RejectCode.PRICE_REQUIRED, /^LIMIT_IF_TOUCHED orders need a price$/],
  ['a trigger_price off the tick grid is refused under its own name', { ...limit, order_type: 'LIMIT_IF_TOUCHED', trigger_price: '44000.005' }, RejectCode.OFF_TICK, /^trigger_price is not a multiple of the tick size 0\.01$/],
  ['a trailing stop without a trailing_offset needs one', { ...limit, order_type: 'TRAILING_STOP', price: undefined }, RejectCode.TRAILING_OFFSET_REQUIRED, /^TRAILING_STOP orders need a trailing_offset$/],
  ['a zero trailing_offset is invalid', { ...limit, order_type: 'TRAILING_STOP', trailing_offset: 0 }, RejectCode.INVALID_TRAILING_OFFSET, /^trailing_offset must be greater than zero$/],
  ['a trailing_offset off the tick grid is refused with the tick size', { ...limit, order_type: 'TRAILING_STOP', trailing_offset: '10.001' }, RejectCode.OFF_TICK, /^trailing_offset is not a multiple of the tick size 0\.01$/],
  ['an unknown trailing_offset_type is invalid and the valid ones are listed', { ...limit, order_type: 'TRAILING_STOP', trailing_offset: 10, trailing_offset_type: 'TICKS' }, RejectCode.INVALID_TRAILING_OFFSET, /^trailing_offset_type must be one of PRICE, BASIS_POINTS, got "TICKS"$/],
  ['a basis-point trailing_offset must be whole basis points below 10000', { ...limit, order_type: 'TRAILING_STOP', trailing_offset: 12.5, trailing_offset_type: 'BASIS_POINTS' }, RejectCode.INVALID_TRAILING_OFFSET, /^trailing_offset in BASIS_POINTS must be a whole number from 1 to 9999, got 12\.5$/],
  ['a basis-point trailing_offset of 10000 would put a sell\'s trigger at zero', { ...limit, order_type: 'TRAILING_STOP', trailing_offset: '10000', trailing_offset_type: 'BASIS_POINTS' }, RejectCode.INVALID_TRAILING_OFFSET, /from 1 to 9999, got "10000"$/],
  ['a trailing stop-limit without a limit_offset needs one', { ...limit, price: undefined, order_type: 'TRAILING_STOP_LIMIT', trailing_offset: 10 }, RejectCode.LIMIT_OFFSET_REQUIRED, /^TRAILING_STOP_LIMIT orders need a limit_offset$/],
  ['a trailing stop-limit refuses a price: its limit follows the trigger', { ...limit, order_type: 'TRAILING_STOP_LIMIT', trailing_offset: 10, limit_offset: 1 }, RejectCode.LIMIT_OFFSET_REQUIRED, /^TRAILING_STOP_LIMIT orders take limit_offset .*, not price$/],
  ['a trailing_offset on a stop order is refused, naming the field', { ...limit, order_type: 'STOP', stop_price: '44000', trailing_offset: 10 }, RejectCode.INVALID_TRAILING_OFFSET, /^trailing_offset is only allowed on trailing orders, not STOP$/],
  ['a limit_offset on a trailing stop (not stop-limit) is refused', { ...limit, price: undefined, order_type: 'TRAILING_STOP', trailing_offset: 10, limit_offset: 1 }, RejectCode.INVALID_TRAILING_OFFSET, /^limit_offset is only allowed on TRAILING_STOP_LIMIT orders$/],
  ['a GTD order without expire_time needs one', { ...limit, time_in_force: 'GTD' }, RejectCode.INVALID_EXPIRE_TIME, /^GTD orders need expire_time$/],
  ['a GTD expire_time that is not a time is invalid', { ...limit, time_in_force: 'GTD', expire_time: 'tomorrow' }, RejectCode.INVALID_EXPIRE_TIME, /^expire_time is not a valid time$/],
  ['a GTD expire_time of zero is invalid', { ...limit, time_in_force: 'GTD', expire_time: 0 }, RejectCode.INVALID_EXPIRE_TIME, /^expire_time is not a valid time$/],
  ['a GTD expire_time of the wrong type says which types it takes', { ...limit, time_in_force: 'GTD', expire_time: {} }, RejectCode.INVALID_FIELD_TYPE, /^expire_time must be epoch milliseconds or an ISO-8601 string$/],
  ['an expire_time on an order that is not GTD is refused', { ...limit, expire_time: 1_893_553_445_000 }, RejectCode.INVALID_EXPIRE_TIME, /^expire_time is only allowed with time_in_force GTD$/],
  ['a client_order_id that is not a string has the wrong type', { ...limit, client_order_id: 12 }, RejectCode.INVALID_FIELD_TYPE, /^client_order_id must be a string$/],
  ['a client_order_id of 41 characters is too long', { ...limit, client_order_id: 'x'.repeat(41) }, RejectCode.INVALID_CLIENT_ORDER_ID, /^client_order_id must be 1 to 40 printable ASCII characters without spaces$/],
  ['a post_only that is not a boolean has the wrong type', { ...limit, post_only: 'yes' }, RejectCode.INVALID_FIELD_TYPE, /^post_only must be true or false$/],
  ['post_only on a market order is refused, naming the type', { ...limit, order_type: 'MARKET', post_only: true }, RejectCode.POST_ONLY_NOT_ALLOWED, /^post_only is only allowed on LIMIT orders .*, not MARKET GTC$/],
  ['post_only on a stop-limit order is refused', { ...limit, order_type: 'STOP_LIMIT', stop_price: '44000', post_only: true }, RejectCode.POST_ONLY_NOT_ALLOWED, /not STOP_LIMIT GTC$/],
  ['post_only on an IOC limit order is refused, naming the time in force', { ...limit, time_in_force: 'IOC', post_only: true }, RejectCode.POST_ONLY_NOT_ALLOWED, /not LIMIT IOC$/],
  ['a client_order_id with a space is invalid', { ...limit, client_order_id: 'my order' }, RejectCode.INVALID_CLIENT_ORDER_ID, /without spaces$/],
  ['an empty client_order_id is invalid', { ...limit, client_order_id: '' }, RejectCode.INVALID_CLIENT_ORDER_ID, /^client_order_id must be 1 to 40/],
  ['a field this API does not know (iceberg_quantity) refuses the order rather than being ignored, and is named', { ...limit, iceberg_quantity: 1 }, RejectCode.UNKNOWN_FIELD, /^unknown field "iceberg_quantity" in an order: its fields are account, symbol, side, quantity, price, order_type, type, time_in_force, client_order_id, stop_price, expire_time, post_only, reduce_only, trigger_price, trailing_offset, trailing_offset_type, limit_offset; nothing was done$/],
  ['an unknown field is refused the same way, even when false', { ...limit, hidden: false }, RejectCode.UNKNOWN_FIELD, /^unknown field "hidden" in an order/],
  ['a reduce_only that is not a boolean has the wrong type', { ...limit, reduce_only: 1 }, RejectCode.INVALID_FIELD_TYPE, /^reduce_only must be true or false$/],
  ['an unknown field is refused before the fields it sits beside are checked', { ...limit, side: 'hold', postOnly: 1 }, RejectCode.UNKNOWN_FIELD, /^unknown field "postOnly"/],
  ['field names are case-sensitive: Price is not price', { ...limit, Price: '1' }, RejectCode.UNKNOWN_FIELD, /^unknown field "Price"/],
  ['a __proto__ key in the JSON is an unknown field, not a prototype', JSON.parse('{"symbol":"BTCUSDT","side":"buy","quantity":"0.5","price":"45000.10","__proto__":{"x":1}}'), RejectCode.UNKNOWN_FIELD, /^unknown field "__proto__"/],
  ['a huge unknown field name is cut in the reason', { ...limit, ['k'.repeat(1000)]: 1 }, RejectCode.UNKNOWN_FIELD, /^unknown field "k{64}\.\.\." in an order/],
];

const AMEND_REFUSALS: readonly Case[] = [
  ['an amend body that is not an object is malformed', 'price=1', RejectCode.MALFORMED_BODY, /^the body must be a JSON object$/],
  ['an amend that changes nothing is refused and says what it may change', { client_order_id: 'r-1' }, RejectCode.NOTHING_TO_AMEND, /^send quantity, price or trigger_price \(stop_price\) to amend$/],
  ['an amended quantity is checked against the order\'s own symbol (SOLUSDT lots are 0.01)', { quantity: '0.001' }, RejectCode.OFF_LOT, /^quantity is not a multiple of the lot size 0\.01$/],
  ['an amended zero quantity is invalid', { quantity: '0' }, RejectCode.INVALID_QUANTITY, /^quantity must be greater than zero$/],
  ['an amended price off the tick grid is refused', { price: '100.001' }, RejectCode.OFF_TICK, /^price is not a multiple of the tick size 0\.01$/],
  ['an amended stop_price that is not a decimal is invalid', { stop_price: 'soon' }, RejectCode.INVALID_PRICE, /^stop_price is not a decimal number: "soon"$/],
  ['an amend\'s client_order_id follows the same rule as a new order\'s', { price: '101', client_order_id: 'a b' }, RejectCode.INVALID_CLIENT_ORDER_ID, /without spaces$/],
  ['an amend with a field it does not take (side) is refused and the field named', { price: '101', side: 'sell' }, RejectCode.UNKNOWN_FIELD, /^unknown field "side" in a replace: its fields are quantity, price, stop_price, trigger_price, client_order_id; nothing was done$/],
  ['an amend with an unknown field is refused even when it changes nothing else', { time_in_force: 'IOC' }, RejectCode.UNKNOWN_FIELD, /^unknown field "time_in_force" in a replace/],
];

const CANCEL_REFUSALS: readonly Case[] = [
  ['a cancel body that is not JSON is malformed', '{', RejectCode.MALFORMED_BODY, /^the body is not valid JSON$/],
  ['a cancel body that is not an object is malformed', '[1]', RejectCode.MALFORMED_BODY, /^the body must be a JSON object$/],
  ['a cancel body with any field is refused (the order is in the path), and the field named', '{"client_order_id":"c-9"}', RejectCode.UNKNOWN_FIELD, /^unknown field "client_order_id" in a cancel: it takes no fields; nothing was done$/],
];

for (const [sentence, body, code, reason] of NEW_ORDER_REFUSALS) {
  t.test(sentence, async (t) => {
    const validation = validateNewOrder(body, instruments);
    t.equal(validation.ok, false, 'refused');
    if (validation.ok) return;
    t.equal(rejectInfo(validation.refusal.code).name, rejectInfo(code).name, 'with its code');
    t.match(validation.refusal.reason, reason, 'and a reason that names the field');
  });
}

for (const [sentence, body, code, reason] of AMEND_REFUSALS) {
  t.test(sentence, async (t) => {
    const validation = validateAmend(body, SOL, instruments);
    t.equal(validation.ok, false, 'refused');
    if (validation.ok) return;
    t.equal(rejectInfo(validation.refusal.code).name, rejectInfo(code).name, 'with its code');
    t.match(validation.refusal.reason, reason, 'and a reason that names the field');
  });
}

for (const [sentence, body, code, reason] of CANCEL_REFUSALS) {
  t.test(sentence, async (t) => {
    const validation = validateCancelBody(Buffer.from(body as string));
    t.equal(validation.ok, false, 'refused');
    if (validation.ok) return;
    t.equal(rejectInfo(validation.refusal.code).name, rejectInfo(code).name, 'with its code');
    t.match(validation.refusal.reason, reason, 'and a reason that names the field');
  });
}

t.test('a cancel takes no body, an empty one or an empty object', async (t) => {
  t.same(validateCancelBody(null), { ok: true, value: null });
  t.same(validateCancelBody(Buffer.alloc(0)), { ok: true, value: null });
  t.same(validateCancelBody(Buffer.from('{}')), { ok: true, value: null });
});

t.test('every field the validator reads is in the closed set, so no documented field is refused', async (t) => {
  const full = {
    account: 'alice', symbol: 'BTCUSDT', side: 'buy', quantity: '0.5', price: '45000.10', order_type: 'STOP_LIMIT',
    time_in_force: 'GTD', client_order_id: 'c-full', stop_price: '44000', expire_time: 1_893_553_445_000,
    post_only: false, reduce_only: true,
  };
  t.match(validateNewOrder(full, instruments), { ok: true });
  t.match(validateNewOrder({ symbol: 'BTCUSDT', side: 'buy', quantity: '0.5', type: 'MARKET' }, instruments), { ok: true });
  t.match(validateAmend({ quantity: '1', price: '101', stop_price: '99', client_order_id: 'r-2' }, SOL, instruments), { ok: true });
});

t.test('every refusal the validator can give is a 4xx client error and has a case above', async (t) => {
  const source = readFileSync(new URL('../../../../io/orders/order_validation.ts', import.meta.url), 'utf8');
  const used = new Set([...source.matchAll(/RejectCode\.([A-Z_]+)/g)].map((m) => m[1]));
  const covered = new Set<string>([...NEW_ORDER_REFUSALS, ...AMEND_REFUSALS, ...CANCEL_REFUSALS].map(([, , code]) => rejectInfo(code).name));
  t.ok(used.size >= 15, `the validator's codes were found in its source (${used.size})`);
  for (const name of used) {
    const info = rejectInfo(RejectCode[name as keyof typeof RejectCode]);
    t.ok(info.http_status >= 400 && info.http_status < 500, `${name} answers ${info.http_status}`);
    t.ok(covered.has(name), `${name} has a case in this file`);
  }
});

t.test('a valid limit order becomes the exact integers the engine trusts', async (t) => {
  const validation = validateNewOrder({ ...limit, account: 'alice', client_order_id: 'c-1' }, instruments);
  t.same(validation, {
    ok: true,
    value: {
      symbol: BTC, side: Side.BUY, order_type: OrderType.LIMIT, time_in_force: TimeInForce.GTC,
      qty_lots: 5000, price_ticks: 4_500_010, stop_price_ticks: 0, expire_at_ms: 0,
      client_order_id: 'c-1', account_name: 'alice', exec_inst: 0, trailing_offset_type: 0, trailing_offset: 0, limit_offset_ticks: 0,
    },
  });
});

t.test('post_only: true on a resting limit order sets the POST_ONLY instruction; false or absent sets none', async (t) => {
  for (const tif of ['GTC', 'DAY']) {
    t.match(validateNewOrder({ ...limit, time_in_force: tif, post_only: true }, instruments), { ok: true, value: { exec_inst: ExecInst.POST_ONLY } }, tif);
  }
  t.match(validateNewOrder({ ...limit, time_in_force: 'GTD', expire_time: 1_893_553_445_000, post_only: true }, instruments),
    { ok: true, value: { exec_inst: ExecInst.POST_ONLY } }, 'GTD');
  t.match(validateNewOrder({ ...limit, post_only: false }, instruments), { ok: true, value: { exec_inst: 0 } });
  t.match(validateNewOrder({ ...limit, order_type: 'MARKET', post_only: false }, instruments), { ok: true, value: { exec_inst: 0 } },
    'post_only: false is allowed on any order');
});

t.test('reduce_only: true sets the REDUCE_ONLY instruction on any order type, alone or with post_only', async (t) => {
  t.match(validateNewOrder({ ...limit, order_type: 'MARKET', time_in_force: 'IOC', reduce_only: true }, instruments),
    { ok: true, value: { exec_inst: ExecInst.REDUCE_ONLY } }, 'market IOC');
  t.match(validateNewOrder({ ...limit, order_type: 'STOP', stop_price: '44000', reduce_only: true }, instruments),
    { ok: true, value: { exec_inst: ExecInst.REDUCE_ONLY } }, 'stop (a stop-loss)');
  t.match(validateNewOrder({ ...limit, reduce_only: true, post_only: true }, instruments),
    { ok: true, value: { exec_inst: ExecInst.REDUCE_ONLY | ExecInst.POST_ONLY } }, 'both on a resting limit');
  t.match(validateNewOrder({ ...limit, reduce_only: false }, instruments), { ok: true, value: { exec_inst: 0 } });
});

t.test('numbers and decimal strings give the same integers, and names are case-insensitive', async (t) => {
  const as_strings = validateNewOrder({ symbol: 'btcusdt', side: 'SELL', type: 'limit', time_in_force: 'ioc', quantity: ' 0.5 ', price: '45000.10' }, instruments);
  const as_numbers = validateNewOrder({ symbol: 'BTCUSDT', side: 'sell', order_type: 'LIMIT', time_in_force: 'IOC', quantity: 0.5, price: 45000.1 }, instruments);
  t.same(as_strings, as_numbers);
  t.match(as_numbers, { ok: true, value: { symbol: BTC, side: Side.SELL, time_in_force: TimeInForce.IOC, qty_lots: 5000, price_ticks: 4_500_010 } });
});

t.test('an order without a type is a limit order if it has a price and a market order if not', async (t) => {
  t.match(validateNewOrder(limit, instruments), { ok: true, value: { order_type: OrderType.LIMIT } });
  t.match(validateNewOrder({ ...limit, price: undefined }, instruments), { ok: true, value: { order_type: OrderType.MARKET, price_ticks: 0 } });
  t.match(validateNewOrder({ ...limit, price: null }, instruments), { ok: true, value: { order_type: OrderType.MARKET } });
});

t.test('a market order\'s price is ignored: it does not cap the fill, so it is not sent on, even off the tick grid', async (t) => {
  t.match(validateNewOrder({ ...limit, order_type: 'MARKET', price: '45000.001' }, instruments), { ok: true, value: { price_ticks: 0 } });
});

t.test('stop orders carry their stop price, stop-limit orders both prices', async (t) => {
  t.match(validateNewOrder({ ...limit, order_type: 'STOP', price: undefined, stop_price: '44000' }, instruments), {
    ok: true, value: { order_type: OrderType.STOP, price_ticks: 0, stop_price_ticks: 4_400_000 },
  });
  t.match(validateNewOrder({ ...limit, order_type: 'STOP_LIMIT', stop_price: '44000' }, instruments), {
    ok: true, value: { order_type: OrderType.STOP_LIMIT, price_ticks: 4_500_010, stop_price_ticks: 4_400_000 },
  });
});

t.test('if-touched orders carry their trigger_price as the stop price; limit-if-touched orders their price as well', async (t) => {
  t.match(validateNewOrder({ ...limit, order_type: 'MARKET_IF_TOUCHED', price: undefined, trigger_price: '44000' }, instruments), {
    ok: true, value: { order_type: OrderType.MARKET_IF_TOUCHED, price_ticks: 0, stop_price_ticks: 4_400_000 },
  });
  t.match(validateNewOrder({ ...limit, order_type: 'LIMIT_IF_TOUCHED', trigger_price: '44000' }, instruments), {
    ok: true, value: { order_type: OrderType.LIMIT_IF_TOUCHED, price_ticks: 4_500_010, stop_price_ticks: 4_400_000 },
  });
  t.match(validateNewOrder({ ...limit, order_type: 'STOP', price: undefined, trigger_price: '44000' }, instruments), {
    ok: true, value: { order_type: OrderType.STOP, stop_price_ticks: 4_400_000 },
  }, 'a stop takes trigger_price too');
});

t.test('trailing orders carry their offset in ticks or basis points, a stop-limit its limit offset, and an optional start trigger', async (t) => {
  t.match(validateNewOrder({ ...limit, price: undefined, order_type: 'TRAILING_STOP', trailing_offset: '100.5' }, instruments), {
    ok: true, value: { order_type: OrderType.TRAILING_STOP, stop_price_ticks: 0, trailing_offset_type: TrailingOffsetType.PRICE, trailing_offset: 10_050, limit_offset_ticks: 0 },
  }, 'PRICE is the default; no trigger_price: the engine starts it from the last price');
  t.match(validateNewOrder({ ...limit, price: undefined, order_type: 'TRAILING_STOP', trailing_offset: '25', trailing_offset_type: 'basis_points', trigger_price: '44000' }, instruments), {
    ok: true, value: { stop_price_ticks: 4_400_000, trailing_offset_type: TrailingOffsetType.BASIS_POINTS, trailing_offset: 25 },
  });
  t.match(validateNewOrder({ ...limit, price: undefined, order_type: 'TRAILING_STOP_LIMIT', trailing_offset: 50, limit_offset: 0 }, instruments), {
    ok: true, value: { order_type: OrderType.TRAILING_STOP_LIMIT, price_ticks: 0, trailing_offset: 5_000, limit_offset_ticks: 0 },
  }, 'a limit offset of zero: the limit is the trigger');
  t.match(validateNewOrder({ ...limit, price: undefined, order_type: 'TRAILING_STOP_LIMIT', trailing_offset: 50, limit_offset: '2.5' }, instruments), {
    ok: true, value: { limit_offset_ticks: 250 },
  });
});

t.test('a GTD expire_time may be epoch milliseconds (number or digits) or ISO-8601, all the same instant', async (t) => {
  const expiry_ms = Date.parse('2030-01-02T03:04:05Z');
  for (const expire_time of [expiry_ms, String(expiry_ms), '2030-01-02T03:04:05Z']) {
    t.match(validateNewOrder({ ...limit, time_in_force: 'GTD', expire_time }, instruments), {
      ok: true, value: { time_in_force: TimeInForce.GTD, expire_at_ms: expiry_ms },
    }, JSON.stringify(expire_time));
  }
});

t.test('a DAY order leaves its expiry to the caller, who knows the session end', async (t) => {
  t.match(validateNewOrder({ ...limit, time_in_force: 'DAY' }, instruments), { ok: true, value: { time_in_force: TimeInForce.DAY, expire_at_ms: 0 } });
});

t.test('a client_order_id of 40 printable characters is accepted as sent', async (t) => {
  const id = '!~' + 'a'.repeat(38);
  t.match(validateNewOrder({ ...limit, client_order_id: id }, instruments), { ok: true, value: { client_order_id: id } });
});

t.test('an amend keeps what it does not send (0) and converts what it does with the order\'s symbol', async (t) => {
  t.same(validateAmend({ quantity: '2.5' }, SOL, instruments), { ok: true, value: { qty_lots: 250, price_ticks: 0, stop_price_ticks: 0, client_order_id: null } });
  t.same(validateAmend({ price: '101.5', stop_price: 99, client_order_id: 'r-1' }, SOL, instruments), {
    ok: true, value: { qty_lots: 0, price_ticks: 10_150, stop_price_ticks: 9_900, client_order_id: 'r-1' },
  });
});
