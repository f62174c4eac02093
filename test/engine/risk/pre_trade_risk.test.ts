/**
 * Every pre-trade risk rule, driven through a real engine: each test makes one limit small
 * (limit overrides or a swapped bank), shows an order just inside it is accepted and one
 * just outside is refused with the rule's code, and that the refusal is a REJECTED event.
 */
import t from 'tap';
import { EventType, ExecReason, OrderStatus, RiskLevel, RiskWarning } from '../../../engine/protocol/enums.js';
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import { REJECTS_BY_CODE_OFFSET } from '../../../engine/telemetry/engine_counters.js';
import { EngineHarness, HarnessOptions, Outcome } from '../../support/engine_harness.js';

type Asserts = Pick<typeof t, 'equal' | 'same' | 'ok'>;

function withMarket(options: HarnessOptions = {}): EngineHarness {
  const h = new EngineHarness(options);
  h.setMarket('BTCUSDT', { bid: '44999', ask: '45001', last: '45000' });
  h.setMarket('ETHUSDT', { bid: '2499', ask: '2501', last: '2500' });
  return h;
}

function accepted(t: Asserts, outcome: Outcome, what: string): number {
  t.equal(outcome.reply.code, RejectCode.OK, `${what}: accepted`);
  t.equal(outcome.events[0]?.type, EventType.ACCEPTED, `${what}: an ACCEPTED event`);
  return outcome.reply.order_id;
}

function refused(t: Asserts, h: EngineHarness, outcome: Outcome, code: number, what: string): void {
  t.equal(outcome.reply.code, code, `${what}: refused with ${code}`);
  t.same(outcome.events.map((e) => [e.type, e.reject_code, e.status]), [[EventType.REJECTED, code, OrderStatus.REJECTED]],
    `${what}: exactly one REJECTED event carrying the code`);
  t.ok(h.counters[REJECTS_BY_CODE_OFFSET + code] > 0, `${what}: counted under its code`);
}

t.test('the global kill switch cancels every open order, refuses new ones, and releasing it allows them again', (t) => {
  const h = withMarket();
  const a = accepted(t, h.order({ account: 'alice', side: 'buy', price: '44000' }), 'alice rests');
  const b = accepted(t, h.order({ account: 'bob', side: 'sell', price: '46000' }), 'bob rests');
  const engage = h.killSwitch(null, true);
  t.equal(engage.reply.code, RejectCode.OK);
  t.equal(engage.reply.arg, 2, 'the reply counts the canceled orders');
  t.same(engage.events.map((e) => e.type), [EventType.KILL_SWITCH, EventType.CANCELED, EventType.CANCELED]);
  t.same(engage.events.slice(1).map((e) => e.order_id).sort(), [a, b].sort());
  t.ok(engage.events.slice(1).every((e) => e.reason === ExecReason.KILL_SWITCH && e.status === OrderStatus.CANCELED));
  t.equal(h.state.slab.live, 0);
  refused(t, h, h.order({ account: 'alice', price: '44000' }), RejectCode.KILL_SWITCH_GLOBAL, 'alice while engaged');
  refused(t, h, h.order({ account: 'bob', price: '44000' }), RejectCode.KILL_SWITCH_GLOBAL, 'bob while engaged');
  const release = h.killSwitch(null, false);
  t.same(release.events.map((e) => [e.type, e.flag, e.account]), [[EventType.KILL_SWITCH, 0, -1]]);
  accepted(t, h.order({ account: 'alice', price: '44000' }), 'alice after release');
  t.end();
});

t.test('an account kill switch cancels and refuses only that account', (t) => {
  const h = withMarket();
  accepted(t, h.order({ account: 'alice', price: '44000' }), 'alice rests');
  accepted(t, h.order({ account: 'alice', symbol: 'ETHUSDT', side: 'sell', price: '2600' }), 'alice rests on ETH');
  const bob = accepted(t, h.order({ account: 'bob', price: '44000' }), 'bob rests');
  const engage = h.killSwitch('alice', true);
  t.equal(engage.reply.arg, 2);
  t.ok(engage.events.slice(1).every((e) => e.account === h.account('alice')), 'only alice is canceled');
  t.ok(h.state.slotOf(bob) >= 0, "bob's order is still open");
  refused(t, h, h.order({ account: 'alice', price: '44000' }), RejectCode.KILL_SWITCH_ACCOUNT, 'alice while engaged');
  accepted(t, h.order({ account: 'bob', price: '44000' }), 'bob trades on');
  h.killSwitch(null, true);
  refused(t, h, h.order({ account: 'alice', price: '44000' }), RejectCode.KILL_SWITCH_GLOBAL, 'the global switch is checked first');
  h.killSwitch(null, false);
  h.killSwitch('alice', false);
  accepted(t, h.order({ account: 'alice', price: '44000' }), 'alice after release');
  t.end();
});

