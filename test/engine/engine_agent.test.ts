/**
 * The engine's command handling: idempotency, cancel and cancel/replace, the order
 * lifecycle reject codes, mass cancel, capacity, and backpressure from full output rings.
 */
import t from 'tap';
import { CMD_REQUEST_ID, CMD_TYPE } from '../../engine/protocol/command_layout.js';
import { CommandType, EventType, ExecReason, OrderStatus, TimeInForce } from '../../engine/protocol/enums.js';
import { RejectCode } from '../../engine/protocol/reject_codes.js';
import { REPLY_FLAG_DUPLICATE } from '../../engine/protocol/reply_layout.js';
import { stateHash } from '../../engine/state/state_hash.js';
import { EngineCounter, REJECTS_BY_CODE_OFFSET } from '../../engine/telemetry/engine_counters.js';
import { EngineHarness, HarnessOptions, Outcome } from '../support/engine_harness.js';

function withMarket(options: HarnessOptions = {}): EngineHarness {
  const h = new EngineHarness(options);
  h.setMarket('BTCUSDT', { bid: '44999', ask: '45001', last: '45000' });
  return h;
}

type Asserts = Pick<typeof t, 'equal' | 'same'>;

/** A refusal that is not an order event: a reply with the code and no event at all. */
function refusedWithoutEvent(t: Asserts, h: EngineHarness, outcome: Outcome, code: number, what: string): void {
  t.equal(outcome.reply.code, code, `${what}: answered ${code}`);
  t.same(outcome.events, [], `${what}: no event`);
  t.equal(outcome.reply.last_seq, h.state.last_seq, `${what}: the reply names the current sequence`);
}

t.test('a resend with the same client order id and terms returns the original order and changes nothing', (t) => {
  const h = withMarket();
  const first = h.order({ id: 'abc-1', qty: '0.5', price: '44000' });
  t.equal(first.reply.code, RejectCode.OK);
  t.equal(first.reply.flag, 0);
  const again = h.order({ id: 'abc-1', qty: '0.5', price: '44000' });
  t.equal(again.reply.code, RejectCode.OK);
  t.equal(again.reply.flag, REPLY_FLAG_DUPLICATE);
  t.equal(again.reply.order_id, first.reply.order_id);
  t.same(again.events, []);
  t.equal(h.state.slab.live, 1, 'still one order');
  t.end();
});

t.test('a resend with the same client order id and different terms is refused with 409 naming the original', (t) => {
  const h = withMarket();
  const first = h.order({ id: 'abc-1', qty: '0.5', price: '44000' });
  for (const change of [{ qty: '0.6' }, { price: '44001' }, { side: 'sell' as const, price: '46000' }, { tif: 'DAY' as const }]) {
    const outcome = h.order({ id: 'abc-1', qty: '0.5', price: '44000', ...change });
    refusedWithoutEvent(t, h, outcome, RejectCode.DUPLICATE_CLIENT_ORDER_ID, JSON.stringify(change));
    t.equal(outcome.reply.order_id, first.reply.order_id);
  }
  t.equal(h.counters[REJECTS_BY_CODE_OFFSET + RejectCode.DUPLICATE_CLIENT_ORDER_ID], 4);
  t.end();
});

t.test('client order ids are remembered per account and after the order is final', (t) => {
  const h = withMarket();
  const alice = h.order({ id: 'same', qty: '0.5', price: '45001' });
  t.equal(alice.events.at(-1)?.status, OrderStatus.FILLED);
  const bob = h.order({ account: 'bob', id: 'same', qty: '0.5', price: '45001' });
  t.equal(bob.reply.flag, 0, "bob's id is his own");
  t.not(bob.reply.order_id, alice.reply.order_id);
  const resend = h.order({ id: 'same', qty: '0.5', price: '45001' });
  t.equal(resend.reply.flag, REPLY_FLAG_DUPLICATE, 'a filled order still answers its resend');
  t.equal(resend.reply.order_id, alice.reply.order_id);
  t.same(resend.events, [], 'and does not trade again');
  t.end();
});

