/**
 * The engine's expiry queue holds exactly the open orders that have an expiry: orders that
 * leave the book (canceled, filled, replaced, expired) leave the queue at once, so a day of
 * DAY orders that rest and are canceled does not pile up until session end.
 */
import t from 'tap';
import { EventType, TimeInForce } from '../../engine/protocol/enums.js';
import { RejectCode } from '../../engine/protocol/reject_codes.js';
import { EngineHarness } from '../support/engine_harness.js';

function withMarket(max_open_orders = 4096): EngineHarness {
  const h = new EngineHarness({ config: { max_open_orders, dedupe_window: 4 * max_open_orders } });
  h.setMarket('BTCUSDT', { bid: '44999', ask: '45001', last: '45000' });
  return h;
}

/** Open orders that should be in the expiry queue: an expiry and not IOC/FOK. */
function openWithExpiry(h: EngineHarness): number {
  const slab = h.state.slab;
  let count = 0;
  for (let account = 0; account < slab.account_head.length; account++) {
    for (let slot = slab.account_head[account]; slot >= 0; slot = slab.nextInAccount(slot)) {
      const tif = slab.time_in_force[slot];
      if (slab.expire_at_ms[slot] > 0 && tif !== TimeInForce.IOC && tif !== TimeInForce.FOK) count++;
    }
  }
  return count;
}

t.test('DAY orders that rest and are canceled leave the expiry queue, which stays at the open count', (t) => {
  const h = withMarket(64);
  const session_end_ms = h.clock.now_us / 1000 + 8 * 3_600_000;
  let worst = 0;
  let refusals = 0;
  const resting: number[] = [];
  // Far more orders over the day than the engine can hold at once: each one rests, and
  // ten orders later it is canceled, as a market maker's quotes are.
  for (let i = 0; i < 5_000; i++) {
    const placed = h.order({ tif: 'DAY', price: i % 2 === 0 ? '44000' : '43990', expire_at_ms: session_end_ms });
    if (placed.reply.code !== RejectCode.OK) refusals++;
    resting.push(placed.reply.order_id);
    worst = Math.max(worst, h.engine.agent.expiry_queue_length);
    if (resting.length > 10 && h.cancel(resting.shift()!).reply.code !== RejectCode.OK) refusals++;
  }
  t.equal(refusals, 0, 'every order and cancel went through');
  t.equal(h.state.slab.live, 10);
  t.equal(h.engine.agent.expiry_queue_length, 10, 'the queue holds only the open orders');
  t.equal(worst, 11, 'and never more than the eleven open at once');
  const expired = h.advanceMs(8 * 3_600_000);
  t.same(expired.map((e) => e.type), Array(10).fill(EventType.EXPIRED), 'session end expires only the orders still open');
  t.equal(h.engine.agent.expiry_queue_length, 0);
  t.equal(h.state.slab.live, 0);
  t.end();
});

t.test('filled, replaced, mass-canceled and expired orders leave the expiry queue too', (t) => {
  const h = withMarket();
  const now_ms = h.clock.now_us / 1000;
  const later = now_ms + 3_600_000;
  const filled = h.order({ tif: 'DAY', price: '44900', qty: '0.5', expire_at_ms: later }).reply.order_id;
  const replaced = h.order({ tif: 'GTD', price: '44000', expire_at_ms: later }).reply.order_id;
  const by_session = h.order({ tif: 'DAY', price: '44000', expire_at_ms: later, session_id: 3 }).reply.order_id;
  const soon = h.order({ tif: 'GTD', price: '44000', expire_at_ms: now_ms + 1_000 }).reply.order_id;
  h.order({ tif: 'GTC', price: '44000' });
  t.equal(h.engine.agent.expiry_queue_length, 4, 'a GTC order has no expiry');

  const fills = h.setMarket('BTCUSDT', { bid: '44800', ask: '44850', last: '44850' });
  t.same(fills.map((e) => [e.type, e.order_id]), [[EventType.FILL, filled]]);
  t.equal(h.engine.agent.expiry_queue_length, 3, 'after a full fill');

  const replacement = h.replace(replaced, { price: '44100' });
  t.equal(replacement.reply.code, RejectCode.OK);
  t.equal(h.engine.agent.expiry_queue_length, 3, 'a replace swaps one entry for another');

  t.equal(h.massCancel('alice', 3, 0xff).reply.arg, 1);
  t.equal(h.state.slotOf(by_session), -1, 'the session order is canceled');
  t.equal(h.engine.agent.expiry_queue_length, 2, 'after a mass cancel');

  const expired = h.advanceMs(1_000);
  t.same(expired.map((e) => [e.type, e.order_id]), [[EventType.EXPIRED, soon]]);
  t.equal(h.engine.agent.expiry_queue_length, 1, 'after an expiry');
  t.equal(h.engine.agent.expiry_queue_length, openWithExpiry(h));

  const end = h.advanceMs(3_600_000);
  t.same(end.map((e) => [e.type, e.order_id]), [[EventType.EXPIRED, replacement.reply.order_id]], 'the replacement expires at its time');
  t.equal(h.engine.agent.expiry_queue_length, 0);
  t.end();
});