t.test('a halted symbol refuses orders while other symbols trade, until it resumes', (t) => {
  const h = withMarket();
  const halt = h.halt('BTCUSDT', true);
  t.same(halt.events.map((e) => [e.type, e.flag, e.symbol]), [[EventType.SYMBOL_HALT, 1, h.symbol('BTCUSDT')]]);
  refused(t, h, h.order({ price: '44000' }), RejectCode.SYMBOL_HALTED, 'BTC while halted');
  accepted(t, h.order({ symbol: 'ETHUSDT', price: '2400' }), 'ETH is not halted');
  h.halt('BTCUSDT', false);
  accepted(t, h.order({ price: '44000' }), 'BTC after resume');
  t.end();
});

t.test('the throttle allows a burst, then refills at its rate over time', (t) => {
  const h = withMarket({ overrides: { accounts: { alice: { rate_per_sec: 2, burst: 3 } } } });
  for (let i = 0; i < 3; i++) accepted(t, h.order({ price: '44000' }), `burst order ${i + 1}`);
  refused(t, h, h.order({ price: '44000' }), RejectCode.THROTTLED, 'the fourth order in the same millisecond');
  accepted(t, h.order({ account: 'bob', price: '44000' }), 'bob has his own bucket');
  h.advanceMs(499);
  refused(t, h, h.order({ price: '44000' }), RejectCode.THROTTLED, '499 ms refill less than one token');
  h.advanceMs(1);
  accepted(t, h.order({ price: '44000' }), 'after 500 ms at 2/s one token is back');
  refused(t, h, h.order({ price: '44000' }), RejectCode.THROTTLED, 'and only one');
  h.advanceMs(60_000);
  for (let i = 0; i < 3; i++) accepted(t, h.order({ price: '44000' }), `refilled burst order ${i + 1}`);
  refused(t, h, h.order({ price: '44000' }), RejectCode.THROTTLED, 'the bucket never holds more than the burst');
  t.end();
});

t.test('a dry-run check takes no throttle token but reports an empty bucket', (t) => {
  const h = withMarket({ overrides: { accounts: { alice: { rate_per_sec: 1, burst: 2 } } } });
  accepted(t, h.order({ price: '44000' }), 'first order');
  for (let i = 0; i < 5; i++) t.equal(h.check({ price: '44000' }).code, RejectCode.OK, `check ${i + 1} is approved`);
  accepted(t, h.order({ price: '44000' }), 'the second token is still there after five checks');
  t.equal(h.check({ price: '44000' }).code, RejectCode.THROTTLED, 'a check reports the empty bucket');
  t.end();
});

t.test('replaces take from a modification bucket of their own, so an account over its new-order rate can still move its orders', (t) => {
  const h = withMarket({ overrides: { accounts: { alice: { rate_per_sec: 1, burst: 1, modify_rate_per_sec: 1, modify_burst: 2 } } } });
  const id = accepted(t, h.order({ price: '44000' }), 'the one new-order token');
  refused(t, h, h.order({ price: '44000' }), RejectCode.THROTTLED, 'a second new order');
  const first = h.replace(id, { price: '44001' });
  t.equal(first.reply.code, RejectCode.OK, 'a replace while the new-order bucket is empty');
  const second = h.replace(first.reply.order_id, { price: '44002' });
  t.equal(second.reply.code, RejectCode.OK, 'the second modification token');
  t.equal(h.replace(second.reply.order_id, { price: '44003' }).reply.code, RejectCode.THROTTLED, 'the modification bucket is empty now');
  refused(t, h, h.order({ price: '44000' }), RejectCode.THROTTLED, 'replaces gave the new-order bucket nothing back');
  h.advanceMs(1000);
  t.equal(h.replace(second.reply.order_id, { price: '44003' }).reply.code, RejectCode.OK, 'each bucket refills at its own rate');
  t.end();
});