t.test('a resent replace returns the order it created instead of a second replace', (t) => {
  const h = withMarket();
  const original = h.order({ price: '44000' }).reply.order_id;
  const replaced = h.replace(original, { id: 'r-1', price: '44100' });
  t.equal(replaced.reply.code, RejectCode.OK);
  const resend = h.replace(original, { id: 'r-1', price: '44100' });
  t.equal(resend.reply.code, RejectCode.OK, 'the resend is not an error');
  t.equal(resend.reply.flag, REPLY_FLAG_DUPLICATE);
  t.equal(resend.reply.order_id, replaced.reply.order_id);
  t.same(resend.events, []);
  const conflicting = h.replace(original, { id: 'r-1', price: '44200' });
  t.equal(conflicting.reply.code, RejectCode.DUPLICATE_CLIENT_ORDER_ID, 'the same id with other terms is a conflict');
  t.equal(conflicting.reply.order_id, replaced.reply.order_id);
  const reused = h.replace(replaced.reply.order_id, { id: 'r-1', price: '44300' });
  t.equal(reused.reply.code, RejectCode.DUPLICATE_CLIENT_ORDER_ID, 'an id already used cannot name a new replace');
  t.end();
});

t.test('cancel of an unknown order, a closed order or another account order answers UNKNOWN_ORDER', (t) => {
  const h = withMarket();
  const bob = h.order({ account: 'bob', price: '44000' }).reply.order_id;
  const alice = h.order({ price: '44000' }).reply.order_id;
  refusedWithoutEvent(t, h, h.cancel(999_999), RejectCode.UNKNOWN_ORDER, 'never existed');
  refusedWithoutEvent(t, h, h.cancel(bob, 'alice'), RejectCode.UNKNOWN_ORDER, "bob's order, asked by alice");
  t.ok(h.state.slotOf(bob) >= 0, "bob's order is untouched");
  const canceled = h.cancel(alice);
  t.equal(canceled.reply.code, RejectCode.OK);
  t.same(canceled.events.map((e) => [e.type, e.order_id, e.status, e.reason]),
    [[EventType.CANCELED, alice, OrderStatus.CANCELED, ExecReason.CLIENT_CANCEL]]);
  refusedWithoutEvent(t, h, h.cancel(alice), RejectCode.UNKNOWN_ORDER, 'already canceled');
  const filled = h.order({ qty: '0.1', price: '45001' }).reply.order_id;
  refusedWithoutEvent(t, h, h.cancel(filled), RejectCode.UNKNOWN_ORDER, 'already filled');
  t.end();
});

t.test('replace of an unknown order or another account order answers UNKNOWN_ORDER', (t) => {
  const h = withMarket();
  const bob = h.order({ account: 'bob', price: '44000' }).reply.order_id;
  refusedWithoutEvent(t, h, h.replace(424242, { price: '44100' }), RejectCode.UNKNOWN_ORDER, 'never existed');
  refusedWithoutEvent(t, h, h.replace(bob, { price: '44100' }), RejectCode.UNKNOWN_ORDER, "bob's order, asked by alice");
  t.end();
});

t.test('a replace that changes nothing is refused with NOTHING_TO_AMEND', (t) => {
  const h = withMarket();
  const id = h.order({ qty: '1', price: '44000' }).reply.order_id;
  refusedWithoutEvent(t, h, h.replace(id, {}), RejectCode.NOTHING_TO_AMEND, 'no field sent');
  refusedWithoutEvent(t, h, h.replace(id, { qty: '1', price: '44000' }), RejectCode.NOTHING_TO_AMEND, 'the same values sent');
  t.ok(h.state.slotOf(id) >= 0, 'the order is still open');
  t.end();
});

