/**
 * Execution in the embedded simulated venue, through the engine: fills at the touch with
 * the touch's size, resting orders, time in force, stops and halts.
 */
import t from 'tap';
import { EventType, ExecReason, OrderStatus, OrderType } from '../../../engine/protocol/enums.js';
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import { EventRecord } from '../../../engine/protocol/event_record.js';
import { EngineHarness } from '../../support/engine_harness.js';

const BTC = 0;

function withMarket(): EngineHarness {
  const h = new EngineHarness();
  h.setMarket('BTCUSDT', { bid: '44999', ask: '45001', last: '45000' });
  return h;
}

/** [type, order_id, status, last fill qty, last fill price, cumulative filled] for compact comparison. */
function summary(events: readonly EventRecord[]): (number | string)[][] {
  return events.map((e) => [e.type, e.order_id, e.status, e.last_fill_qty_lots, e.last_fill_price_ticks, e.filled_qty_lots]);
}

function position(h: EngineHarness, account = 'alice'): number {
  return h.state.book.position_lots[h.state.book.cell(h.account(account), BTC)];
}

t.test('a marketable order fills up to the touch size and the rest fills on later ticks until FILLED', (t) => {
  const h = withMarket();
  h.setMarket('BTCUSDT', { bid: '44999', ask: '45001', last: '45000', ask_size: '0.3' });
  const placed = h.order({ qty: '1', price: '45010' });
  const id = placed.reply.order_id;
  t.same(summary(placed.events), [
    [EventType.ACCEPTED, id, OrderStatus.ACCEPTED, 0, 0, 0],
    [EventType.FILL, id, OrderStatus.PARTIALLY_FILLED, 3000, 4500100, 3000],
  ], 'fills the 0.3 shown at the ask, at the ask');
  const second = h.setMarket('BTCUSDT', { bid: '44999', ask: '45002', last: '45000', ask_size: '0.3' });
  t.same(summary(second), [[EventType.FILL, id, OrderStatus.PARTIALLY_FILLED, 3000, 4500200, 6000]], 'the next tick refills the touch');
  const third = h.setMarket('BTCUSDT', { bid: '44999', ask: '45005', last: '45000', ask_size: '2' });
  t.same(summary(third), [[EventType.FILL, id, OrderStatus.FILLED, 4000, 4500500, 10000]], 'and the last 0.4 completes it');
  const notional = 3000 * 4500100 + 3000 * 4500200 + 4000 * 4500500;
  t.equal(third[0].fill_notional, notional, 'fill notional is the exact sum of qty * price');
  t.equal(third[0].fill_notional / third[0].filled_qty_lots, 4500290, 'average fill price 45002.90, exactly');
  t.equal(position(h), 10000);
  t.equal(h.state.slotOf(id), -1, 'a FILLED order leaves the book');
  t.end();
});

t.test('a tick above the limit does not fill a resting buy; the tick that crosses it does, at the ask', (t) => {
  const h = withMarket();
  const id = h.order({ qty: '1', price: '44900' }).reply.order_id;
  t.same(h.setMarket('BTCUSDT', { bid: '44899', ask: '44900.01', last: '44900' }), [], 'one tick above the limit');
  const fills = h.setMarket('BTCUSDT', { bid: '44880', ask: '44890', last: '44890' });
  t.same(summary(fills), [[EventType.FILL, id, OrderStatus.FILLED, 10000, 4489000, 10000]], 'a better price fills at the ask');
  t.end();
});

t.test('a resting sell fills when the bid rises to it, at the bid', (t) => {
  const h = withMarket();
  const id = h.order({ side: 'sell', qty: '0.5', price: '45100' }).reply.order_id;
  t.same(h.setMarket('BTCUSDT', { bid: '45099.99', ask: '45102', last: '45100' }), []);
  const fills = h.setMarket('BTCUSDT', { bid: '45100', ask: '45102', last: '45100' });
  t.same(summary(fills), [[EventType.FILL, id, OrderStatus.FILLED, 5000, 4510000, 5000]]);
  t.equal(position(h), -5000);
  t.end();
});