t.test('a cancel is never throttled, with both buckets empty, and it counts against the modification budget', (t) => {
  const h = withMarket({ overrides: { accounts: { alice: { rate_per_sec: 1, burst: 3, modify_rate_per_sec: 1, modify_burst: 1 } } } });
  const ids = [0, 1, 2].map((i) => accepted(t, h.order({ price: '44000' }), `order ${i + 1}`));
  refused(t, h, h.order({ price: '44000' }), RejectCode.THROTTLED, 'the new-order bucket is empty');
  const alice = h.account('alice');
  for (const id of ids) {
    const canceled = h.cancel(id);
    t.equal(canceled.reply.code, RejectCode.OK, `cancel of ${id} passes`);
    t.same(canceled.events.map((e) => [e.type, e.reason]), [[EventType.CANCELED, ExecReason.CLIENT_CANCEL]]);
  }
  t.equal(h.state.book.modify_tokens[alice], 0, 'the first cancel took the one modification token; the others found none and passed anyway');
  t.equal(h.state.slab.live, 0, 'every order is gone');
  t.equal(h.cancel(ids[0]).reply.code, RejectCode.UNKNOWN_ORDER, 'a cancel of a gone order is refused for that, not for the rate');
  h.advanceMs(1000);
  const again = accepted(t, h.order({ price: '44000' }), 'a new order after a refill');
  const replaced = h.replace(again, { price: '44001' });
  t.equal(replaced.reply.code, RejectCode.OK, 'the modification bucket refilled too');
  t.equal(h.cancel(replaced.reply.order_id).reply.code, RejectCode.OK, 'and a cancel with it empty again still passes');
  t.end();
});

t.test('without modification limits the bucket takes the new-order numbers, and is still a bucket of its own', (t) => {
  const h = withMarket({ overrides: { accounts: { alice: { rate_per_sec: 1, burst: 2 } } } });
  const alice = h.account('alice');
  t.equal(h.banks[0].modify_rate_per_sec[alice], 1);
  t.equal(h.banks[0].modify_burst[alice], 2);
  const id = accepted(t, h.order({ price: '44000' }), 'first');
  accepted(t, h.order({ price: '44000' }), 'second');
  const one = h.replace(id, { price: '44001' });
  t.equal(one.reply.code, RejectCode.OK);
  t.equal(h.replace(one.reply.order_id, { price: '44002' }).reply.code, RejectCode.OK, 'two replaces: modify_burst defaulted to burst');
  t.end();
});

t.test('an order above the symbol maximum quantity is refused', (t) => {
  const h = withMarket({ overrides: { symbols: { BTCUSDT: { max_order_qty: '2' } } } });
  accepted(t, h.order({ qty: '2', price: '44000' }), 'exactly the maximum');
  refused(t, h, h.order({ qty: '2.0001', price: '44000' }), RejectCode.MAX_ORDER_QTY, 'one lot above');
  accepted(t, h.order({ symbol: 'ETHUSDT', qty: '3', price: '2400' }), 'other symbols keep their own maximum');
  t.end();
});

t.test('an order on a symbol with no market price yet is refused', (t) => {
  const h = withMarket();
  refused(t, h, h.order({ symbol: 'SOLUSDT', price: '100' }), RejectCode.NO_REFERENCE_PRICE, 'SOL has no mark');
  refused(t, h, h.order({ symbol: 'SOLUSDT', type: 'MARKET', tif: 'IOC' }), RejectCode.NO_REFERENCE_PRICE, 'nor can a market order');
  h.setMarket('SOLUSDT', { bid: '99.99', ask: '100.01', last: '100' });
  accepted(t, h.order({ symbol: 'SOLUSDT', price: '99' }), 'once the first tick arrives');
  t.end();
});

