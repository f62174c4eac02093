/**
 * Trailing stops and trailing stop-limits in the embedded simulated venue, through the
 * engine, with scripted marks: the trigger follows the last price favourably (a sell's up,
 * a buy's down), never back, each move a journaled TRIGGER_MOVED event, and the order fires
 * as a stop does.
 */
import t from 'tap';
import { EventType, OrderStatus, OrderType, TrailingOffsetType } from '../../../engine/protocol/enums.js';
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import { stateHash } from '../../../engine/state/state_hash.js';
import { EngineHarness } from '../../support/engine_harness.js';

function withMarket(): EngineHarness {
  const h = new EngineHarness();
  h.setMarket('BTCUSDT', { bid: '44999', ask: '45001', last: '45000' });
  return h;
}

/** [type, trigger, limit] of each event, in ticks. */
const moves = (events: readonly { type: number; stop_price_ticks: number; price_ticks: number }[]) =>
  events.map((e) => [e.type, e.stop_price_ticks, e.price_ticks]);

t.test('a sell trailing stop starts the offset below the last, follows a rise, never a fall, and fires as a stop', (t) => {
  const h = withMarket();
  const placed = h.order({ side: 'sell', type: 'TRAILING_STOP', trail: '100', qty: '0.5' });
  const id = placed.reply.order_id;
  t.same(placed.events.map((e) => [e.type, e.stop_price_ticks, e.trailing_offset_type, e.trailing_offset, e.ref_price_ticks]),
    [[EventType.ACCEPTED, 4_490_000, TrailingOffsetType.PRICE, 10_000, 4_490_000]], 'trigger 44900: 100 below 45000, valued at it');
  t.same(moves(h.setMarket('BTCUSDT', { bid: '45049', ask: '45051', last: '45050' })), [[EventType.TRIGGER_MOVED, 4_495_000, 0]],
    'the last rises to 45050: the trigger follows to 44950');
  t.same(h.setMarket('BTCUSDT', { bid: '45019', ask: '45021', last: '45020' }), [], 'a fall does not pull it back');
  t.same(h.setMarket('BTCUSDT', { bid: '45049', ask: '45051', last: '45050' }), [], 'nor does a rise back to the high it already follows');
  const up = h.setMarket('BTCUSDT', { bid: '45099', ask: '45101', last: '45100' });
  t.same(moves(up), [[EventType.TRIGGER_MOVED, 4_500_000, 0]]);
  t.equal(up[0].ref_price_ticks, 4_500_000, 'its exposure is valued at the new trigger');
  t.same(h.setMarket('BTCUSDT', { bid: '45000.01', ask: '45002', last: '45000.01' }), [], 'one tick above the trigger: not yet');
  const fired = h.setMarket('BTCUSDT', { bid: '44998', ask: '45001', last: '45000' });
  t.same(fired.map((e) => [e.type, e.order_id, e.order_type, e.status, e.stop_price_ticks]), [
    [EventType.TRIGGERED, id, OrderType.MARKET, OrderStatus.ACCEPTED, 4_500_000],
    [EventType.FILL, id, OrderType.MARKET, OrderStatus.FILLED, 4_500_000],
  ], 'fires at its trigger and fills as a market order');
  t.equal(fired[1].last_fill_price_ticks, 4_499_800, 'at the bid');
  t.end();
});

t.test('a buy trailing stop in basis points trails a fall, rounding its trigger up onto the tick grid', (t) => {
  const h = withMarket();
  const placed = h.order({ type: 'TRAILING_STOP', trail_bps: 100, qty: '0.1' });
  t.same(placed.events.map((e) => [e.stop_price_ticks, e.trailing_offset_type, e.trailing_offset]),
    [[4_545_000, TrailingOffsetType.BASIS_POINTS, 100]], '1% above 45000');
  t.same(h.setMarket('BTCUSDT', { bid: '45099', ask: '45101', last: '45100' }), [], 'a rise does not move a buy\'s trigger');
  t.same(moves(h.setMarket('BTCUSDT', { bid: '44000', ask: '44000.02', last: '44000.01' })), [[EventType.TRIGGER_MOVED, 4_444_002, 0]],
    '1% above 44000.01 is 44440.0101, rounded up to 44440.02');
  const fired = h.setMarket('BTCUSDT', { bid: '44440', ask: '44441', last: '44440.02' });
  t.same(fired.map((e) => e.type), [EventType.TRIGGERED, EventType.FILL], 'fires when the last rises back to it');
  t.end();
});

