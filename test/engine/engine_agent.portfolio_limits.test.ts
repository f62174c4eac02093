/**
 * Portfolio limits through a real engine: per account, a net and a gross notional across
 * all symbols, valued at the mark, open orders counted. The sums move with accepts, fills,
 * cancels, replaces and marks; reduce-only orders are exempt; replay rebuilds the same sums.
 * And the kill switch as a trading state: HALTED plus cancel-all, journaled.
 */
import t from 'tap';
import { EventType, ExecReason, OrderStatus, TradingState } from '../../engine/protocol/enums.js';
import { RejectCode } from '../../engine/protocol/reject_codes.js';
import { LimitOverrides } from '../../engine/reference/risk_limits.js';
import { stateHash } from '../../engine/state/state_hash.js';
import { EngineHarness } from '../support/engine_harness.js';

type AccountOverride = NonNullable<NonNullable<LimitOverrides['accounts']>[string]>;

function withMarkets(alice: AccountOverride): EngineHarness {
  const h = new EngineHarness({ overrides: { accounts: { alice } } });
  h.setMarket('BTCUSDT', { bid: '44999', ask: '45001', last: '45000' });
  h.setMarket('ETHUSDT', { bid: '2999', ask: '3001', last: '3000' });
  return h;
}

/** Alice's portfolio sums in quote units: [gross, net if every buy filled, net if every sell filled]. */
function usage(h: EngineHarness, account = 'alice'): [number, number, number] {
  const reply = h.accountStatus(account, true).reply;
  if (reply.code !== RejectCode.OK) throw new Error(`ACCOUNT_STATUS refused: ${reply.code}`);
  return [reply.amount / 1e6, reply.arg / 1e6, reply.order_id / 1e6];
}

t.test('the gross limit counts open orders of every symbol, on both sides, at the mark', (t) => {
  const h = withMarkets({ max_gross_notional: '100000' });
  t.equal(h.order({ side: 'buy', price: '44000', qty: '1' }).reply.code, RejectCode.OK);
  t.equal(h.order({ symbol: 'ETHUSDT', side: 'buy', price: '2900', qty: '10' }).reply.code, RejectCode.OK);
  t.same(usage(h), [75_000, 75_000, 0], 'valued at the mark (45000, 3000), not at the limit prices');
  const refused = h.order({ symbol: 'ETHUSDT', side: 'sell', price: '3100', qty: '10' });
  t.equal(refused.reply.code, RejectCode.PORTFOLIO_GROSS_LIMIT, 'a sell adds to gross as well: 75000 + 30000 > 100000');
  t.equal(refused.events[0].type, EventType.REJECTED, 'a REJECTED event, like every risk refusal');
  t.equal(h.check({ symbol: 'ETHUSDT', side: 'buy', price: '2900', qty: '10' }).code, RejectCode.PORTFOLIO_GROSS_LIMIT, 'the dry run agrees');
  t.equal(h.order({ symbol: 'ETHUSDT', side: 'sell', price: '3100', qty: '8' }).reply.code, RejectCode.OK, '99000 fits');
  t.equal(h.order({ account: 'bob', side: 'buy', price: '44000', qty: '10' }).reply.code, RejectCode.OK, 'bob has no portfolio limit');
  t.end();
});

t.test('the net limit bounds each direction: buys against the long side, sells against the short side', (t) => {
  const h = withMarkets({ max_net_notional: '80000' });
  h.order({ side: 'buy', price: '44000', qty: '1' });
  h.order({ symbol: 'ETHUSDT', side: 'buy', price: '2900', qty: '10' });
  t.equal(h.order({ symbol: 'ETHUSDT', side: 'buy', price: '2900', qty: '5' }).reply.code, RejectCode.PORTFOLIO_NET_LIMIT, '90000 long');
  t.equal(h.order({ symbol: 'ETHUSDT', side: 'sell', price: '3100', qty: '20' }).reply.code, RejectCode.OK, 'a sell of 60000: net if it filled is -60000');
  t.same(usage(h), [135_000, 75_000, -60_000]);
  t.equal(h.order({ side: 'sell', price: '46000', qty: '0.5' }).reply.code, RejectCode.PORTFOLIO_NET_LIMIT, 'another 22500 sold: -82500');
  t.equal(h.order({ side: 'sell', price: '46000', qty: '0.3' }).reply.code, RejectCode.OK, '-73500 fits');
  t.end();
});