t.test('limit and stop prices further than the collar from the last price are refused', (t) => {
  // 1000 bps of 45000 = 4500: 40500 .. 49500 is inside.
  const h = withMarket();
  accepted(t, h.order({ side: 'buy', price: '40500' }), 'a buy exactly at the collar edge');
  refused(t, h, h.order({ side: 'buy', price: '40499.99' }), RejectCode.PRICE_COLLAR, 'a buy one tick outside');
  refused(t, h, h.order({ side: 'sell', price: '49500.01' }), RejectCode.PRICE_COLLAR, 'a sell one tick outside');
  accepted(t, h.order({ side: 'buy', type: 'STOP', stop: '49500' }), 'a stop at the edge');
  refused(t, h, h.order({ side: 'buy', type: 'STOP', stop: '49500.01' }), RejectCode.PRICE_COLLAR, 'a stop outside');
  refused(t, h, h.order({ side: 'sell', type: 'STOP_LIMIT', stop: '40499.99', price: '44000' }), RejectCode.PRICE_COLLAR,
    'a stop-limit whose limit is fine but whose stop is outside');
  h.swapLimits({ symbols: { BTCUSDT: { collar_bps: 100 } } }, 2);
  refused(t, h, h.order({ side: 'buy', price: '44549.99' }), RejectCode.PRICE_COLLAR, 'a narrower collar after a swap');
  accepted(t, h.order({ side: 'buy', price: '44550' }), 'its edge');
  t.end();
});

t.test('an order above the symbol maximum notional is refused, valuing market orders at the touch', (t) => {
  const h = withMarket({ overrides: { symbols: { BTCUSDT: { max_order_notional: '45000' } } } });
  accepted(t, h.order({ side: 'buy', qty: '1', price: '45000', tif: 'DAY' }), '1 BTC at 45000 is exactly the maximum');
  refused(t, h, h.order({ side: 'buy', qty: '1', price: '45000.01' }), RejectCode.MAX_ORDER_NOTIONAL, 'one tick more');
  refused(t, h, h.order({ side: 'buy', qty: '1', type: 'MARKET', tif: 'IOC' }), RejectCode.MAX_ORDER_NOTIONAL,
    'a market buy is valued at the ask (45001)');
  accepted(t, h.order({ account: 'bob', side: 'sell', qty: '1', type: 'MARKET', tif: 'IOC' }), 'a market sell at the bid (44999) fits');
  refused(t, h, h.order({ side: 'sell', qty: '1', type: 'STOP', stop: '45000.01' }), RejectCode.MAX_ORDER_NOTIONAL,
    'a stop is valued at its stop price');
  t.end();
});

t.test('an account at its maximum open orders is refused until one closes, but may still replace', (t) => {
  const h = withMarket({ overrides: { accounts: { alice: { max_open_orders: 2 } } } });
  const first = accepted(t, h.order({ price: '44000' }), 'first');
  accepted(t, h.order({ price: '44001' }), 'second');
  refused(t, h, h.order({ price: '44002' }), RejectCode.MAX_OPEN_ORDERS, 'third');
  accepted(t, h.order({ account: 'bob', price: '44002' }), 'bob is counted separately');
  t.equal(h.replace(first, { price: '44003' }).reply.code, RejectCode.OK, 'a replace does not add an open order');
  h.cancel(h.state.slab.order_id[h.state.slab.account_head[h.account('alice')]]);
  accepted(t, h.order({ price: '44002' }), 'after a cancel');
  t.end();
});

t.test('the position limit counts open orders on the same side as exposure', (t) => {
  const h = withMarket({ overrides: { accounts: { alice: { position_limits: { BTCUSDT: '1' } } } } });
  const resting = accepted(t, h.order({ side: 'buy', qty: '0.6', price: '44000' }), 'a resting buy of 0.6');
  refused(t, h, h.order({ side: 'buy', qty: '0.4001', price: '44000' }), RejectCode.POSITION_LIMIT, '0.6 open + 0.4001 > 1');
  accepted(t, h.order({ side: 'buy', qty: '0.4', price: '44000' }), '0.6 open + 0.4 = 1');
  accepted(t, h.order({ side: 'sell', qty: '1', price: '46000' }), 'sells are measured on their own side');
  refused(t, h, h.order({ side: 'sell', qty: '0.0001', price: '46000' }), RejectCode.POSITION_LIMIT, 'one lot more sell');
  h.killSwitch('alice', true);
  h.killSwitch('alice', false);
  t.equal(h.state.slotOf(resting), -1, 'all canceled');
  // A fill turns exposure into position: buy 0.5 at the ask.
  const fill = h.order({ side: 'buy', qty: '0.5', price: '45001' });
  t.same(fill.events.map((e) => e.type), [EventType.ACCEPTED, EventType.FILL]);
  refused(t, h, h.order({ side: 'buy', qty: '0.5001', price: '44000' }), RejectCode.POSITION_LIMIT, 'position 0.5 + 0.5001');
  accepted(t, h.order({ side: 'buy', qty: '0.5', price: '44000' }), 'position 0.5 + 0.5');
  accepted(t, h.order({ side: 'sell', qty: '1.5', price: '46000' }), 'a long position lets the account sell 1.5 (to -1)');
  refused(t, h, h.order({ side: 'sell', qty: '0.0001', price: '46000' }), RejectCode.POSITION_LIMIT, 'but no more');
  t.end();
});

