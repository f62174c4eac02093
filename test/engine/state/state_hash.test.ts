/**
 * Determinism: the events alone rebuild the engine's state. Replaying every event the live
 * engine emitted into a fresh EngineState gives the same state hash, and STATE_HASH
 * commands let a replay check itself at points of the stream.
 */
import t from 'tap';
import { EventType, OrderType, TimeInForce } from '../../../engine/protocol/enums.js';
import { EVENT_SLOT_BYTES } from '../../../engine/protocol/event_layout.js';
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import { slotViewsOver } from '../../../engine/protocol/slot_views.js';
import { EngineState } from '../../../engine/state/engine_state.js';
import { stateHash } from '../../../engine/state/state_hash.js';
import { EngineCounter } from '../../../engine/telemetry/engine_counters.js';
import { EngineHarness } from '../../support/engine_harness.js';

/**
 * A session that produces every event type: fills, partial fills, replaces, cancels,
 * expiry, stops, if-touched and trailing orders (fired, moved and waiting), contingent
 * lists (a member canceled by its sibling, a held child released, a bracket held), admin. `step` runs after every action (e.g. to request a STATE_HASH).
 */
function busyDay(h: EngineHarness, step: () => void = () => {}): void {
  const now_ms = h.clock.now_us / 1000;
  let partial = 0;
  let replaced = 0;
  const actions: (() => unknown)[] = [
    () => h.setMarket('BTCUSDT', { bid: '44999', ask: '45001', last: '45000', ask_size: '0.3', bid_size: '0.4' }),
    () => h.setMarket('ETHUSDT', { bid: '2499', ask: '2501', last: '2500' }),
    () => { partial = h.order({ qty: '1', price: '45001', id: 'p' }).reply.order_id; },
    () => h.order({ account: 'bob', side: 'sell', qty: '0.5', price: '44999' }),
    () => h.order({ side: 'sell', symbol: 'ETHUSDT', qty: '2', price: '2600', session_id: 3, tif: 'DAY', expire_at_ms: now_ms + 60_000 }),
    () => h.order({ symbol: 'ETHUSDT', qty: '2', price: '2400', tif: 'GTD', expire_at_ms: now_ms + 1_000 }),
    () => h.order({ type: 'STOP', stop: '45100', qty: '0.2' }),
    () => h.order({ account: 'bob', type: 'STOP_LIMIT', side: 'sell', stop: '44900', price: '44890', qty: '0.2' }),
    // If-touched orders: both fire on the marks below (one more, placed after the kill switch, waits to the end).
    () => h.order({ type: 'MARKET_IF_TOUCHED', stop: '44950', qty: '0.1' }),
    () => h.order({ account: 'bob', side: 'sell', type: 'LIMIT_IF_TOUCHED', stop: '45050', price: '45040', qty: '0.1' }),
    // Trailing orders: bob's sell stop-limit trails the next rise and fires on the fall; alice's buy stop trails the fall.
    () => h.order({ account: 'bob', side: 'sell', type: 'TRAILING_STOP_LIMIT', trail: '50', limit_offset: '5', qty: '0.1' }),
    () => h.order({ type: 'TRAILING_STOP', trail_bps: 50, qty: '0.1' }),
    () => h.order({ price: '1' }),
    () => { replaced = h.replace(partial, { qty: '1.5', price: '44000' }).reply.order_id; },
    () => h.replace(replaced, { price: '44100' }),
    () => h.order({ id: 'p', qty: '1', price: '45001' }),
    () => h.setMarket('BTCUSDT', { bid: '45099', ask: '45100', last: '45100' }),
    () => h.advanceMs(1_000),
    () => h.halt('ETHUSDT', true),
    () => h.setMarket('ETHUSDT', { bid: '2390', ask: '2399', last: '2399' }),
    () => h.halt('ETHUSDT', false),
    () => h.swapLimits({ accounts: { bob: { max_open_orders: 50 } } }, 2),
    () => h.massCancel('alice', 3, 1 << TimeInForce.DAY),
    () => h.stateHash(),
    () => h.setMarket('BTCUSDT', { bid: '44890', ask: '44895', last: '44890' }),
    () => h.killSwitch('bob', true),
    () => h.killSwitch('bob', false),
    () => h.order({ account: 'bob', qty: '0.1', price: '44000' }),
    () => h.killSwitch(null, true),
    () => h.killSwitch(null, false),
    () => h.order({ type: 'LIMIT_IF_TOUCHED', stop: '44100', price: '44090', qty: '0.1' }),
    () => h.order({ side: 'sell', type: 'TRAILING_STOP_LIMIT', trail: '100', limit_offset: '10', qty: '0.1' }),
    () => h.setMarket('BTCUSDT', { bid: '44920', ask: '44925', last: '44920' }),
    () => h.order({ qty: '0.1', price: '44000' }),
    () => h.tradingState('bob', 'REDUCING'),
    () => h.order({ account: 'bob', qty: '0.1', price: '44000' }),
    () => h.order({ account: 'bob', side: 'buy', qty: '1', price: '44000', reduce_only: true, post_only: true }),
    () => h.tradingState(null, 'HALTED'),
    () => h.tradingState(null, 'ACTIVE'),
    () => h.tradingState('bob', 'ACTIVE'),
    // Contingent lists: an OCO pair whose sell fills on arrival (the buy canceled), an OTO
    // whose parent fills and releases its child, a bracket left waiting (bob, on ETH; the
    // kill switch below takes it, held exits and all).
    () => h.orderList('OCO', [{ qty: '0.1', price: '44000' }, { side: 'sell', qty: '0.1', price: '44920' }]),
    () => h.orderList('OTO', [{ qty: '0.1', price: '44925' }, { side: 'sell', qty: '0.1', price: '46000' }]),
    () => h.orderList('BRACKET', [
      { account: 'bob', symbol: 'ETHUSDT', qty: '1', price: '2300' }, { account: 'bob', symbol: 'ETHUSDT', side: 'sell', qty: '1', price: '2600' },
      { account: 'bob', symbol: 'ETHUSDT', side: 'sell', type: 'STOP', stop: '2200', qty: '1' },
    ]),
    // Portfolio limits that refuse, and the kill switch as HALTED plus cancel-all.
    () => h.swapLimits({ accounts: { alice: { max_gross_notional: '20000', max_net_notional: '10000' } } }, 3),
    () => h.order({ qty: '0.5', price: '44000' }),
    () => h.order({ qty: '0.1', price: '44000', id: 'pf' }),
    () => h.order({ account: 'bob', qty: '0.1', price: '44000' }),
    () => h.tradingState('bob', 'HALTED', true),
    () => h.tradingState('bob', 'ACTIVE'),
  ];
  for (const action of actions) {
    action();
    step();
  }
}

