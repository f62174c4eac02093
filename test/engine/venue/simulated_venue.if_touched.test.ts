/**
 * Market-if-touched and limit-if-touched orders in the embedded simulated venue, through the
 * engine, with scripted marks: the mirror of the stop tests in simulated_venue.test.ts. A buy
 * if-touched order fires when the last price falls to its trigger, a sell when it rises to it.
 */
import t from 'tap';
import { EventType, OrderStatus, OrderType } from '../../../engine/protocol/enums.js';
import { stateHash } from '../../../engine/state/state_hash.js';
import { EngineHarness } from '../../support/engine_harness.js';

const BTC = 0;

function withMarket(): EngineHarness {
  const h = new EngineHarness();
  h.setMarket('BTCUSDT', { bid: '44999', ask: '45001', last: '45000' });
  return h;
}

function position(h: EngineHarness, account = 'alice'): number {
  return h.state.book.position_lots[h.state.book.cell(h.account(account), BTC)];
}

t.test('a buy market-if-touched order waits through a rise and fires when the last price falls to its trigger', (t) => {
  const h = withMarket();
  const placed = h.order({ type: 'MARKET_IF_TOUCHED', stop: '44900', qty: '0.5' });
  const id = placed.reply.order_id;
  t.same(placed.events.map((e) => [e.type, e.order_type, e.stop_price_ticks, e.ref_price_ticks]),
    [[EventType.ACCEPTED, OrderType.MARKET_IF_TOUCHED, 4490000, 4490000]], 'rests untriggered, valued at its trigger');
  t.same(h.setMarket('BTCUSDT', { bid: '45199', ask: '45201', last: '45200' }), [], 'a rise (which would fire a buy stop) does nothing');
  t.same(h.setMarket('BTCUSDT', { bid: '44899', ask: '44901', last: '44900.01' }), [], 'one tick above the trigger: not yet');
  const events = h.setMarket('BTCUSDT', { bid: '44898', ask: '44899', last: '44900' });
  t.same(events.map((e) => [e.type, e.order_id, e.order_type, e.triggered, e.status, e.stop_price_ticks]), [
    [EventType.TRIGGERED, id, OrderType.MARKET, 1, OrderStatus.ACCEPTED, 4490000],
    [EventType.FILL, id, OrderType.MARKET, 1, OrderStatus.FILLED, 4490000],
  ], 'fires, then fills as a market order; the trigger stays on the order');
  t.equal(events[0].ref_price_ticks, 4489900, 'a fired market-if-touched order is valued at the touch');
  t.equal(events[1].last_fill_price_ticks, 4489900, 'filled at the ask');
  t.equal(position(h), 5000);
  t.end();
});

t.test('a sell market-if-touched order fires when the last price rises to its trigger, not on a fall', (t) => {
  const h = withMarket();
  const id = h.order({ side: 'sell', type: 'MARKET_IF_TOUCHED', stop: '45100', qty: '0.5' }).reply.order_id;
  t.same(h.setMarket('BTCUSDT', { bid: '44800', ask: '44802', last: '44801' }), [], 'a fall (which would fire a sell stop) does nothing');
  const events = h.setMarket('BTCUSDT', { bid: '45102', ask: '45104', last: '45100' });
  t.same(events.map((e) => [e.type, e.order_id, e.status, e.last_fill_price_ticks]), [
    [EventType.TRIGGERED, id, OrderStatus.ACCEPTED, 0],
    [EventType.FILL, id, OrderStatus.FILLED, 4510200],
  ], 'fills at the bid');
  t.equal(position(h), -5000);
  t.end();
});

t.test('a limit-if-touched order fires into a resting limit that fills once the touch reaches its price', (t) => {
  const h = withMarket();
  const id = h.order({ type: 'LIMIT_IF_TOUCHED', stop: '44900', price: '44895', qty: '1' }).reply.order_id;
  const fired = h.setMarket('BTCUSDT', { bid: '44890', ask: '44897', last: '44900' });
  t.same(fired.map((e) => [e.type, e.order_type, e.status, e.price_ticks]), [[EventType.TRIGGERED, OrderType.LIMIT, OrderStatus.ACCEPTED, 4489500]],
    'the ask is above its limit: it rests as a limit');
  t.equal(fired[0].ref_price_ticks, 4489500, 'valued at its limit');
  const fill = h.setMarket('BTCUSDT', { bid: '44890', ask: '44894', last: '44894' });
  t.same(fill.map((e) => [e.type, e.order_id, e.status, e.last_fill_price_ticks]), [[EventType.FILL, id, OrderStatus.FILLED, 4489400]]);
  t.end();
});