t.test('the credit limit counts open order notional and held positions at the last price', (t) => {
  const h = withMarket({ overrides: { accounts: { alice: { credit_limit: '50000' } } } });
  accepted(t, h.order({ side: 'buy', qty: '1', price: '44000' }), '44000 of open buys');
  refused(t, h, h.order({ side: 'buy', symbol: 'ETHUSDT', qty: '2.4001', price: '2500' }), RejectCode.CREDIT_LIMIT,
    'credit is per account, across symbols: 44000 + 6000.25');
  accepted(t, h.order({ side: 'buy', symbol: 'ETHUSDT', qty: '2.4', price: '2500' }), '44000 + 6000 = 50000');
  h.killSwitch('alice', true);
  h.killSwitch('alice', false);
  // Hold 1 BTC (bought at the ask); gross exposure is valued at the last price, 45000.
  h.order({ side: 'buy', qty: '1', price: '45001' });
  t.equal(h.state.book.position_lots[h.state.book.cell(0, 0)], 10000);
  refused(t, h, h.order({ side: 'sell', symbol: 'ETHUSDT', qty: '2.0001', price: '2500' }), RejectCode.CREDIT_LIMIT,
    '45000 held + 5000.25');
  accepted(t, h.order({ side: 'sell', symbol: 'ETHUSDT', qty: '2', price: '2500' }), '45000 held + 5000');
  t.end();
});

t.test('the daily loss limit refuses new orders once the day loses that much', (t) => {
  const h = withMarket({ overrides: { accounts: { alice: { daily_loss_limit: '1000' } } } });
  h.setDailyPnl('alice', -999.99);
  accepted(t, h.order({ price: '44000' }), 'a loss below the limit');
  h.setDailyPnl('alice', -1000);
  refused(t, h, h.order({ price: '44000' }), RejectCode.DAILY_LOSS_LIMIT, 'a loss at the limit');
  accepted(t, h.order({ account: 'bob', price: '44000' }), 'bob has his own PnL');
  h.setDailyPnl('alice', 500);
  accepted(t, h.order({ price: '44000' }), 'after the day recovers');
  t.end();
});

t.test('an order that would cross a resting order of the same account is refused', (t) => {
  const h = withMarket();
  const sell = accepted(t, h.order({ side: 'sell', price: '45500' }), 'a resting sell at 45500');
  refused(t, h, h.order({ side: 'buy', price: '45500' }), RejectCode.SELF_TRADE, 'a buy at the same price');
  refused(t, h, h.order({ side: 'buy', type: 'MARKET', tif: 'IOC', qty: '0.1' }), RejectCode.SELF_TRADE, 'a market buy');
  refused(t, h, h.order({ side: 'buy', type: 'STOP', stop: '45100' }), RejectCode.SELF_TRADE, 'a stop works as a market order');
  accepted(t, h.order({ side: 'buy', price: '44000' }), 'a buy below the sell');
  t.equal(h.order({ account: 'bob', side: 'buy', price: '45500' }).reply.code, RejectCode.OK, 'another account may cross');
  accepted(t, h.order({ side: 'buy', symbol: 'ETHUSDT', price: '2500' }), 'another symbol is unaffected');
  h.cancel(sell);
  accepted(t, h.order({ side: 'buy', price: '44500' }), 'after the sell is canceled');
  t.end();
});