t.test('touch liquidity is shared best price first, then first in first out', (t) => {
  const h = withMarket();
  const low = h.order({ qty: '0.5', price: '44990' }).reply.order_id;
  const early = h.order({ qty: '0.5', price: '44995' }).reply.order_id;
  const late = h.order({ account: 'bob', qty: '0.5', price: '44995' }).reply.order_id;
  const fills = h.setMarket('BTCUSDT', { bid: '44970', ask: '44980', last: '44980', ask_size: '0.8' });
  t.same(fills.map((e) => [e.order_id, e.last_fill_qty_lots, e.status]), [
    [early, 5000, OrderStatus.FILLED],
    [late, 3000, OrderStatus.PARTIALLY_FILLED],
  ], 'the higher bids fill first, the earlier of two equal bids before the later');
  t.ok(h.state.slotOf(low) >= 0, 'nothing was left for the lowest bid');
  const next = h.setMarket('BTCUSDT', { bid: '44970', ask: '44980', last: '44980', ask_size: '1' });
  t.same(next.map((e) => [e.order_id, e.last_fill_qty_lots, e.status]), [
    [late, 2000, OrderStatus.FILLED],
    [low, 5000, OrderStatus.FILLED],
  ]);
  t.end();
});

t.test('an IOC order fills what it can and its remainder expires', (t) => {
  const h = withMarket();
  h.setMarket('BTCUSDT', { bid: '44999', ask: '45001', last: '45000', ask_size: '0.4' });
  const outcome = h.order({ qty: '1', price: '45010', tif: 'IOC' });
  const id = outcome.reply.order_id;
  t.same(outcome.events.map((e) => [e.type, e.status, e.filled_qty_lots, e.reason]), [
    [EventType.ACCEPTED, OrderStatus.ACCEPTED, 0, 0],
    [EventType.FILL, OrderStatus.PARTIALLY_FILLED, 4000, 0],
    [EventType.EXPIRED, OrderStatus.EXPIRED, 4000, ExecReason.IOC_REMAINDER],
  ]);
  t.equal(h.state.slotOf(id), -1, 'nothing rests');
  t.equal(position(h), 4000);
  const nothing = h.order({ qty: '1', price: '44000', tif: 'IOC' });
  t.same(nothing.events.map((e) => [e.type, e.reason]), [[EventType.ACCEPTED, 0], [EventType.EXPIRED, ExecReason.IOC_REMAINDER]],
    'an IOC that cannot trade at all expires at once');
  t.end();
});

t.test('a FOK order that cannot fill completely expires with no fill; one that can fills at once', (t) => {
  const h = withMarket();
  h.setMarket('BTCUSDT', { bid: '44999', ask: '45001', last: '45000', ask_size: '0.5' });
  const short = h.order({ qty: '1', price: '45010', tif: 'FOK' });
  t.same(short.events.map((e) => [e.type, e.status, e.filled_qty_lots, e.reason]), [
    [EventType.ACCEPTED, OrderStatus.ACCEPTED, 0, 0],
    [EventType.EXPIRED, OrderStatus.EXPIRED, 0, ExecReason.FOK_NOT_FILLABLE],
  ]);
  t.equal(position(h), 0, 'no partial fill happened');
  const priced_out = h.order({ qty: '0.1', price: '45000', tif: 'FOK' });
  t.equal(priced_out.events.at(-1)?.reason, ExecReason.FOK_NOT_FILLABLE, 'a limit below the ask cannot fill');
  const fits = h.order({ qty: '0.5', price: '45010', tif: 'FOK' });
  t.same(fits.events.map((e) => [e.type, e.status]), [[EventType.ACCEPTED, OrderStatus.ACCEPTED], [EventType.FILL, OrderStatus.FILLED]]);
  t.equal(position(h), 5000);
  t.end();
});