t.test('a replace cannot bring the quantity to or below what is already filled', (t) => {
  const h = withMarket();
  h.setMarket('BTCUSDT', { bid: '44999', ask: '45001', last: '45000', ask_size: '0.3' });
  const id = h.order({ qty: '1', price: '45001' }).reply.order_id;
  t.equal(h.state.slab.filled_qty_lots[h.state.slotOf(id)], 3000, '0.3 filled');
  refusedWithoutEvent(t, h, h.replace(id, { qty: '0.3' }), RejectCode.REPLACE_QTY_BELOW_FILLED, 'equal to filled');
  refusedWithoutEvent(t, h, h.replace(id, { qty: '0.2' }), RejectCode.REPLACE_QTY_BELOW_FILLED, 'below filled');
  const ok = h.replace(id, { qty: '0.31', price: '44000' });
  t.equal(ok.reply.code, RejectCode.OK, 'above filled');
  t.same(ok.events.map((e) => [e.type, e.status, e.filled_qty_lots, e.qty_lots]),
    [[EventType.REPLACED, OrderStatus.PARTIALLY_FILLED, 3000, 3100]]);
  t.end();
});

t.test('a working market order cannot be replaced', (t) => {
  const h = withMarket();
  h.setMarket('BTCUSDT', { bid: '44999', ask: '45001', last: '45000', ask_size: '0.3' });
  const id = h.order({ type: 'MARKET', tif: 'DAY', qty: '1', expire_at_ms: h.clock.now_us / 1000 + 60_000 }).reply.order_id;
  t.ok(h.state.slotOf(id) >= 0, 'the remainder works on');
  refusedWithoutEvent(t, h, h.replace(id, { qty: '2' }), RejectCode.REPLACE_NOT_ALLOWED, 'market order');
  t.end();
});

t.test('an expire time at or before now is refused with EXPIRE_TIME_IN_PAST', (t) => {
  const h = withMarket();
  const now_ms = h.clock.now_us / 1000;
  const refused = h.order({ tif: 'GTD', price: '44000', expire_at_ms: now_ms });
  t.equal(refused.reply.code, RejectCode.EXPIRE_TIME_IN_PAST);
  t.same(refused.events.map((e) => [e.type, e.reject_code]), [[EventType.REJECTED, RejectCode.EXPIRE_TIME_IN_PAST]]);
  t.equal(h.order({ tif: 'GTD', price: '44000', expire_at_ms: now_ms + 1 }).reply.code, RejectCode.OK, 'one millisecond ahead');
  t.end();
});

t.test('the engine refuses new orders with ORDER_CAPACITY_EXHAUSTED once its order slab is full', (t) => {
  const h = withMarket({ config: { max_open_orders: 3 } });
  const ids = [0, 1, 2].map((i) => h.order({ account: i === 2 ? 'bob' : 'alice', price: '44000' }).reply.order_id);
  const refused = h.order({ price: '44000' });
  t.equal(refused.reply.code, RejectCode.ORDER_CAPACITY_EXHAUSTED);
  t.same(refused.events.map((e) => [e.type, e.reject_code]), [[EventType.REJECTED, RejectCode.ORDER_CAPACITY_EXHAUSTED]]);
  t.equal(h.replace(ids[0], { price: '44001' }).reply.code, RejectCode.OK, 'a replace needs no extra capacity');
  t.equal(h.order({ qty: '0.1', price: '45001', tif: 'IOC' }).reply.code, RejectCode.ORDER_CAPACITY_EXHAUSTED, 'not even for an IOC');
  h.cancel(ids[1]);
  t.equal(h.order({ price: '44000' }).reply.code, RejectCode.OK, 'after a cancel frees a slot');
  t.end();
});

t.test('an unknown command type is answered with UNKNOWN_MESSAGE_TYPE', (t) => {
  const h = withMarket();
  const outcome = h.batch(() => {
    const off = h.command_producer.tryClaim();
    const ring = h.command_producer.ring;
    ring.u8[off + CMD_TYPE] = 99;
    ring.u32[(off + CMD_REQUEST_ID) >> 2] = 4242;
  });
  t.same(outcome.replies.map((r) => [r.request_id, r.command_type, r.code]), [[4242, 99, RejectCode.UNKNOWN_MESSAGE_TYPE]]);
  t.same(outcome.events, []);
  t.end();
});