t.test('self-trade prevention follows the best resting price as orders leave', (t) => {
  const h = withMarket();
  const low = accepted(t, h.order({ side: 'sell', price: '45500' }), 'sell 45500');
  accepted(t, h.order({ side: 'sell', price: '45600' }), 'sell 45600');
  refused(t, h, h.order({ side: 'buy', price: '45550' }), RejectCode.SELF_TRADE, 'crosses the 45500 sell');
  h.cancel(low);
  accepted(t, h.order({ side: 'buy', price: '45550' }), 'the best sell is now 45600');
  refused(t, h, h.order({ side: 'buy', price: '45600' }), RejectCode.SELF_TRADE, 'which still blocks 45600');
  t.end();
});

t.test('a stale best price is not trusted after the other side of the book empties', (t) => {
  const h = withMarket();
  accepted(t, h.order({ side: 'buy', price: '44000' }), 'buy 44000');
  const best_buy = accepted(t, h.order({ side: 'buy', price: '44100' }), 'buy 44100');
  const only_sell = accepted(t, h.order({ side: 'sell', price: '46000' }), 'sell 46000');
  h.cancel(best_buy);
  h.cancel(only_sell);
  accepted(t, h.order({ side: 'sell', price: '44050', qty: '0.1' }), 'a sell above the remaining 44000 buy does not self-trade');
  refused(t, h, h.order({ side: 'sell', price: '44000' }), RejectCode.SELF_TRADE, 'one at the remaining buy does');
  t.end();
});

/**
 * A market maker rests `resting` sells on one symbol, then `cycles` times cancels its best
 * sell, quotes a new one behind the others and checks a buy against the new best. Returns
 * the slots visited to keep self-trade prevention's best prices, per order that rested or
 * was canceled: the amortized cost, which counts the orders' arrival too.
 */
function selfTradeCostPerOrder(t: Asserts, resting: number, cycles: number): number {
  const h = withMarket(); // room for 4096 open orders
  const heaps = h.state.book.resting_prices;
  const before = heaps.slots_visited;
  const sells: number[] = [];
  const sellAt = (k: number) => h.order({ side: 'sell', qty: '0.01', price: (45_100 + k / 100).toFixed(2) }).reply.order_id;
  for (let k = 0; k < resting; k++) sells.push(sellAt(k));
  let wrong = 0;
  for (let i = 0; i < cycles; i++) {
    if (h.cancel(sells.shift()!).reply.code !== RejectCode.OK) wrong++;
    sells.push(sellAt(resting + i));
    const best = 45_100 + (i + 1) / 100;
    // Just below the best sell passes; at it, it would trade with the account's own order.
    if (h.check({ side: 'buy', price: (best - 0.01).toFixed(2) }).code !== RejectCode.OK) wrong++;
    if (h.check({ side: 'buy', price: best.toFixed(2) }).code !== RejectCode.SELF_TRADE) wrong++;
  }
  t.equal(wrong, 0, `${resting} resting: every cancel and check answered as expected`);
  return (heaps.slots_visited - before) / (resting + 2 * cycles);
}

t.test('self-trade prevention costs about the same per order with thousands of resting orders as with a few', (t) => {
  const few = selfTradeCostPerOrder(t, 16, 1000);
  const many = selfTradeCostPerOrder(t, 4000, 1000);
  t.ok(many < 2 * Math.log2(4000), `${many.toFixed(1)} slots visited per order with 4000 resting (${few.toFixed(1)} with 16)`);
  t.ok(many < 3 * few, 'a small multiple of the cost with few orders, not proportional to the orders');
  t.end();
});

t.test('a filled resting order no longer blocks the other side', (t) => {
  const h = withMarket();
  const sell = accepted(t, h.order({ side: 'sell', qty: '0.5', price: '45500' }), 'sell 45500');
  const tick = h.setMarket('BTCUSDT', { bid: '45500', ask: '45502', last: '45500' });
  t.same(tick.map((e) => [e.type, e.order_id, e.status]), [[EventType.FILL, sell, OrderStatus.FILLED]], 'the bid lifted the sell');
  accepted(t, h.order({ side: 'buy', price: '45501' }), 'a buy above the old sell price');
  t.end();
});