t.test('GTD and DAY orders expire at expire_at_ms, keeping what they filled', (t) => {
  const h = withMarket();
  const now_ms = h.clock.now_us / 1000;
  h.setMarket('BTCUSDT', { bid: '44999', ask: '45001', last: '45000', ask_size: '0.2' });
  const gtd = h.order({ tif: 'GTD', qty: '1', price: '45001', expire_at_ms: now_ms + 5_000 }).reply.order_id;
  const day = h.order({ tif: 'DAY', qty: '1', price: '44000', expire_at_ms: now_ms + 8_000 }).reply.order_id;
  const gtc = h.order({ tif: 'GTC', qty: '1', price: '44000' }).reply.order_id;
  t.same(h.advanceMs(4_999), [], 'nothing expires early');
  const first = h.advanceMs(1);
  t.same(first.map((e) => [e.type, e.order_id, e.status, e.reason, e.filled_qty_lots]),
    [[EventType.EXPIRED, gtd, OrderStatus.EXPIRED, ExecReason.TIME_IN_FORCE_EXPIRED, 2000]], 'the GTD order at its time, still 0.2 filled');
  const second = h.advanceMs(3_000);
  t.same(second.map((e) => [e.type, e.order_id, e.status]), [[EventType.EXPIRED, day, OrderStatus.EXPIRED]], 'the DAY order at its own');
  t.same(h.advanceMs(86_400_000), [], 'a GTC order never expires');
  t.ok(h.state.slotOf(gtc) >= 0);
  t.equal(position(h), 2000);
  t.end();
});

t.test('a replaced GTD order expires once, as the new order, at the original time', (t) => {
  const h = withMarket();
  const now_ms = h.clock.now_us / 1000;
  const first = h.order({ tif: 'GTD', price: '44000', expire_at_ms: now_ms + 1_000 }).reply.order_id;
  const second = h.replace(first, { price: '44100' }).reply.order_id;
  const expired = h.advanceMs(1_000);
  t.same(expired.map((e) => [e.type, e.order_id]), [[EventType.EXPIRED, second]]);
  t.end();
});

t.test('a canceled GTD order does not expire later', (t) => {
  const h = withMarket();
  const now_ms = h.clock.now_us / 1000;
  const id = h.order({ tif: 'GTD', price: '44000', expire_at_ms: now_ms + 1_000 }).reply.order_id;
  h.cancel(id);
  t.same(h.advanceMs(2_000), []);
  t.end();
});

t.test('a buy stop triggers when the last price reaches it and then fills as a market order', (t) => {
  const h = withMarket();
  const id = h.order({ type: 'STOP', stop: '45100', qty: '0.5' }).reply.order_id;
  t.same(h.setMarket('BTCUSDT', { bid: '45098', ask: '45101', last: '45099.99' }), [], 'not yet: the ask is above the stop but last is not');
  const events = h.setMarket('BTCUSDT', { bid: '45099', ask: '45102', last: '45100' });
  t.same(events.map((e) => [e.type, e.order_id, e.order_type, e.triggered, e.status]), [
    [EventType.TRIGGERED, id, OrderType.MARKET, 1, OrderStatus.ACCEPTED],
    [EventType.FILL, id, OrderType.MARKET, 1, OrderStatus.FILLED],
  ]);
  t.equal(events[0].ref_price_ticks, 4510200, 'a triggered stop is valued at the touch');
  t.equal(events[1].last_fill_price_ticks, 4510200, 'filled at the ask');
  t.end();
});

t.test('a sell stop triggers when the last price falls to it', (t) => {
  const h = withMarket();
  const id = h.order({ side: 'sell', type: 'STOP', stop: '44900', qty: '0.5' }).reply.order_id;
  t.same(h.setMarket('BTCUSDT', { bid: '44899', ask: '44902', last: '44900.01' }), []);
  const events = h.setMarket('BTCUSDT', { bid: '44898', ask: '44902', last: '44900' });
  t.same(events.map((e) => [e.type, e.order_id, e.status, e.last_fill_price_ticks]), [
    [EventType.TRIGGERED, id, OrderStatus.ACCEPTED, 0],
    [EventType.FILL, id, OrderStatus.FILLED, 4489800],
  ]);
  t.equal(position(h), -5000);
  t.end();
});