t.test('a cancel/replace chain carries the filled quantity and the old orders end REPLACED', (t) => {
  const h = withMarket();
  h.setMarket('BTCUSDT', { bid: '44999', ask: '45001', last: '45000', ask_size: '0.2' });
  const a = h.order({ qty: '1', price: '45001', id: 'a' });
  t.same(a.events.map((e) => [e.type, e.status]), [[EventType.ACCEPTED, OrderStatus.ACCEPTED], [EventType.FILL, OrderStatus.PARTIALLY_FILLED]]);
  const a_id = a.reply.order_id;

  const b = h.replace(a_id, { qty: '2', price: '44000', id: 'b' });
  t.equal(b.reply.code, RejectCode.OK);
  const b_id = b.reply.order_id;
  t.not(b_id, a_id, 'a replace creates a new order id');
  t.same(b.events.map((e) => [e.type, e.order_id, e.orig_order_id, e.status, e.qty_lots, e.filled_qty_lots, e.price_ticks]),
    [[EventType.REPLACED, b_id, a_id, OrderStatus.PARTIALLY_FILLED, 20000, 2000, 4400000]]);
  t.equal(b.events[0].client_order_id, 'b');
  t.equal(h.state.slotOf(a_id), -1, 'the old order is closed');

  const c = h.replace(b_id, { price: '43900', id: 'c' });
  const c_id = c.reply.order_id;
  t.same(c.events.map((e) => [e.type, e.orig_order_id, e.qty_lots, e.filled_qty_lots]), [[EventType.REPLACED, b_id, 20000, 2000]],
    'a replace of a replace keeps the quantity it did not amend and the filled quantity');
  t.equal(h.replace(a_id, { price: '43000', id: 'd' }).reply.code, RejectCode.UNKNOWN_ORDER, 'an order already replaced');
  t.equal(h.replace(b_id, { price: '43000', id: 'e' }).reply.code, RejectCode.UNKNOWN_ORDER, 'the middle of the chain too');
  t.equal(h.cancel(b_id).reply.code, RejectCode.UNKNOWN_ORDER, 'nor can it be canceled');

  const fills = h.setMarket('BTCUSDT', { bid: '43800', ask: '43850', last: '43850', ask_size: '5' });
  t.same(fills.map((e) => [e.type, e.order_id, e.status, e.last_fill_qty_lots, e.filled_qty_lots]),
    [[EventType.FILL, c_id, OrderStatus.FILLED, 18000, 20000]]);
  const notional = 2000 * 4500100 + 18000 * 4385000;
  t.equal(fills[0].fill_notional, notional, 'fill notional is the exact sum over the chain');
  t.equal(fills[0].fill_notional / fills[0].filled_qty_lots, notional / 20000, 'average fill price');
  t.equal(h.state.book.position_lots[h.state.book.cell(0, 0)], 20000, 'the chain bought 2 BTC in all');
  t.equal(h.state.slab.live, 0);
  t.end();
});

t.test('mass cancel by session and time-in-force mask leaves other sessions and other TIFs alone', (t) => {
  const h = withMarket();
  const later = h.clock.now_us / 1000 + 3_600_000;
  const doomed = h.order({ session_id: 7, tif: 'DAY', price: '44000', expire_at_ms: later }).reply.order_id;
  const doomed_too = h.order({ session_id: 7, tif: 'DAY', price: '43999', expire_at_ms: later }).reply.order_id;
  const gtc = h.order({ session_id: 7, tif: 'GTC', price: '44000' }).reply.order_id;
  const other_session = h.order({ session_id: 8, tif: 'DAY', price: '44000', expire_at_ms: later }).reply.order_id;
  const other_account = h.order({ account: 'bob', session_id: 7, tif: 'DAY', price: '44000', expire_at_ms: later }).reply.order_id;
  const outcome = h.massCancel('alice', 7, 1 << TimeInForce.DAY);
  t.equal(outcome.reply.code, RejectCode.OK);
  t.equal(outcome.reply.arg, 2, 'the reply counts the canceled orders');
  t.same(outcome.events.map((e) => e.order_id).sort(), [doomed, doomed_too].sort());
  t.ok(outcome.events.every((e) => e.type === EventType.CANCELED && e.reason === ExecReason.CANCEL_ON_DISCONNECT));
  for (const id of [gtc, other_session, other_account]) t.ok(h.state.slotOf(id) >= 0, `order ${id} is still open`);
  const both = h.massCancel('alice', 7, (1 << TimeInForce.DAY) | (1 << TimeInForce.GTC));
  t.same(both.events.map((e) => e.order_id), [gtc], 'a wider mask takes the GTC order too');
  t.end();
});