t.test('a dry-run check answers approved or refused with a risk level and places nothing', (t) => {
  const h = withMarket({ overrides: { symbols: { BTCUSDT: { max_order_qty: '2' } } } });
  const events_before = h.all_events.length;
  const low = h.check({ qty: '0.1', price: '44000' });
  t.equal(low.code, RejectCode.OK);
  t.equal(low.risk_level, RiskLevel.LOW);
  t.equal(low.warnings, 0);
  t.ok(low.arg < 5000, `utilisation ${low.arg} bps`);
  const medium = h.check({ qty: '1.2', price: '44000' });
  t.equal(medium.risk_level, RiskLevel.MEDIUM, '60% of the maximum quantity');
  t.equal(medium.arg, 6000);
  t.equal(medium.warnings, 0, 'no warning below 80%');
  const high = h.check({ qty: '1.8', price: '44000' });
  t.equal(high.code, RejectCode.OK);
  t.equal(high.risk_level, RiskLevel.HIGH, '90% of the maximum quantity');
  t.equal(high.arg, 9000);
  t.equal(high.warnings, RiskWarning.ORDER_QTY_NEAR_LIMIT);
  const far = h.check({ qty: '0.1', price: '41000' });
  t.equal(far.risk_level, RiskLevel.HIGH);
  t.equal(far.warnings, RiskWarning.PRICE_FAR_FROM_MARK, '4000 of a 4500 collar');
  const critical = h.check({ qty: '2.5', price: '44000' });
  t.equal(critical.code, RejectCode.MAX_ORDER_QTY);
  t.equal(critical.risk_level, RiskLevel.CRITICAL);
  t.equal(h.all_events.length, events_before, 'no check emitted an event');
  t.equal(h.state.slab.live, 0, 'nothing was placed');
  t.equal(h.counters[REJECTS_BY_CODE_OFFSET + RejectCode.MAX_ORDER_QTY], 0, 'a refused check is not an order refusal');
  t.end();
});

t.test('a dry-run check raises a warning bit for each limit it brings near its cap', (t) => {
  const h = withMarket({
    overrides: {
      accounts: { alice: { max_open_orders: 5, credit_limit: '100000', daily_loss_limit: '1000', position_limits: { BTCUSDT: '2' } } },
      symbols: { BTCUSDT: { max_order_notional: '85000' } },
    },
  });
  for (let i = 0; i < 3; i++) h.order({ qty: '0.1', price: '44000' });
  h.setDailyPnl('alice', -850);
  const reply = h.check({ qty: '1.6', price: '44000' });
  t.equal(reply.code, RejectCode.OK);
  t.equal(reply.risk_level, RiskLevel.HIGH);
  const expected = RiskWarning.OPEN_ORDERS_NEAR_LIMIT | RiskWarning.POSITION_NEAR_LIMIT | RiskWarning.CREDIT_NEAR_LIMIT
    | RiskWarning.DAILY_LOSS_NEAR_LIMIT | RiskWarning.ORDER_NOTIONAL_NEAR_LIMIT;
  t.equal(reply.warnings, expected, 'open orders 4/5, position 1.9/2, credit 83600/100000, loss 850/1000, notional 70400/85000');
  t.equal(reply.arg, 9500, 'the highest utilisation is the position, 95%');
  t.end();
});

t.test('a dry-run check near the throttle raises the throttle warning', (t) => {
  const h = withMarket({ overrides: { accounts: { alice: { rate_per_sec: 1, burst: 5 } } } });
  for (let i = 0; i < 4; i++) h.order({ price: '44000' });
  const reply = h.check({ price: '44000' });
  t.equal(reply.code, RejectCode.OK);
  t.ok((reply.warnings & RiskWarning.THROTTLE_NEAR_LIMIT) !== 0, 'the last token would be used');
  t.end();
});