t.test('a trailing stop-limit\'s limit price follows its trigger at the limit offset, and it fires into a resting limit', (t) => {
  const h = withMarket();
  const placed = h.order({ side: 'sell', type: 'TRAILING_STOP_LIMIT', trail: '50', limit_offset: '10', qty: '1' });
  const id = placed.reply.order_id;
  t.same(moves(placed.events), [[EventType.ACCEPTED, 4_495_000, 4_494_000]], 'trigger 44950, limit 44940');
  t.equal(placed.events[0].ref_price_ticks, 4_494_000, 'valued at its limit, as a stop-limit is');
  const moved = h.setMarket('BTCUSDT', { bid: '45099', ask: '45101', last: '45100' });
  t.same(moves(moved), [[EventType.TRIGGER_MOVED, 4_505_000, 4_504_000]], 'trigger 45050, limit 45040');
  t.equal(moved[0].ref_price_ticks, 4_504_000);
  const fired = h.setMarket('BTCUSDT', { bid: '45030', ask: '45052', last: '45050' });
  t.same(fired.map((e) => [e.type, e.order_type, e.price_ticks]), [[EventType.TRIGGERED, OrderType.LIMIT, 4_504_000]],
    'fires; the bid is below its limit, so it rests as a limit');
  const fill = h.setMarket('BTCUSDT', { bid: '45040', ask: '45052', last: '45045' });
  t.same(fill.map((e) => [e.type, e.order_id, e.status, e.last_fill_price_ticks]), [[EventType.FILL, id, OrderStatus.FILLED, 4_504_000]]);
  t.end();
});

t.test('a trigger_price sent with a trailing stop is where it starts; it trails from the next price move', (t) => {
  const h = withMarket();
  const placed = h.order({ side: 'sell', type: 'TRAILING_STOP', stop: '44800', trail: '100', qty: '0.1' });
  t.equal(placed.events[0].stop_price_ticks, 4_480_000);
  t.same(moves(h.setMarket('BTCUSDT', { bid: '44999', ask: '45001', last: '45000' })), [[EventType.TRIGGER_MOVED, 4_490_000, 0]]);
  t.end();
});

t.test('a mark update moves only the trailing triggers it reaches, each once', (t) => {
  const h = withMarket();
  const far = h.order({ side: 'sell', type: 'TRAILING_STOP', stop: '44000', trail: '100', qty: '0.1' }).reply.order_id;
  h.order({ side: 'sell', type: 'TRAILING_STOP', stop: '44990', trail: '100', qty: '0.1' });
  const also = h.order({ account: 'bob', side: 'sell', type: 'TRAILING_STOP', stop: '44500', trail: '500', qty: '0.1' }).reply.order_id;
  const events = h.setMarket('BTCUSDT', { bid: '45049', ask: '45051', last: '45050' });
  t.same(events.map((e) => [e.type, e.order_id, e.stop_price_ticks]).sort((a, b) => a[1] - b[1]), [
    [EventType.TRIGGER_MOVED, far, 4_495_000],
    [EventType.TRIGGER_MOVED, also, 4_455_000],
  ], 'the order already trailing within 100 of 45050 does not move');
  t.end();
});

t.test('a trailing distance as large as the price itself is refused by the collar', (t) => {
  const h = withMarket();
  const outcome = h.order({ side: 'sell', type: 'TRAILING_STOP', trail: '45000', qty: '0.1' });
  t.equal(outcome.reply.code, RejectCode.PRICE_COLLAR);
  t.same(outcome.events.map((e) => e.type), [EventType.REJECTED]);
  t.end();
});

t.test('a replace keeps a trailing order\'s terms, and a new trigger_price resets where it trails from', (t) => {
  const h = withMarket();
  const id = h.order({ side: 'sell', type: 'TRAILING_STOP_LIMIT', trail: '50', limit_offset: '10', qty: '1' }).reply.order_id;
  const replaced = h.replace(id, { qty: '2', stop: '44900' });
  t.same(replaced.events.map((e) => [e.type, e.order_type, e.stop_price_ticks, e.price_ticks, e.trailing_offset, e.limit_offset_ticks]),
    [[EventType.REPLACED, OrderType.TRAILING_STOP_LIMIT, 4_490_000, 4_489_000, 5_000, 1_000]], 'limit follows the new trigger');
  t.same(moves(h.setMarket('BTCUSDT', { bid: '44999', ask: '45001', last: '45000' })), [[EventType.TRIGGER_MOVED, 4_495_000, 4_494_000]],
    'the replacement trails; the replaced order\'s queue entries are gone with it');
  t.end();
});

t.test('trigger moves are journaled: replay rebuilds the moved trigger, and a recovered engine trails on from it', (t) => {
  const h = withMarket();
  const id = h.order({ side: 'sell', type: 'TRAILING_STOP', trail: '100', qty: '0.5' }).reply.order_id;
  h.setMarket('BTCUSDT', { bid: '45199', ask: '45201', last: '45200' });
  const replayed = h.replayState();
  t.equal(stateHash(replayed), stateHash(h.state), 'the same state hash');
  t.equal(replayed.slab.stop_price_ticks[replayed.slotOf(id)], 4_510_000, 'the trigger where it moved to');
  const recovered = new EngineHarness({ state: replayed });
  t.same(recovered.setMarket('BTCUSDT', { bid: '45149', ask: '45151', last: '45150' }), [], 'below the high: it does not move back');
  t.same(moves(recovered.setMarket('BTCUSDT', { bid: '45249', ask: '45251', last: '45250' })), [[EventType.TRIGGER_MOVED, 4_515_000, 0]]);
  t.same(recovered.setMarket('BTCUSDT', { bid: '45149', ask: '45151', last: '45150' }).map((e) => e.type),
    [EventType.TRIGGERED, EventType.FILL]);
  t.end();
});