t.test('an if-touched order whose trigger is already touched at entry fires at once', (t) => {
  const h = withMarket();
  const buy = h.order({ type: 'MARKET_IF_TOUCHED', stop: '45010', qty: '0.1' });
  t.same(buy.events.map((e) => e.type), [EventType.ACCEPTED, EventType.TRIGGERED, EventType.FILL], 'a buy with its trigger above the last');
  const sell = h.order({ side: 'sell', type: 'LIMIT_IF_TOUCHED', stop: '44990', price: '44999', qty: '0.1' });
  t.same(sell.events.map((e) => [e.type, e.order_type]), [
    [EventType.ACCEPTED, OrderType.LIMIT_IF_TOUCHED], [EventType.TRIGGERED, OrderType.LIMIT], [EventType.FILL, OrderType.LIMIT],
  ], 'a sell with its trigger below the last, whose limit the bid reaches');
  t.end();
});

t.test('stops and if-touched orders of both sides share two trigger queues and each fires on its own move', (t) => {
  const h = withMarket();
  const buy_stop = h.order({ type: 'STOP', stop: '45100', qty: '0.1' }).reply.order_id;
  const sell_mit = h.order({ account: 'bob', side: 'sell', type: 'MARKET_IF_TOUCHED', stop: '45050', qty: '0.1' }).reply.order_id;
  const sell_stop = h.order({ side: 'sell', type: 'STOP', stop: '44900', qty: '0.1' }).reply.order_id;
  const buy_mit = h.order({ account: 'bob', type: 'MARKET_IF_TOUCHED', stop: '44950', qty: '0.1' }).reply.order_id;
  const rise = h.setMarket('BTCUSDT', { bid: '45099', ask: '45101', last: '45100' });
  t.same(rise.filter((e) => e.type === EventType.TRIGGERED).map((e) => e.order_id), [sell_mit, buy_stop],
    'a rise through both fires the sell if-touched order (lower trigger) first, then the buy stop');
  const fall = h.setMarket('BTCUSDT', { bid: '44899', ask: '44901', last: '44900' });
  t.same(fall.filter((e) => e.type === EventType.TRIGGERED).map((e) => e.order_id), [buy_mit, sell_stop],
    'a fall through both fires the buy if-touched order (higher trigger) first, then the sell stop');
  t.end();
});

t.test('a replace moves an untriggered if-touched order\'s trigger, and the new one is what fires', (t) => {
  const h = withMarket();
  const id = h.order({ type: 'MARKET_IF_TOUCHED', stop: '44900', qty: '0.5' }).reply.order_id;
  const replaced = h.replace(id, { stop: '44800' });
  const new_id = replaced.reply.order_id;
  t.same(replaced.events.map((e) => [e.type, e.order_type, e.stop_price_ticks, e.price_ticks]),
    [[EventType.REPLACED, OrderType.MARKET_IF_TOUCHED, 4480000, 0]]);
  t.same(h.setMarket('BTCUSDT', { bid: '44899', ask: '44901', last: '44900' }), [], 'the old trigger no longer fires');
  const fired = h.setMarket('BTCUSDT', { bid: '44799', ask: '44801', last: '44800' });
  t.same(fired.map((e) => [e.type, e.order_id]), [[EventType.TRIGGERED, new_id], [EventType.FILL, new_id]]);
  t.end();
});

t.test('after recovery an if-touched order is queued on the right side again and fires on the same move', (t) => {
  const h = withMarket();
  const buy = h.order({ type: 'MARKET_IF_TOUCHED', stop: '44900', qty: '0.5' }).reply.order_id;
  const sell = h.order({ side: 'sell', type: 'LIMIT_IF_TOUCHED', stop: '45100', price: '45090', qty: '0.5' }).reply.order_id;
  const replayed = h.replayState();
  t.equal(stateHash(replayed), stateHash(h.state), 'the journal rebuilds the same state');
  const recovered = new EngineHarness({ state: replayed });
  t.same(recovered.setMarket('BTCUSDT', { bid: '45199', ask: '45201', last: '45200' }).filter((e) => e.type === EventType.TRIGGERED)
    .map((e) => e.order_id), [sell], 'a rise fires only the sell');
  t.same(recovered.setMarket('BTCUSDT', { bid: '44899', ask: '44901', last: '44900' }).filter((e) => e.type === EventType.TRIGGERED)
    .map((e) => e.order_id), [buy], 'a fall fires only the buy');
  t.end();
});
