/**
 * Contingent order lists through a real engine: one command, refused whole or accepted
 * whole (an ORDER_LIST event, then each member's ACCEPTED naming the list). OCO: a fill of
 * one, a partial one too, cancels the other. OUO: a fill reduces the other by as much. OTO:
 * children held (not working) until the parent leaves the book, then released sized to what
 * it filled, or canceled if it filled nothing or a kill switch pulled it. BRACKET: the
 * exits are held, then an OCO pair. Canceling a list cancels every open member. Replay
 * rebuilds the lists to the same state hash.
 */
import t from 'tap';
import { ContingencyType, EventType, ExecReason, OrderStatus } from '../../engine/protocol/enums.js';
import { EVENT_FLAG_HELD } from '../../engine/protocol/event_layout.js';
import { RejectCode } from '../../engine/protocol/reject_codes.js';
import { REPLY_FLAG_DUPLICATE } from '../../engine/protocol/reply_layout.js';
import { EventRecord } from '../../engine/protocol/event_record.js';
import { stateHash } from '../../engine/state/state_hash.js';
import { EngineHarness } from '../support/engine_harness.js';

function withMarket(): EngineHarness {
  const h = new EngineHarness();
  h.setMarket('BTCUSDT', { bid: '44999', ask: '45001', last: '45000' });
  return h;
}

/** [type, order id, status, reason] of each order event, for compact comparisons. */
const brief = (events: readonly EventRecord[]) => events.map((e) => [e.type, e.order_id, e.status, e.reason]);

function statusOf(h: EngineHarness, order_id: number): number | 'closed' {
  const slot = h.state.slotOf(order_id);
  return slot < 0 ? 'closed' : h.state.slab.status[slot];
}

t.test('an OCO list is one command: an ORDER_LIST event, then each member accepted naming the list', (t) => {
  const h = withMarket();
  const outcome = h.orderList('OCO', [{ price: '44000', id: 'oco-buy' }, { side: 'sell', price: '46000', id: 'oco-sell' }], 'my-oco');
  t.equal(outcome.reply.code, RejectCode.OK);
  const list_id = outcome.reply.order_id;
  t.same(outcome.events.map((e) => [e.type, e.order_id, e.arg]),
    [[EventType.ORDER_LIST, list_id, 0], [EventType.ACCEPTED, list_id + 1, list_id], [EventType.ACCEPTED, list_id + 2, list_id]]);
  t.match(outcome.events[0], { flag: ContingencyType.OCO, qty_lots: 2, client_order_id: 'my-oco' });
  t.equal(h.state.lists.live, 1);
  const list = h.state.lists.find(list_id);
  t.same([0, 1].map((k) => h.state.slab.order_id[h.state.lists.memberSlot(list, k)]), [list_id + 1, list_id + 2], 'members in list order');
  t.end();
});

t.test('OCO: a fill of one cancels the other, and the list is gone with its last member', (t) => {
  const h = withMarket();
  const list_id = h.orderList('OCO', [{ price: '44000' }, { side: 'sell', price: '46000' }]).reply.order_id;
  const events = h.setMarket('BTCUSDT', { bid: '46000', ask: '46001', last: '46000' });
  t.same(brief(events), [
    [EventType.FILL, list_id + 2, OrderStatus.FILLED, 0],
    [EventType.CANCELED, list_id + 1, OrderStatus.CANCELED, ExecReason.LIST_CONTINGENCY],
  ]);
  t.equal(h.state.lists.live, 0);
  t.equal(h.state.lists.find(list_id), -1);
  t.end();
});

t.test('OCO: a partial fill cancels the other at once; the partly filled one works on, still in its list', (t) => {
  const h = withMarket();
  const list_id = h.orderList('OCO', [{ price: '44000' }, { side: 'sell', price: '46000' }]).reply.order_id;
  const events = h.setMarket('BTCUSDT', { bid: '46000', ask: '46001', last: '46000', bid_size: '0.4' });
  t.same(brief(events), [
    [EventType.FILL, list_id + 2, OrderStatus.PARTIALLY_FILLED, 0],
    [EventType.CANCELED, list_id + 1, OrderStatus.CANCELED, ExecReason.LIST_CONTINGENCY],
  ]);
  h.setMarket('BTCUSDT', { bid: '46000', ask: '46001', last: '46000', bid_size: '0.6' });
  t.equal(statusOf(h, list_id + 2), 'closed', 'it fills the rest later');
  t.equal(h.all_events.filter((e) => e.type === EventType.FILL && e.order_id === list_id + 1).length, 0, 'the other never filled');
  t.end();
});