t.test('the sums move with fills, cancels, replaces and marks', (t) => {
  const h = withMarkets({ max_gross_notional: '100000' });
  const resting = h.order({ side: 'buy', price: '44000', qty: '1' }).reply.order_id;
  t.same(usage(h), [45_000, 45_000, 0]);
  h.setMarket('BTCUSDT', { bid: '47999', ask: '48001', last: '48000' });
  t.same(usage(h), [48_000, 48_000, 0], 'a new mark revalues the open order');
  t.equal(h.order({ side: 'buy', price: '47000', qty: '1.1' }).reply.code, RejectCode.PORTFOLIO_GROSS_LIMIT, '48000 + 52800 > 100000');
  const replaced = h.replace(resting, { qty: '0.5' });
  t.equal(replaced.reply.code, RejectCode.OK);
  t.same(usage(h), [24_000, 24_000, 0], 'a replace counts the new quantity only');
  const grown = h.replace(replaced.reply.order_id, { qty: '2' });
  t.equal(grown.reply.code, RejectCode.OK, 'its own 24000 is set aside: 96000 fits');
  t.equal(h.replace(grown.reply.order_id, { qty: '2.1' }).reply.code, RejectCode.PORTFOLIO_GROSS_LIMIT, '100800 does not');
  h.cancel(grown.reply.order_id);
  t.same(usage(h), [0, 0, 0], 'a cancel releases it');
  const fill = h.order({ side: 'buy', type: 'MARKET', tif: 'IOC', qty: '1' });
  t.ok(fill.events.some((e) => e.type === EventType.FILL), 'filled');
  t.same(usage(h), [48_000, 48_000, 48_000], 'a position counts on both net sides, at the mark');
  h.order({ side: 'sell', type: 'MARKET', tif: 'IOC', qty: '1' });
  t.same(usage(h), [0, 0, 0], 'flat again');
  t.end();
});

t.test('reduce-only orders are exempt from both portfolio limits; plain orders that reduce are not', (t) => {
  const h = withMarkets({});
  h.order({ side: 'buy', type: 'MARKET', tif: 'IOC', qty: '2' });
  h.swapLimits({ accounts: { alice: { max_gross_notional: '50000', max_net_notional: '50000' } } }, 2);
  t.same(usage(h), [90_000, 90_000, 90_000], 'long 2 BTC at 45000, over both limits now');
  t.equal(h.order({ symbol: 'ETHUSDT', side: 'buy', price: '2900', qty: '1' }).reply.code, RejectCode.PORTFOLIO_NET_LIMIT, 'new risk is refused');
  t.equal(h.order({ side: 'sell', price: '46000', qty: '1' }).reply.code, RejectCode.PORTFOLIO_GROSS_LIMIT, 'a plain sell adds to gross');
  t.equal(h.order({ side: 'sell', price: '46000', qty: '1', reduce_only: true }).reply.code, RejectCode.OK, 'a reduce-only sell passes');
  t.equal(h.check({ side: 'sell', price: '46000', qty: '0.5', reduce_only: true }).code, RejectCode.OK, 'and its dry run');
  t.end();
});

t.test('limits absent mean no limit; GET-style status shows the sums for every account', (t) => {
  const h = withMarkets({});
  t.equal(h.banks[0].max_net_notional_micros[h.account('alice')], Infinity);
  t.equal(h.banks[0].max_gross_notional_micros[h.account('alice')], Infinity);
  t.equal(h.order({ side: 'buy', price: '44000', qty: '50' }).reply.code, RejectCode.OK);
  t.same(usage(h), [2_250_000, 2_250_000, 0]);
  t.same(usage(h, 'bob'), [0, 0, 0]);
  t.end();
});

