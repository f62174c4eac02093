/**
 * Trading states through a real engine: per account and global, the stricter applies.
 * REDUCING refuses everything but reduce-only orders (TRADING_REDUCING), HALTED everything
 * but cancels (TRADING_HALTED); open orders stay. Each change is a journaled event, so
 * replay restores it to the same state hash.
 */
import t from 'tap';
import { EventType, TradingState } from '../../engine/protocol/enums.js';
import { RejectCode } from '../../engine/protocol/reject_codes.js';
import { stateHash } from '../../engine/state/state_hash.js';
import { EngineHarness } from '../support/engine_harness.js';

function withLong(): EngineHarness {
  const h = new EngineHarness();
  h.setMarket('BTCUSDT', { bid: '44999', ask: '45001', last: '45000' });
  h.order({ side: 'buy', type: 'MARKET', tif: 'IOC', qty: '1' });
  h.order({ account: 'bob', side: 'buy', type: 'MARKET', tif: 'IOC', qty: '1' });
  return h;
}

t.test('REDUCING: new risk is refused, reduce-only orders and cancels pass, and other accounts trade on', (t) => {
  const h = withLong();
  const resting = h.order({ side: 'buy', price: '44000' }).reply.order_id;
  const set = h.tradingState('alice', 'REDUCING');
  t.equal(set.reply.code, RejectCode.OK);
  t.same(set.events.map((e) => [e.type, e.account, e.flag]), [[EventType.TRADING_STATE, h.account('alice'), TradingState.REDUCING]], 'one event');
  t.equal(h.state.book.trading_state[h.account('alice')], TradingState.REDUCING);
  t.ok(h.state.slotOf(resting) >= 0, 'open orders stay');
  const refused = h.order({ side: 'buy', price: '44000' });
  t.equal(refused.reply.code, RejectCode.TRADING_REDUCING, 'a plain order is refused');
  t.equal(refused.events[0].type, EventType.REJECTED, 'as a REJECTED event');
  t.equal(h.order({ side: 'sell', price: '46000', qty: '0.5' }).reply.code, RejectCode.TRADING_REDUCING, 'even a plain sell that would reduce');
  t.equal(h.order({ side: 'sell', price: '46000', qty: '0.5', reduce_only: true }).reply.code, RejectCode.OK, 'a reduce-only sell passes');
  t.equal(h.replace(resting, { price: '44001' }).reply.code, RejectCode.TRADING_REDUCING, 'a replace of a plain order is new risk');
  t.equal(h.check({ side: 'buy', price: '44000' }).code, RejectCode.TRADING_REDUCING, 'a dry run says so');
  t.equal(h.cancel(resting).reply.code, RejectCode.OK, 'a cancel passes');
  t.equal(h.order({ account: 'bob', side: 'buy', price: '44000' }).reply.code, RejectCode.OK, 'bob is ACTIVE');
  h.tradingState('alice', 'ACTIVE');
  t.equal(h.order({ side: 'buy', price: '44000' }).reply.code, RejectCode.OK, 'ACTIVE again');
  t.end();
});

t.test('HALTED: only cancels pass, reduce-only orders included in what is refused', (t) => {
  const h = withLong();
  const resting = h.order({ side: 'sell', price: '46000', qty: '0.5', reduce_only: true }).reply.order_id;
  h.tradingState('alice', 'HALTED');
  t.equal(h.order({ side: 'buy', price: '44000' }).reply.code, RejectCode.TRADING_HALTED);
  t.equal(h.order({ side: 'sell', price: '46000', qty: '0.1', reduce_only: true }).reply.code, RejectCode.TRADING_HALTED);
  t.equal(h.replace(resting, { price: '46001' }).reply.code, RejectCode.TRADING_HALTED, 'replaces too');
  t.equal(h.cancel(resting).reply.code, RejectCode.OK, 'a cancel passes');
  t.end();
});

t.test('the global state applies to every account and the stricter of global and account wins; the kill switch still ranks first', (t) => {
  const h = withLong();
  h.tradingState(null, 'REDUCING');
  t.equal(h.state.global_trading_state, TradingState.REDUCING);
  t.equal(h.order({ account: 'bob', side: 'buy', price: '44000' }).reply.code, RejectCode.TRADING_REDUCING, 'bob too');
  h.tradingState('alice', 'HALTED');
  t.equal(h.order({ side: 'sell', price: '46000', reduce_only: true }).reply.code, RejectCode.TRADING_HALTED, 'alice: HALTED beats the global REDUCING');
  t.equal(h.order({ account: 'bob', side: 'sell', price: '46000', reduce_only: true }).reply.code, RejectCode.OK, 'bob: REDUCING');
  h.tradingState(null, 'HALTED');
  h.tradingState('alice', 'ACTIVE');
  t.equal(h.order({ side: 'buy', price: '44000' }).reply.code, RejectCode.TRADING_HALTED, 'alice ACTIVE, global HALTED: HALTED');
  h.killSwitch('alice', true);
  t.equal(h.order({ side: 'buy', price: '44000' }).reply.code, RejectCode.KILL_SWITCH_ACCOUNT, 'the kill switch answers first');
  t.end();
});

t.test('an unknown account or state is refused and changes nothing', (t) => {
  const h = withLong();
  const before = stateHash(h.state);
  const request_id = h.nextRequestId();
  h.writer.tradingState(request_id, 99, TradingState.HALTED);
  const bad_state = h.nextRequestId();
  h.writer.tradingState(bad_state, 0, 7);
  const { replies, events } = h.batch(() => undefined);
  t.same(replies.map((r) => r.code), [RejectCode.UNKNOWN_ACCOUNT, RejectCode.VALUE_OUT_OF_RANGE]);
  t.same(events, []);
  t.equal(stateHash(h.state), before);
  t.end();
});

t.test('replay restores trading states to the same state hash, and the hash covers them', (t) => {
  const h = withLong();
  h.tradingState('alice', 'REDUCING');
  h.tradingState(null, 'HALTED');
  h.tradingState('bob', 'HALTED');
  h.tradingState('bob', 'ACTIVE');
  const replayed = h.replayState();
  t.equal(stateHash(replayed), stateHash(h.state), 'the same hash');
  t.equal(replayed.book.trading_state[h.account('alice')], TradingState.REDUCING);
  t.equal(replayed.book.trading_state[h.account('bob')], TradingState.ACTIVE);
  t.equal(replayed.global_trading_state, TradingState.HALTED);
  const restricted = stateHash(h.state);
  h.state.book.trading_state[h.account('alice')] = TradingState.ACTIVE;
  t.not(stateHash(h.state), restricted, 'the hash covers an account\'s state');
  h.state.global_trading_state = TradingState.ACTIVE;
  t.not(stateHash(h.state), restricted, 'and the global one');
  t.end();
});
