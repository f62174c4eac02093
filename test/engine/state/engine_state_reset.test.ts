/**
 * EngineState.reset: a worker that rebuilds state again and again (the snapshot task)
 * reuses one state instead of allocating a new one each time, so a reset state must be
 * indistinguishable from a new one: the same hash after the same replay, and an engine
 * started from it must decide exactly as one started from a new state.
 */
import t from 'tap';
import { EVENT_SLOT_BYTES } from '../../../engine/protocol/event_layout.js';
import { slotViewsOver } from '../../../engine/protocol/slot_views.js';
import { EngineState } from '../../../engine/state/engine_state.js';
import { stateHash } from '../../../engine/state/state_hash.js';
import { EngineHarness } from '../../support/engine_harness.js';

/**
 * A varied session: fills, resting limits (post-only, reduce-only), stops, replaces,
 * cancels, a GTD expiry, a kill switch, a halt and trading states, so every structure of
 * the state (slab, index, idempotency window, positions, self-trade heaps, token buckets,
 * flags) holds something. `salt` varies the client order ids and prices.
 */
function session(h: EngineHarness, rounds: number, salt: string): void {
  h.setMarket('BTCUSDT', { bid: '44999', ask: '45001', last: '45000', ask_size: '0.5', bid_size: '0.5' });
  h.setMarket('ETHUSDT', { bid: '2499', ask: '2501', last: '2500' });
  for (let i = 0; i < rounds; i++) {
    h.order({ side: 'buy', type: 'MARKET', tif: 'IOC', qty: '0.2', id: `${salt}-m${i}` });
    const resting = h.order({ side: 'sell', qty: '0.3', price: String(45100 + (i % 7)), post_only: i % 2 === 0, id: `${salt}-r${i}` });
    h.order({ side: 'sell', qty: '0.1', price: String(45200 + i), reduce_only: true, id: `${salt}-ro${i}` });
    h.order({ account: 'bob', symbol: 'ETHUSDT', side: 'buy', qty: '1', price: '2450', tif: 'GTD', expire_at_ms: h.clock.now_us / 1000 + 3_000, id: `${salt}-g${i}` });
    h.order({ account: 'bob', side: 'sell', type: 'STOP', stop: String(44800 - i), qty: '0.2', id: `${salt}-s${i}` });
    if (i % 3 === 0) h.replace(resting.reply.order_id, { price: String(45090 + (i % 5)) });
    if (i % 4 === 1) h.cancel(resting.reply.order_id);
    h.advanceMs(1_000);
  }
  h.killSwitch('bob', true);
  h.killSwitch('bob', false);
  h.halt('ETHUSDT', true);
  h.tradingState('alice', 'REDUCING');
}

function replayInto(state: EngineState, h: EngineHarness): void {
  const views = slotViewsOver(h.journalBytes().buffer);
  for (let i = 0; i < h.all_events.length; i++) state.apply(views, i * EVENT_SLOT_BYTES);
}

t.test('a reset state is empty like a new one and replays a journal to the same hash', (t) => {
  const first = new EngineHarness();
  session(first, 12, 'a');
  const second = new EngineHarness();
  session(second, 7, 'b');
  const fresh = new EngineState(first.state.capacity, first.state.notional_scale);
  const empty_hash = stateHash(fresh);

  const reused = new EngineState(first.state.capacity, first.state.notional_scale);
  replayInto(reused, first);
  t.equal(stateHash(reused), stateHash(first.state), 'the first replay rebuilds the first engine');
  reused.reset();
  t.equal(stateHash(reused), empty_hash, 'reset: the hash of a new state');
  t.equal(reused.slab.live, 0);
  t.equal(reused.dedupe.count, 0);
  t.equal(reused.last_seq, 0);
  for (const name of ['gross_micros', 'net_long_micros', 'net_short_micros', 'value_ticks', 'last_ref_ticks'] as const) {
    t.same(Array.from(reused.portfolio[name]), Array.from(fresh.portfolio[name]), `reset: the portfolio's ${name} as new`);
  }
  replayInto(reused, second);
  t.equal(stateHash(reused), stateHash(second.state), 'a replay after the reset rebuilds the second engine');
  t.end();
});

t.test('an engine started from a reset state emits exactly what one started from a new state does', (t) => {
  const used = new EngineHarness();
  session(used, 12, 'a');
  const state = used.replayState();
  state.reset();

  const from_new = new EngineHarness();
  const from_reset = new EngineHarness({ state });
  // The same client order ids as the session that filled the state: a reset that kept
  // any of the idempotency window would answer some of them as duplicates.
  session(from_new, 12, 'a');
  session(from_reset, 12, 'a');
  t.equal(from_reset.all_events.length, from_new.all_events.length, 'as many events');
  t.same(Buffer.from(from_reset.journalBytes()), Buffer.from(from_new.journalBytes()), 'byte for byte the same journal');
  t.equal(stateHash(from_reset.state), stateHash(from_new.state));
  t.end();
});