t.test('OCO: a marketable first member fills on arrival and the second is canceled before it ever works', (t) => {
  const h = withMarket();
  const outcome = h.orderList('OCO', [{ price: '45001' }, { price: '45002' }]);
  const list_id = outcome.reply.order_id;
  t.same(brief(outcome.events.slice(3)), [
    [EventType.FILL, list_id + 1, OrderStatus.FILLED, 0],
    [EventType.CANCELED, list_id + 2, OrderStatus.CANCELED, ExecReason.LIST_CONTINGENCY],
  ]);
  t.end();
});

t.test('a list is refused whole when one member fails a check: nothing is journaled, and the reply names the member', (t) => {
  const h = withMarket();
  const before = h.all_events.length;
  const next_id = h.state.next_order_id;
  const outcome = h.orderList('OTO', [{ price: '44000' }, { side: 'sell', price: '90000' }]);
  t.equal(outcome.reply.code, RejectCode.PRICE_COLLAR);
  t.equal(outcome.reply.arg, 1, 'the second member');
  t.equal(h.all_events.length, before, 'no event at all');
  t.equal(h.state.slab.live, 0);
  t.equal(h.state.next_order_id, next_id);
  t.end();
});

t.test('a list resent whole answers with its first member; a member id reused with other terms refuses the list', (t) => {
  const h = withMarket();
  const first = h.orderList('OCO', [{ price: '44000', id: 'a' }, { side: 'sell', price: '46000', id: 'b' }]);
  const again = h.orderList('OCO', [{ price: '44000', id: 'a' }, { side: 'sell', price: '46000', id: 'b' }]);
  t.equal(again.reply.code, RejectCode.OK);
  t.equal(again.reply.flag, REPLY_FLAG_DUPLICATE);
  t.equal(again.reply.order_id, first.reply.order_id + 1, 'the first member, which names the list');
  t.same(again.events, [], 'nothing new');
  const conflict = h.orderList('OCO', [{ price: '44000', id: 'c' }, { side: 'sell', price: '46500', id: 'b' }]);
  t.equal(conflict.reply.code, RejectCode.DUPLICATE_CLIENT_ORDER_ID);
  t.equal(conflict.reply.arg, 1);
  t.end();
});

t.test('OTO: the children are held (not working) until the parent fills, then released at what it filled', (t) => {
  const h = withMarket();
  const outcome = h.orderList('OTO', [{ price: '44000', qty: '1' }, { side: 'sell', price: '44500', qty: '1' }, { side: 'sell', price: '46000', qty: '2' }]);
  const list_id = outcome.reply.order_id;
  t.same(outcome.events.slice(1).map((e) => e.flag & EVENT_FLAG_HELD), [0, EVENT_FLAG_HELD, EVENT_FLAG_HELD], 'the children are held');
  // A sell limit at 44500 would fill against this bid if it worked.
  t.same(h.setMarket('BTCUSDT', { bid: '44600', ask: '44601', last: '44600' }), [], 'held children do not work');
  const events = h.setMarket('BTCUSDT', { bid: '43999', ask: '44000', last: '44000', ask_size: '0.6' });
  t.same(brief(events), [[EventType.FILL, list_id + 1, OrderStatus.PARTIALLY_FILLED, 0]], 'a partial fill of the parent releases nothing yet');
  const fill = h.setMarket('BTCUSDT', { bid: '43999', ask: '44000', last: '44000', ask_size: '0.4' });
  t.same(fill.map((e) => [e.type, e.order_id, e.qty_lots, e.flag]), [
    [EventType.FILL, list_id + 1, h.lots('BTCUSDT', '1'), 0],
    [EventType.LIST_UPDATED, list_id + 2, h.lots('BTCUSDT', '1'), 0],
    [EventType.LIST_UPDATED, list_id + 3, h.lots('BTCUSDT', '1'), 0],
  ], 'released, each at most the quantity the parent filled');
  const exits = h.setMarket('BTCUSDT', { bid: '46000', ask: '46001', last: '46000' });
  t.same(exits.filter((e) => e.type === EventType.FILL).map((e) => [e.order_id, e.last_fill_qty_lots]),
    [[list_id + 2, h.lots('BTCUSDT', '1')], [list_id + 3, h.lots('BTCUSDT', '1')]], 'both children work once released (OTO children are not OCO)');
  t.end();
});