t.test('replaying every emitted event into a fresh state gives the live state hash', (t) => {
  const h = new EngineHarness();
  busyDay(h);
  const types = new Set(h.all_events.map((e) => e.type));
  t.same([...types].sort((a, b) => a - b), Object.values(EventType), 'the session produced every event type');
  const replayed = h.replayState();
  const live = h.state;
  t.equal(stateHash(replayed), stateHash(live));
  t.equal(replayed.last_seq, live.last_seq);
  t.equal(replayed.next_order_id, live.next_order_id);
  t.same(Array.from(replayed.book.position_lots), Array.from(live.book.position_lots));
  t.same(Array.from(replayed.book.open_notional_micros), Array.from(live.book.open_notional_micros));
  t.same(Array.from(replayed.book.open_orders), Array.from(live.book.open_orders));
  t.equal(replayed.limits_version, 3);
  t.equal(replayed.dedupe.count, live.dedupe.count);
  t.ok(h.all_events.some((e) => e.type === EventType.REJECTED && (e.reject_code === RejectCode.PORTFOLIO_GROSS_LIMIT || e.reject_code === RejectCode.PORTFOLIO_NET_LIMIT)), 'a portfolio limit refused an order');
  t.equal(replayed.book.open_orders[h.account('bob')], 0, 'the kill switch\'s cancels replay');
  replayed.portfolio.rebuild(h.engine.marks.last_ticks);
  for (const name of ['gross_micros', 'net_long_micros', 'net_short_micros'] as const) {
    t.same(Array.from(replayed.portfolio[name]).map(Math.round), Array.from(live.portfolio[name]).map(Math.round), `replayed ${name}, valued at the same marks`);
  }
  const fired = h.all_events.filter((e) => e.type === EventType.TRIGGERED).map((e) => e.order_type);
  t.ok(fired.length >= 4, 'stops and if-touched orders fired');
  const waiting = [...Array(live.slab.capacity).keys()].filter((s) => live.slab.status[s] !== 0 && live.slab.order_type[s] === OrderType.LIMIT_IF_TOUCHED);
  t.equal(waiting.length, 1, 'an if-touched order is still waiting at the end, so the hash covers one untriggered');
  const moved = h.all_events.filter((e) => e.type === EventType.TRIGGER_MOVED).map((e) => [e.order_id, e.stop_price_ticks]);
  t.ok(moved.length >= 3, `trailing triggers moved: ${JSON.stringify(moved)}`);
  const trailing = [...Array(live.slab.capacity).keys()].filter((s) => live.slab.status[s] !== 0 && live.slab.order_type[s] === OrderType.TRAILING_STOP_LIMIT);
  t.equal(trailing.length, 1, 'a trailing stop-limit still trails at the end, its moved trigger part of the hash');
  t.end();
});