t.test('replay rebuilds the same state hash, and the same sums once valued at the same marks', (t) => {
  const h = withMarkets({ max_gross_notional: '1000000' });
  h.order({ side: 'buy', type: 'MARKET', tif: 'IOC', qty: '2' });
  h.order({ symbol: 'ETHUSDT', side: 'sell', price: '3100', qty: '10' });
  h.order({ account: 'bob', symbol: 'ETHUSDT', side: 'buy', price: '2900', qty: '3' });
  h.setMarket('BTCUSDT', { bid: '46999', ask: '47001', last: '47000' });
  h.order({ side: 'sell', type: 'MARKET', tif: 'IOC', qty: '0.5' });
  const replayed = h.replayState();
  t.equal(stateHash(replayed), stateHash(h.state));
  replayed.portfolio.rebuild(h.engine.marks.last_ticks);
  for (const name of ['gross_micros', 'net_long_micros', 'net_short_micros'] as const) {
    for (let a = 0; a < 2; a++) t.ok(Math.abs(replayed.portfolio[name][a] - h.state.portfolio[name][a]) < 1e-3, `${name}[${a}]`);
  }
  t.same(usage(h), [70_500 + 30_000, 70_500, 70_500 - 30_000]);
  // Without marks (straight after replay), the last price an event named values each symbol.
  const unpriced = h.replayState();
  unpriced.portfolio.rebuild(null);
  t.ok(unpriced.portfolio.gross_micros[h.account('alice')] > 0, 'positions are not valued at zero before the first mark');
  t.end();
});

t.test('the kill switch as a trading state: HALTED plus cancel-all, journaled, for one account or all', (t) => {
  const h = withMarkets({});
  const a1 = h.order({ side: 'buy', price: '44000', qty: '1' }).reply.order_id;
  const a2 = h.order({ symbol: 'ETHUSDT', side: 'sell', price: '3100', qty: '1' }).reply.order_id;
  const b1 = h.order({ account: 'bob', side: 'buy', price: '44000', qty: '1' }).reply.order_id;
  const kill = h.tradingState('alice', 'HALTED', true);
  t.equal(kill.reply.code, RejectCode.OK);
  t.equal(kill.reply.arg, 2, 'the reply counts the canceled orders');
  t.same(kill.events.map((e) => e.type), [EventType.TRADING_STATE, EventType.CANCELED, EventType.CANCELED], 'the state first, then the cancels');
  t.same(kill.events.slice(1).map((e) => [e.order_id, e.reason]).sort(), [[a1, ExecReason.KILL_SWITCH], [a2, ExecReason.KILL_SWITCH]].sort());
  t.equal(kill.events[0].flag, TradingState.HALTED, 'the event carries the state, not the cancel bit');
  t.ok(kill.events.slice(1).every((e) => e.status === OrderStatus.CANCELED));
  t.ok(h.state.slotOf(b1) >= 0, 'bob keeps his order');
  t.equal(h.order({ side: 'buy', price: '44000' }).reply.code, RejectCode.TRADING_HALTED);
  const replayed = h.replayState();
  t.equal(stateHash(replayed), stateHash(h.state), 'replay: the same state');
  t.equal(replayed.book.trading_state[h.account('alice')], TradingState.HALTED);
  t.equal(replayed.slotOf(a1), -1, 'canceled after replay too');
  const all = h.tradingState(null, 'HALTED', true);
  t.equal(all.reply.arg, 1, 'global: every account\'s orders');
  t.equal(h.state.slab.live, 0);
  h.tradingState(null, 'ACTIVE');
  h.tradingState('alice', 'ACTIVE');
  t.equal(h.order({ side: 'buy', price: '44000' }).reply.code, RejectCode.OK, 'released');
  t.end();
});