t.test('every command in a batch is answered once, in order, with the last sequence it produced', (t) => {
  const h = withMarket();
  const terms = [h.orderTerms({ price: '44000' }), h.orderTerms({ price: '45001', qty: '0.1' }), h.orderTerms({ price: '1' })];
  const { replies, events } = h.batch((w) => { for (const term of terms) w.newOrder(term); });
  t.same(replies.map((r) => r.request_id), terms.map((term) => term.request_id));
  t.same(replies.map((r) => r.code), [RejectCode.OK, RejectCode.OK, RejectCode.PRICE_COLLAR]);
  t.same(events.map((e) => e.type), [EventType.ACCEPTED, EventType.ACCEPTED, EventType.FILL, EventType.REJECTED]);
  t.same(replies.map((r) => r.last_seq), [events[0].seq, events[2].seq, events[3].seq]);
  t.end();
});

t.test('a client order id used twice in one batch is a duplicate the second time, whatever lies between', (t) => {
  // The engine hashes a batch's ids before it handles any of them (prefetchBatch): the
  // second use must still find the first, inserted after its hash was taken.
  const h = withMarket();
  const resting = h.order({ id: 'rest-1', qty: '0.5', price: '44000' }).reply.order_id;
  const first = h.orderTerms({ id: 'twice', qty: '0.5', price: '44000' });
  const other = h.orderTerms({ id: 'other', qty: '0.5', price: '43000' });
  const same = { ...h.orderTerms({ id: 'twice', qty: '0.5', price: '44000' }) };
  const conflicting = { ...h.orderTerms({ id: 'twice', qty: '0.7', price: '44000' }) };
  const alice = h.account('alice');
  const replace = (request_id: number, client_order_id: string) => ({
    request_id, account: alice, order_id: resting, qty_lots: 0, price_ticks: h.ticks('BTCUSDT', '43900'), stop_price_ticks: 0,
    session_id: 0, client_order_id,
  });
  const { replies, events } = h.batch((w) => {
    w.newOrder(first);
    w.newOrder(other);
    w.newOrder(same);
    w.newOrder(conflicting);
    w.replace(replace(900, 'other'));
    w.replace(replace(901, 'rep-1'));
    w.newOrder({ ...h.orderTerms({ id: 'rep-1', qty: '0.5', price: '44000' }) });
  });
  t.same(replies.map((r) => r.code), [RejectCode.OK, RejectCode.OK, RejectCode.OK, RejectCode.DUPLICATE_CLIENT_ORDER_ID,
    RejectCode.DUPLICATE_CLIENT_ORDER_ID, RejectCode.OK, RejectCode.DUPLICATE_CLIENT_ORDER_ID]);
  t.equal(replies[2].flag, REPLY_FLAG_DUPLICATE, 'the resend answers with the original order');
  t.equal(replies[2].order_id, replies[0].order_id);
  t.equal(replies[3].order_id, replies[0].order_id, 'the conflict names the order that holds the id');
  t.equal(replies[6].order_id, replies[5].order_id, 'an id a replace took earlier in the batch is taken');
  t.same(events.map((e) => e.type), [EventType.ACCEPTED, EventType.ACCEPTED, EventType.REPLACED]);
  t.equal(stateHash(h.replayState()), stateHash(h.state), 'and replay, which hashes every id itself, agrees');
  t.end();
});