t.test('replay agrees with the live engine after every command', (t) => {
  const h = new EngineHarness();
  busyDay(h, () => h.stateHash());
  let checked = 0;
  let mismatches = 0;
  h.replayState((state, event) => {
    if (event.type !== EventType.STATE_HASH) return;
    checked++;
    if (stateHash(state) !== event.arg) mismatches++;
  });
  t.ok(checked >= 27, `${checked} STATE_HASH checkpoints`);
  t.equal(mismatches, 0, 'every checkpoint the live engine published matches the replay at the same point');
  t.end();
});

t.test('a STATE_HASH command answers the hash of the state after the previous event', (t) => {
  const h = new EngineHarness();
  h.setMarket('BTCUSDT', { bid: '44999', ask: '45001', last: '45000' });
  h.order({ price: '44000' });
  const before = stateHash(h.state);
  const outcome = h.stateHash();
  t.equal(outcome.reply.code, RejectCode.OK);
  t.equal(outcome.reply.arg, before, 'the reply carries the hash');
  t.same(outcome.events.map((e) => [e.type, e.arg]), [[EventType.STATE_HASH, before]], 'and so does the event');
  t.equal(h.counters[EngineCounter.STATE_HASH], before);
  t.ok(Number.isSafeInteger(before) && before > 2 ** 32, 'a 53-bit integer');
  t.not(stateHash(h.state), before, 'the STATE_HASH event itself moves the sequence, so the hash after it differs');
  h.order({ price: '44001' });
  const second = h.stateHash();
  let replayed = -1;
  h.replayState((state, event) => { if (event.seq === second.events[0].seq) replayed = stateHash(state); });
  t.equal(second.reply.arg, replayed, 'a replay reaching the same point computes the same hash');
  t.end();
});

t.test('the state hash changes with each thing replay must reproduce', (t) => {
  const base = (): EngineHarness => {
    const h = new EngineHarness();
    h.setMarket('BTCUSDT', { bid: '44999', ask: '45001', last: '45000' });
    return h;
  };
  const hashes = new Map<string, number>();
  const variants: Record<string, (h: EngineHarness) => void> = {
    'price 44000': (h) => h.order({ price: '44000', id: 'x' }),
    'price 44001': (h) => h.order({ price: '44001', id: 'x' }),
    'qty 2': (h) => h.order({ price: '44000', qty: '2', id: 'x' }),
    'other client id': (h) => h.order({ price: '44000', id: 'y' }),
    'bob': (h) => h.order({ account: 'bob', price: '44000', id: 'x' }),
    'sell': (h) => h.order({ side: 'sell', price: '46000', id: 'x' }),
    'halt': (h) => h.halt('ETHUSDT', true),
    'kill switch': (h) => h.killSwitch('bob', true),
    'trailing 100': (h) => h.order({ side: 'sell', type: 'TRAILING_STOP', stop: '44000', trail: '100', id: 'x' }),
    'trailing 200': (h) => h.order({ side: 'sell', type: 'TRAILING_STOP', stop: '44000', trail: '200', id: 'x' }),
    'trailing 200 bps': (h) => h.order({ side: 'sell', type: 'TRAILING_STOP', stop: '44000', trail_bps: 200, id: 'x' }),
  };
  for (const [name, run] of Object.entries(variants)) {
    const h = base();
    run(h);
    hashes.set(name, stateHash(h.state));
  }
  t.equal(new Set(hashes.values()).size, hashes.size, 'every variant hashes differently');
  t.end();
});

t.test('the state hash does not depend on which slab slots the orders occupy', (t) => {
  // Same open orders, reached through different histories, lay out the slab differently.
  const a = new EngineState({ accounts: 2, symbols: 1, max_open_orders: 8, dedupe_window: 16 }, [1]);
  const b = new EngineState({ accounts: 2, symbols: 1, max_open_orders: 8, dedupe_window: 16 }, [1]);
  const h = new EngineHarness();
  h.setMarket('BTCUSDT', { bid: '44999', ask: '45001', last: '45000' });
  h.order({ price: '44000', id: 'one' });
  h.order({ price: '44001', id: 'two' });
  const journal = h.journalBytes();
  const views = slotViewsOver(journal.buffer);
  // Pre-use slots differently in b: take and free two slots so its free list is reversed.
  const s0 = b.slab.allocate(0);
  const s1 = b.slab.allocate(0);
  b.slab.release(s0);
  b.slab.release(s1);
  for (const state of [a, b]) for (let i = 0; i < 2; i++) state.apply(views, i * EVENT_SLOT_BYTES);
  t.not(a.slotOf(1), b.slotOf(1), 'the orders sit in different slots');
  t.equal(stateHash(a), stateHash(b));
  t.end();
});
