/**
 * EngineState.apply is the only mutator: it refuses events that cannot follow the current
 * state, and a state rebuilt from events is a full engine state (recovery carries on).
 */
import t from 'tap';
import { EventType, OrderStatus } from '../../../engine/protocol/enums.js';
import {
  EV_FILLED_QTY_LOTS, EV_ORDER_ID, EV_SEQ, EV_STATUS, EV_TYPE, EVENT_SLOT_BYTES,
} from '../../../engine/protocol/event_layout.js';
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import { REPLY_FLAG_DUPLICATE } from '../../../engine/protocol/reply_layout.js';
import { slotViewsOver, SlotViews } from '../../../engine/protocol/slot_views.js';
import { EngineState, StateCorruptionError } from '../../../engine/state/engine_state.js';
import { stateHash } from '../../../engine/state/state_hash.js';
import { EngineHarness } from '../../support/engine_harness.js';

function session(): EngineHarness {
  const h = new EngineHarness();
  h.setMarket('BTCUSDT', { bid: '44999', ask: '45001', last: '45000', ask_size: '0.3' });
  h.order({ qty: '1', price: '45001' }); // 1 ACCEPTED, 2 FILL (partial)
  h.order({ price: '44000' }); // 3 ACCEPTED
  h.cancel(2); // 4 CANCELED
  return h;
}

function freshState(h: EngineHarness): EngineState {
  return new EngineState(h.state.capacity, h.state.notional_scale);
}

/** Applies events [from, to) of a journal copy. */
function applyRange(state: EngineState, views: SlotViews, from: number, to: number): void {
  for (let i = from; i < to; i++) state.apply(views, i * EVENT_SLOT_BYTES);
}

t.test('an event whose sequence does not follow the last one is refused', (t) => {
  const h = session();
  const views = slotViewsOver(h.journalBytes().buffer);
  const state = freshState(h);
  t.throws(() => state.apply(views, 1 * EVENT_SLOT_BYTES), StateCorruptionError, 'a gap');
  applyRange(state, views, 0, 2);
  t.throws(() => state.apply(views, 1 * EVENT_SLOT_BYTES), /does not follow/, 'a repeat');
  t.equal(state.last_seq, 2, 'a refused event changes nothing');
  t.end();
});

t.test('an event naming an order that is not open is refused', (t) => {
  const h = session();
  const journal = h.journalBytes();
  const views = slotViewsOver(journal.buffer);
  const state = freshState(h);
  applyRange(state, views, 0, 3);
  const cancel = 3 * EVENT_SLOT_BYTES;
  views.f64[(cancel + EV_ORDER_ID) >> 3] = 99;
  t.throws(() => state.apply(views, cancel), /not open/);
  t.end();
});

t.test('an event that would make an illegal status transition is refused', (t) => {
  const h = session();
  const views = slotViewsOver(h.journalBytes().buffer);
  const state = freshState(h);
  applyRange(state, views, 0, 1);
  // Turn the partial FILL into one that claims the order became REJECTED.
  const fill = 1 * EVENT_SLOT_BYTES;
  t.equal(views.u8[fill + EV_TYPE], EventType.FILL);
  views.u8[fill + EV_STATUS] = OrderStatus.REJECTED;
  t.throws(() => state.apply(views, fill), /illegal transition/);
  t.end();
});

t.test('an order opened twice or with a final status is refused, and so is an unknown event type', (t) => {
  const h = session();
  const views = slotViewsOver(h.journalBytes().buffer);
  const state = freshState(h);
  applyRange(state, views, 0, 2);
  const reopen = slotViewsOver(h.journalBytes().buffer);
  reopen.f64[(0 + EV_SEQ) >> 3] = 3;
  t.throws(() => state.apply(reopen, 0), /opened twice/);
  const filled_open = slotViewsOver(h.journalBytes().buffer);
  filled_open.f64[(2 * EVENT_SLOT_BYTES + EV_FILLED_QTY_LOTS) >> 3] = 0;
  filled_open.u8[2 * EVENT_SLOT_BYTES + EV_STATUS] = OrderStatus.FILLED;
  t.throws(() => state.apply(filled_open, 2 * EVENT_SLOT_BYTES), /opened with status/);
  const unknown = slotViewsOver(h.journalBytes().buffer);
  unknown.u8[2 * EVENT_SLOT_BYTES + EV_TYPE] = 42;
  t.throws(() => state.apply(unknown, 2 * EVENT_SLOT_BYTES), /unknown event type/);
  t.end();
});

t.test('an engine started from a replayed state carries on where the live one stopped', (t) => {
  const live = new EngineHarness();
  const now_ms = live.clock.now_us / 1000;
  live.setMarket('BTCUSDT', { bid: '44999', ask: '45001', last: '45000', ask_size: '0.3' });
  const partial = live.order({ qty: '1', price: '44990', id: 'resting' }).reply.order_id;
  const gtd = live.order({ qty: '0.1', price: '44000', tif: 'GTD', expire_at_ms: now_ms + 5_000 }).reply.order_id;
  const stop = live.order({ account: 'bob', side: 'sell', type: 'STOP', stop: '44800', qty: '0.2' }).reply.order_id;
  live.order({ qty: '0.1', price: '45001' });
  const live_hash = stateHash(live.state);

  const recovered = new EngineHarness({ state: live.replayState() });
  t.equal(stateHash(recovered.state), live_hash, 'recovered from the journal');
  recovered.setMarket('BTCUSDT', { bid: '44999', ask: '45001', last: '45000', ask_size: '0.3' });
  t.equal(recovered.order({ qty: '1', price: '44990', id: 'resting' }).reply.flag, REPLY_FLAG_DUPLICATE,
    'client order ids survive recovery');
  const next = recovered.order({ price: '44000', id: 'after-recovery' });
  t.ok(next.reply.order_id > stop, 'order ids continue after the recovered ones');
  t.equal(next.events[0].seq, live.state.last_seq + 1, 'and so does the event sequence');
  const fills = recovered.setMarket('BTCUSDT', { bid: '44700', ask: '44980', last: '44750', ask_size: '5', bid_size: '5' });
  t.same(fills.map((e) => [e.type, e.order_id]).filter(([type]) => type !== EventType.ACCEPTED), [
    [EventType.TRIGGERED, stop], [EventType.FILL, stop], [EventType.FILL, partial],
  ], 'resting orders and stops are back in the venue');
  const expired = recovered.advanceMs(5_000);
  t.same(expired.map((e) => [e.type, e.order_id]), [[EventType.EXPIRED, gtd]], 'expiry is re-armed');
  t.equal(recovered.order({ qty: '1', price: '100', id: 'fat-finger' }).reply.code, RejectCode.PRICE_COLLAR,
    'risk runs on the recovered state');
  t.end();
});
