/**
 * Post-only orders (ExecInst POST_ONLY, FIX 18='6') through a real engine: one that would
 * take liquidity on arrival (its limit reaches the other side's touch) is refused
 * POST_ONLY_WOULD_TAKE with a REJECTED event and nothing placed; one that would rest is
 * accepted and rests. A replace is an arrival too. The instruction is journaled on the
 * order's events, so replay restores it to the same state hash.
 */
import t from 'tap';
import { EventType, ExecInst, OrderStatus } from '../../engine/protocol/enums.js';
import { RejectCode } from '../../engine/protocol/reject_codes.js';
import { stateHash } from '../../engine/state/state_hash.js';
import { REJECTS_BY_CODE_OFFSET } from '../../engine/telemetry/engine_counters.js';
import { EngineHarness } from '../support/engine_harness.js';

function withMarket(): EngineHarness {
  const h = new EngineHarness();
  h.setMarket('BTCUSDT', { bid: '44999', ask: '45001', last: '45000' });
  return h;
}

t.test('a post-only buy below the ask rests; one at or through the ask is refused and nothing fills', (t) => {
  const h = withMarket();
  const rest = h.order({ side: 'buy', price: '45000', post_only: true });
  t.equal(rest.reply.code, RejectCode.OK, 'one tick below the ask rests');
  t.same(rest.events.map((e) => [e.type, e.exec_inst]), [[EventType.ACCEPTED, ExecInst.POST_ONLY]], 'accepted, no fill, the instruction on the event');
  t.equal(h.state.slab.exec_inst[h.state.slotOf(rest.reply.order_id)], ExecInst.POST_ONLY, 'the open order carries it');
  for (const price of ['45001', '45100']) {
    const take = h.order({ side: 'buy', price, post_only: true });
    t.equal(take.reply.code, RejectCode.POST_ONLY_WOULD_TAKE, `at ${price}: refused`);
    t.same(take.events.map((e) => [e.type, e.reject_code, e.status]), [[EventType.REJECTED, RejectCode.POST_ONLY_WOULD_TAKE, OrderStatus.REJECTED]],
      `at ${price}: one REJECTED event with the code`);
  }
  t.equal(h.counters[REJECTS_BY_CODE_OFFSET + RejectCode.POST_ONLY_WOULD_TAKE], 2, 'counted under its code');
  t.equal(h.state.book.position_lots[h.state.book.cell(h.account('alice'), h.symbol('BTCUSDT'))], 0, 'no position: nothing took');
  const plain = h.order({ side: 'buy', price: '45001' });
  t.ok(plain.events.some((e) => e.type === EventType.FILL), 'the same order without post-only takes at once');
  t.end();
});

t.test('a post-only sell above the bid rests; one at the bid is refused', (t) => {
  const h = withMarket();
  t.equal(h.order({ side: 'sell', price: '45000', post_only: true }).reply.code, RejectCode.OK);
  t.equal(h.order({ side: 'sell', price: '44999', post_only: true }).reply.code, RejectCode.POST_ONLY_WOULD_TAKE);
  t.end();
});

t.test('the touch is read at arrival: a post-only order refused now rests after the market moves away', (t) => {
  const h = withMarket();
  t.equal(h.order({ side: 'buy', price: '45001', post_only: true }).reply.code, RejectCode.POST_ONLY_WOULD_TAKE);
  h.setMarket('BTCUSDT', { bid: '45000', ask: '45002', last: '45001' });
  const rested = h.order({ side: 'buy', price: '45001', post_only: true });
  t.equal(rested.reply.code, RejectCode.OK);
  t.same(rested.events.map((e) => e.type), [EventType.ACCEPTED]);
  t.end();
});

t.test('a replace of a post-only order that would take is refused and the order stays; a passive one keeps the instruction', (t) => {
  const h = withMarket();
  const id = h.order({ side: 'buy', price: '44990', post_only: true }).reply.order_id;
  const take = h.replace(id, { price: '45001' });
  t.equal(take.reply.code, RejectCode.POST_ONLY_WOULD_TAKE, 'replacing up to the ask is refused');
  t.same(take.events, [], 'a refused replace emits nothing');
  t.ok(h.state.slotOf(id) >= 0, 'the original is still open');
  const moved = h.replace(id, { price: '45000', qty: '2' });
  t.equal(moved.reply.code, RejectCode.OK);
  t.same(moved.events.map((e) => [e.type, e.exec_inst]), [[EventType.REPLACED, ExecInst.POST_ONLY]], 'no fill; the new order is post-only too');
  t.equal(h.state.slab.exec_inst[h.state.slotOf(moved.reply.order_id)], ExecInst.POST_ONLY);
  t.end();
});

t.test('a dry-run check of a post-only order that would take says so', (t) => {
  const h = withMarket();
  t.equal(h.check({ side: 'buy', price: '45001', post_only: true }).code, RejectCode.POST_ONLY_WOULD_TAKE);
  t.equal(h.check({ side: 'buy', price: '45000', post_only: true }).code, RejectCode.OK);
  t.end();
});

t.test('post-only is part of the order\'s terms: a resend that flips it is a conflicting duplicate', (t) => {
  const h = withMarket();
  const first = h.order({ side: 'buy', price: '45000', post_only: true, id: 'po-1' });
  const same = h.order({ side: 'buy', price: '45000', post_only: true, id: 'po-1' });
  t.equal(same.reply.code, RejectCode.OK);
  t.equal(same.reply.order_id, first.reply.order_id, 'the same terms answer with the original order');
  const flipped = h.order({ side: 'buy', price: '45000', id: 'po-1' });
  t.equal(flipped.reply.code, RejectCode.DUPLICATE_CLIENT_ORDER_ID, 'without post-only it is different terms');
  t.end();
});

t.test('replaying the journal restores the instruction and the state hash', (t) => {
  const h = withMarket();
  const a = h.order({ side: 'buy', price: '44000', post_only: true }).reply.order_id;
  const b = h.order({ side: 'sell', price: '46000', post_only: true }).reply.order_id;
  h.order({ side: 'buy', price: '44500' });
  h.replace(b, { price: '45500' });
  h.order({ side: 'buy', price: '45001', post_only: true });
  h.order({ side: 'sell', price: '44999', qty: '0.5' });
  const replayed = h.replayState();
  t.equal(stateHash(replayed), stateHash(h.state), 'the same hash');
  t.equal(replayed.slab.exec_inst[replayed.slotOf(a)], ExecInst.POST_ONLY, 'the post-only order is post-only after replay');
  const before = stateHash(h.state);
  h.state.slab.exec_inst[h.state.slotOf(a)] = 0;
  t.not(stateHash(h.state), before, 'the hash covers the instruction');
  t.end();
});