t.test('a stop-limit triggers into a resting limit that fills once the touch reaches its price', (t) => {
  const h = withMarket();
  const id = h.order({ type: 'STOP_LIMIT', stop: '45100', price: '45105', qty: '1' }).reply.order_id;
  const trigger = h.setMarket('BTCUSDT', { bid: '45100', ask: '45110', last: '45100' });
  t.same(trigger.map((e) => [e.type, e.order_type, e.status]), [[EventType.TRIGGERED, OrderType.LIMIT, OrderStatus.ACCEPTED]],
    'the ask is above the limit: it rests');
  t.equal(trigger[0].ref_price_ticks, 4510500, 'valued at its limit');
  const fill = h.setMarket('BTCUSDT', { bid: '45100', ask: '45104', last: '45104' });
  t.same(summary(fill), [[EventType.FILL, id, OrderStatus.FILLED, 10000, 4510400, 10000]]);
  t.end();
});

t.test('a stop whose trigger is already reached at entry triggers and trades at once', (t) => {
  const h = withMarket();
  const outcome = h.order({ type: 'STOP', stop: '44990', qty: '0.1' });
  t.same(outcome.events.map((e) => e.type), [EventType.ACCEPTED, EventType.TRIGGERED, EventType.FILL]);
  t.end();
});

t.test('a market order with a time in force rests for its remainder and fills on the next tick', (t) => {
  const h = withMarket();
  h.setMarket('BTCUSDT', { bid: '44999', ask: '45001', last: '45000', ask_size: '0.3' });
  const placed = h.order({ type: 'MARKET', tif: 'GTC', qty: '1' });
  const id = placed.reply.order_id;
  t.same(placed.events.map((e) => [e.type, e.status]), [[EventType.ACCEPTED, OrderStatus.ACCEPTED], [EventType.FILL, OrderStatus.PARTIALLY_FILLED]]);
  const next = h.setMarket('BTCUSDT', { bid: '45099', ask: '45200', last: '45100', ask_size: '5' });
  t.same(summary(next), [[EventType.FILL, id, OrderStatus.FILLED, 7000, 4520000, 10000]], 'at whatever the ask is');
  t.end();
});

t.test('a halted symbol does not execute, and resting orders and stops trade once it resumes', (t) => {
  const h = withMarket();
  const limit = h.order({ qty: '0.5', price: '44900' }).reply.order_id;
  const stop = h.order({ account: 'bob', side: 'sell', type: 'STOP', stop: '44800', qty: '0.2' }).reply.order_id;
  h.halt('BTCUSDT', true);
  t.same(h.setMarket('BTCUSDT', { bid: '44700', ask: '44750', last: '44750' }), [], 'a crossing tick while halted trades nothing');
  t.equal(h.order({ account: 'bob', qty: '0.1', price: '44750' }).reply.code, RejectCode.SYMBOL_HALTED);
  const resumed = h.halt('BTCUSDT', false);
  t.same(resumed.events.map((e) => [e.type, e.order_id, e.status]), [
    [EventType.SYMBOL_HALT, 0, 0],
    [EventType.TRIGGERED, stop, OrderStatus.ACCEPTED],
    [EventType.FILL, stop, OrderStatus.FILLED],
    [EventType.FILL, limit, OrderStatus.FILLED],
  ], 'on resume the stop triggers and both orders trade against the current marks');
  t.equal(resumed.events[3].last_fill_price_ticks, 4475000);
  t.equal(resumed.events[2].last_fill_price_ticks, 4470000);
  t.end();
});

t.test('an IOC order on a symbol with no ask expires without trading', (t) => {
  const h = withMarket();
  h.setMarket('BTCUSDT', { bid: '44999', ask: '45001', last: '45000', ask_size: '0' });
  const outcome = h.order({ type: 'MARKET', tif: 'IOC', qty: '0.1' });
  t.same(outcome.events.map((e) => [e.type, e.reason]), [[EventType.ACCEPTED, 0], [EventType.EXPIRED, ExecReason.IOC_REMAINDER]]);
  t.end();
});