t.test('a full event ring holds commands back instead of dropping events', (t) => {
  const h = withMarket({ event_ring_capacity: 8 });
  const terms = Array.from({ length: 40 }, () => h.orderTerms({ qty: '0.01', price: '45001' }));
  const { replies, events } = h.batch((w) => { for (const term of terms) t.ok(w.newOrder(term)); });
  t.equal(replies.length, 40);
  t.ok(replies.every((r) => r.code === RejectCode.OK));
  t.equal(events.length, 80, 'every order was accepted and filled');
  t.same(events.map((e) => e.seq), events.map((_, i) => events[0].seq + i), 'gap-free sequence');
  t.ok(h.counters[EngineCounter.OUTPUT_FULL_WAITS] > 0, 'the engine waited for room');
  t.equal(h.event_reader.ring.fullCount(), h.counters[EngineCounter.OUTPUT_FULL_WAITS], 'each wait is counted on the event ring (oms_ring_full_total)');
  t.equal(h.reply_reader.ring.fullCount(), 0, 'and none on the reply ring, which had room');
  t.ok(h.counters[EngineCounter.MAX_BATCH] < 40, 'so no batch took all 40 commands');
  t.end();
});

t.test('a kill switch with more orders than the event ring holds cancels them all across several doWork calls', (t) => {
  const h = withMarket({ event_ring_capacity: 8 });
  for (let i = 0; i < 30; i++) h.order({ account: i % 2 === 0 ? 'alice' : 'bob', price: '44000' });
  const outcome = h.killSwitch(null, true);
  t.equal(outcome.reply.arg, 30);
  t.equal(outcome.events.length, 31);
  t.equal(h.state.slab.live, 0);
  t.equal(stateHash(h.replayState()), stateHash(h.state), 'replay agrees');
  t.end();
});

t.test('commands wait while a mass cancel is running and are handled after it', (t) => {
  const h = withMarket({ event_ring_capacity: 8 });
  for (let i = 0; i < 12; i++) h.order({ price: '44000' });
  const bob_terms = h.orderTerms({ account: 'bob', price: '44000' });
  const { replies, events } = h.batch((w) => {
    w.killSwitch(h.nextRequestId(), h.account('alice'), true);
    w.newOrder(bob_terms);
  });
  t.same(replies.map((r) => r.command_type), [CommandType.KILL_SWITCH, CommandType.NEW_ORDER], 'the kill switch is answered first');
  t.equal(replies[0].arg, 12);
  t.equal(events.at(-1)?.type, EventType.ACCEPTED, "bob's order comes after every cancel");
  t.equal(events.filter((e) => e.type === EventType.CANCELED).length, 12);
  t.equal(events.findIndex((e) => e.type === EventType.ACCEPTED), events.length - 1);
  t.end();
});

t.test('counters follow commands, events and refusals', (t) => {
  const h = withMarket();
  h.order({ price: '44000' });
  h.order({ price: '1' });
  h.cancel(77);
  t.equal(h.counters[EngineCounter.COMMANDS], 3);
  t.equal(h.counters[EngineCounter.EVENTS], h.all_events.length);
  t.equal(h.counters[REJECTS_BY_CODE_OFFSET + RejectCode.PRICE_COLLAR], 1);
  t.equal(h.counters[REJECTS_BY_CODE_OFFSET + RejectCode.UNKNOWN_ORDER], 1);
  t.end();
});

t.test('a burst of orders is handled without reading the clock: events carry the time the edge stamped on the commands', (t) => {
  const h = new EngineHarness();
  h.setMarket('BTCUSDT', { bid: '44999', ask: '45001', last: '45000', ask_size: '1000', bid_size: '1000' });
  h.clock.advanceMs(5);
  const stamped_us = h.clock.now_us;
  const reads_before = h.clock.reads;
  const { replies, events } = h.batch((writer) => {
    for (let i = 0; i < 100; i++) writer.newOrder(h.orderTerms({ side: i % 2 === 0 ? 'buy' : 'sell', type: 'MARKET', tif: 'IOC', qty: '0.01' }));
  });
  t.equal(replies.length, 100);
  t.ok(events.length >= 200, 'every order accepted and filled');
  t.ok(events.every((e) => e.ts_us === stamped_us), 'every event carries the stamp of the command that caused it');
  // The writer reads the clock once for the batch; the engine may read it for a tick, never per order.
  t.ok(h.clock.reads - reads_before <= 3, `clock reads for 100 orders: ${h.clock.reads - reads_before}`);
  t.end();
});