t.test('OTO: a parent canceled after a partial fill releases its children at the partial quantity', (t) => {
  const h = withMarket();
  const list_id = h.orderList('OTO', [{ price: '44000', qty: '1' }, { side: 'sell', price: '47000', qty: '1' }]).reply.order_id;
  h.setMarket('BTCUSDT', { bid: '43999', ask: '44000', last: '44000', ask_size: '0.3' });
  const canceled = h.cancel(list_id + 1);
  t.same(canceled.events.map((e) => [e.type, e.order_id, e.qty_lots]), [
    [EventType.CANCELED, list_id + 1, h.lots('BTCUSDT', '1')],
    [EventType.LIST_UPDATED, list_id + 2, h.lots('BTCUSDT', '0.3')],
  ]);
  t.equal(h.state.lists.held[h.state.slotOf(list_id + 2)], 0);
  t.end();
});

t.test('OTO: a parent that leaves without a fill, or is pulled by the kill switch, takes its held children with it', (t) => {
  const h = withMarket();
  const a = h.orderList('OTO', [{ price: '44000' }, { side: 'sell', price: '47000' }]).reply.order_id;
  t.same(brief(h.cancel(a + 1).events), [
    [EventType.CANCELED, a + 1, OrderStatus.CANCELED, ExecReason.CLIENT_CANCEL],
    [EventType.CANCELED, a + 2, OrderStatus.CANCELED, ExecReason.LIST_CONTINGENCY],
  ]);
  const b = h.orderList('OTO', [{ price: '44000', qty: '1' }, { side: 'sell', price: '47000' }]).reply.order_id;
  h.setMarket('BTCUSDT', { bid: '43999', ask: '44000', last: '44000', ask_size: '0.5' });
  const killed = h.tradingState('alice', 'HALTED', true);
  t.equal(killed.events.filter((e) => e.type === EventType.LIST_UPDATED).length, 0, 'nothing released into a halted account');
  t.equal(statusOf(h, b + 1), 'closed');
  t.equal(statusOf(h, b + 2), 'closed');
  t.equal(h.state.slab.live, 0);
  t.equal(h.state.lists.live, 0);
  t.end();
});

t.test('BRACKET: the exits wait for the entry, then are an OCO pair', (t) => {
  const h = withMarket();
  const outcome = h.orderList('BRACKET', [
    { price: '45001', qty: '1' }, { side: 'sell', price: '46000', qty: '1' }, { side: 'sell', type: 'STOP', stop: '44000', qty: '1' },
  ]);
  const list_id = outcome.reply.order_id;
  t.same(outcome.events.slice(4).map((e) => [e.type, e.order_id]), [
    [EventType.FILL, list_id + 1], [EventType.LIST_UPDATED, list_id + 2], [EventType.LIST_UPDATED, list_id + 3],
  ], 'the entry fills on arrival and releases both exits');
  const profit = h.setMarket('BTCUSDT', { bid: '46000', ask: '46001', last: '46000' });
  t.same(brief(profit), [
    [EventType.FILL, list_id + 2, OrderStatus.FILLED, 0],
    [EventType.CANCELED, list_id + 3, OrderStatus.CANCELED, ExecReason.LIST_CONTINGENCY],
  ], 'the take-profit fills and cancels the stop-loss');
  t.equal(h.state.book.position_lots[h.state.book.cell(h.account('alice'), h.symbol('BTCUSDT'))], 0, 'flat again');
  t.end();
});

t.test('OUO: a partial fill of one reduces the other by the same quantity', (t) => {
  const h = withMarket();
  const list_id = h.orderList('OUO', [{ price: '44000', qty: '1' }, { side: 'sell', price: '46000', qty: '1' }]).reply.order_id;
  const events = h.setMarket('BTCUSDT', { bid: '46000', ask: '46001', last: '46000', bid_size: '0.3' });
  t.same(events.map((e) => [e.type, e.order_id, e.qty_lots]), [
    [EventType.FILL, list_id + 2, h.lots('BTCUSDT', '1')],
    [EventType.LIST_UPDATED, list_id + 1, h.lots('BTCUSDT', '0.7')],
  ]);
  const rest = h.setMarket('BTCUSDT', { bid: '46000', ask: '46001', last: '46000', bid_size: '0.7' });
  t.same(brief(rest), [
    [EventType.FILL, list_id + 2, OrderStatus.FILLED, 0],
    [EventType.CANCELED, list_id + 1, OrderStatus.CANCELED, ExecReason.LIST_CONTINGENCY],
  ], 'nothing left of the other: canceled');
  t.end();
});