t.test('a swapped-in limits bank takes effect between two commands of the same batch', (t) => {
  const h = withMarket({ overrides: { symbols: { BTCUSDT: { max_order_qty: '2' } } } });
  const bank = h.prepareLimitsBank({ symbols: { BTCUSDT: { max_order_qty: '1' } } }, 7);
  const { replies, events } = h.batch((w) => {
    w.newOrder(h.orderTerms({ qty: '1.5', price: '44000' }));
    w.limitsSwap(h.nextRequestId(), bank, 7);
    w.newOrder(h.orderTerms({ qty: '1.5', price: '44000' }));
  });
  t.same(replies.map((r) => r.code), [RejectCode.OK, RejectCode.OK, RejectCode.MAX_ORDER_QTY]);
  t.same(events.map((e) => e.type), [EventType.ACCEPTED, EventType.LIMITS_SWAPPED, EventType.REJECTED]);
  t.equal(events[1].arg, 7, 'the event carries the new version');
  t.equal(h.state.limits_version, 7);
  t.end();
});

t.test('a limits swap naming a bank that does not exist is refused and changes nothing', (t) => {
  const h = withMarket({ overrides: { symbols: { BTCUSDT: { max_order_qty: '2' } } } });
  const outcome = h.batch((w) => { w.limitsSwap(h.nextRequestId(), 2, 9); });
  t.same(outcome.replies.map((r) => r.code), [RejectCode.VALUE_OUT_OF_RANGE]);
  t.same(outcome.events, []);
  refused(t, h, h.order({ qty: '2.0001', price: '44000' }), RejectCode.MAX_ORDER_QTY, 'the old bank is still active');
  t.end();
});

t.test('a mark older than max_mark_age_ms refuses orders STALE_MARK until a fresh tick arrives', (t) => {
  const h = withMarket({ config: { max_mark_age_ms: 5000 } });
  accepted(t, h.order({ price: '44000' }), 'a fresh mark');
  h.advanceMs(5000);
  accepted(t, h.order({ price: '44000' }), 'a mark exactly at the limit');
  h.advanceMs(1);
  refused(t, h, h.order({ price: '44000' }), RejectCode.STALE_MARK, 'a limit order against a mark 5001 ms old');
  refused(t, h, h.order({ side: 'sell', type: 'MARKET', tif: 'IOC', qty: '0.1' }), RejectCode.STALE_MARK, 'a market order');
  refused(t, h, h.order({ side: 'buy', type: 'STOP', stop: '45100' }), RejectCode.STALE_MARK, 'a stop order');
  t.equal(h.check({ price: '44000' }).code, RejectCode.STALE_MARK, 'a dry-run CHECK says so too');
  h.setMarket('ETHUSDT', { bid: '2499', ask: '2501', last: '2500' });
  accepted(t, h.order({ symbol: 'ETHUSDT', price: '2500' }), 'another symbol with a fresh mark');
  h.setMarket('BTCUSDT', { bid: '44999', ask: '45001', last: '45000' });
  accepted(t, h.order({ price: '44000' }), 'after a fresh tick');
  t.end();
});

t.test('a PnL figure older than max_pnl_age_ms refuses orders STALE_PNL until the PnL worker writes it again', (t) => {
  const h = withMarket({ config: { max_pnl_age_ms: 5000 } });
  refused(t, h, h.order({ price: '44000' }), RejectCode.STALE_PNL, 'an account whose PnL was never written');
  h.setDailyPnl('alice', 0);
  h.setDailyPnl('bob', 0);
  accepted(t, h.order({ price: '44000' }), 'a fresh PnL figure');
  h.advanceMs(5000);
  accepted(t, h.order({ price: '44000' }), 'a PnL figure exactly at the limit');
  h.advanceMs(1);
  // The marks are as old, but their check is off here: only the PnL age refuses.
  refused(t, h, h.order({ price: '44000' }), RejectCode.STALE_PNL, 'a PnL figure 5001 ms old');
  t.equal(h.check({ price: '44000' }).code, RejectCode.STALE_PNL, 'a dry-run CHECK says so too');
  h.setDailyPnl('bob', 0);
  accepted(t, h.order({ account: 'bob', price: '44000' }), 'bob\'s own PnL is fresh');
  h.setDailyPnl('alice', 0);
  accepted(t, h.order({ price: '44000' }), 'after the PnL worker wrote alice again');
  t.end();
});

t.test('with both ages 0 (the engine default) old marks and PnL are still used', (t) => {
  const h = withMarket();
  h.advanceMs(24 * 3600 * 1000);
  accepted(t, h.order({ price: '44000', tif: 'GTC' }), 'a day later, never re-written');
  t.end();
});