t.test('canceling a list cancels every open member, children before their parent, and names an unknown list', (t) => {
  const h = withMarket();
  const list_id = h.orderList('OTO', [{ price: '44000', qty: '1' }, { side: 'sell', price: '47000' }, { side: 'sell', type: 'STOP', stop: '43000' }]).reply.order_id;
  h.setMarket('BTCUSDT', { bid: '43999', ask: '44000', last: '44000', ask_size: '0.5' });
  const outcome = h.cancelList(list_id);
  t.equal(outcome.reply.code, RejectCode.OK);
  t.equal(outcome.reply.arg, 3, 'three canceled');
  t.same(outcome.events.map((e) => [e.type, e.order_id]),
    [[EventType.CANCELED, list_id + 3], [EventType.CANCELED, list_id + 2], [EventType.CANCELED, list_id + 1]], 'nothing released on the way');
  t.equal(h.cancelList(list_id).reply.code, RejectCode.UNKNOWN_ORDER_LIST, 'a finished list is unknown to the engine');
  const other = h.orderList('OCO', [{ price: '44000' }, { side: 'sell', price: '46000' }]).reply.order_id;
  t.equal(h.cancelList(other, 'bob').reply.code, RejectCode.UNKNOWN_ORDER_LIST, 'another account\'s list is unknown');
  t.end();
});

t.test('a replaced member keeps its place in its list', (t) => {
  const h = withMarket();
  const list_id = h.orderList('OCO', [{ price: '44000' }, { side: 'sell', price: '46000' }]).reply.order_id;
  const replaced = h.replace(list_id + 2, { price: '46500' });
  t.equal(replaced.reply.code, RejectCode.OK);
  t.equal(replaced.events[0].arg, list_id, 'the REPLACED event names the list');
  const events = h.setMarket('BTCUSDT', { bid: '43999', ask: '44000', last: '44000' });
  t.same(brief(events), [
    [EventType.FILL, list_id + 1, OrderStatus.FILLED, 0],
    [EventType.CANCELED, replaced.reply.order_id, OrderStatus.CANCELED, ExecReason.LIST_CONTINGENCY],
  ]);
  t.end();
});

t.test('replay rebuilds lists, held members and all, to the live state hash', (t) => {
  const h = withMarket();
  h.orderList('OCO', [{ price: '44000' }, { side: 'sell', price: '46000' }]);
  h.orderList('OTO', [{ price: '44000', qty: '1' }, { side: 'sell', price: '47000' }, { side: 'sell', price: '48000' }]);
  // On bob: a held stop-loss sells at any price, which alice's resting buys would refuse as a self-trade.
  const bracket = h.orderList('BRACKET', [
    { account: 'bob', price: '43000', qty: '1' }, { account: 'bob', side: 'sell', price: '46000', qty: '1' },
    { account: 'bob', side: 'sell', type: 'STOP', stop: '42000', qty: '1' },
  ]);
  t.equal(bracket.reply.code, RejectCode.OK);
  const ouo = h.orderList('OUO', [{ price: '44100', qty: '1' }, { side: 'sell', price: '46100', qty: '1' }]).reply.order_id;
  h.setMarket('BTCUSDT', { bid: '43999', ask: '44000', last: '44000', ask_size: '0.5' });
  h.replace(ouo + 2, { price: '46200' });
  const replayed = h.replayState();
  t.equal(stateHash(replayed), stateHash(h.state));
  t.equal(replayed.lists.live, h.state.lists.live);
  t.ok(h.state.lists.live >= 3, `${h.state.lists.live} lists open`);
  const held = (s: typeof replayed) => Array.from(s.lists.held).reduce((a, b) => a + b, 0);
  t.equal(held(replayed), held(h.state));
  t.ok(held(h.state) >= 2, 'held members part of it');
  t.end();
});
