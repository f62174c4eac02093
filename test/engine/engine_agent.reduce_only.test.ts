/**
 * Reduce-only orders (ExecInst REDUCE_ONLY, FIX 18='E') through a real engine: they may
 * only take off the account's position in the symbol, counting its other open reduce-only
 * orders on that side. Nothing left to reduce: refused REDUCE_ONLY_WOULD_INCREASE; more
 * than what is left: accepted trimmed, and the reply says so. They are exempt from the
 * limits on new risk (notional, open orders, credit, daily loss) but not from the kill
 * switch, a halt, max quantity or the collar. At a fill they never take more than the
 * position. Replay restores them to the same state hash.
 */
import t from 'tap';
import { EventType, ExecInst, ExecReason, OrderStatus, Side } from '../../engine/protocol/enums.js';
import { RejectCode } from '../../engine/protocol/reject_codes.js';
import { REPLY_FLAG_TRIMMED } from '../../engine/protocol/reply_layout.js';
import { LimitOverrides } from '../../engine/reference/risk_limits.js';
import { stateHash } from '../../engine/state/state_hash.js';
import { EngineHarness } from '../support/engine_harness.js';

function withMarket(overrides: LimitOverrides = {}): EngineHarness {
  const h = new EngineHarness({ overrides });
  h.setMarket('BTCUSDT', { bid: '44999', ask: '45001', last: '45000' });
  return h;
}

/** Alice's BTCUSDT position, in lots. */
function position(h: EngineHarness): number {
  return h.state.book.position_lots[h.state.book.cell(h.account('alice'), h.symbol('BTCUSDT'))];
}

/** Makes alice long (buy) or short (sell) `qty` BTC with IOC market orders of at most `step`. */
function take(h: EngineHarness, side: 'buy' | 'sell', qty: number, step = qty): void {
  for (let left = qty; left > 1e-9; left -= step) {
    const outcome = h.order({ side, type: 'MARKET', tif: 'IOC', qty: String(Math.min(step, left)) });
    if (outcome.reply.code !== RejectCode.OK) throw new Error(`setup order refused ${outcome.reply.code}`);
  }
}

t.test('with no position a reduce-only order is refused on either side, as a REJECTED event', (t) => {
  const h = withMarket();
  for (const side of ['buy', 'sell'] as const) {
    const outcome = h.order({ side, price: side === 'buy' ? '44000' : '46000', reduce_only: true });
    t.equal(outcome.reply.code, RejectCode.REDUCE_ONLY_WOULD_INCREASE, `${side}: refused`);
    t.same(outcome.events.map((e) => [e.type, e.reject_code, e.exec_inst]),
      [[EventType.REJECTED, RejectCode.REDUCE_ONLY_WOULD_INCREASE, ExecInst.REDUCE_ONLY]], `${side}: one REJECTED event`);
  }
  t.equal(h.check({ side: 'sell', price: '46000', reduce_only: true }).code, RejectCode.REDUCE_ONLY_WOULD_INCREASE, 'a dry run says so too');
  t.end();
});

t.test('long 1: reduce-only sells take off what is left, the one too large is trimmed and says so, then nothing is left', (t) => {
  const h = withMarket();
  take(h, 'buy', 1);
  t.equal(position(h), h.lots('BTCUSDT', '1'));
  const first = h.order({ side: 'sell', price: '46000', qty: '0.4', reduce_only: true });
  t.equal(first.reply.code, RejectCode.OK);
  t.equal(first.reply.flag, 0, 'within the position: not trimmed');
  t.equal(h.check({ side: 'sell', price: '46000', qty: '5', reduce_only: true }).code, RejectCode.OK, 'a dry run of a too-large one passes (it would be trimmed)');
  const second = h.order({ side: 'sell', price: '46000', qty: '1', reduce_only: true });
  t.equal(second.reply.code, RejectCode.OK, 'accepted');
  t.equal(second.reply.flag, REPLY_FLAG_TRIMMED, 'the reply says it was trimmed');
  t.equal(second.reply.arg, h.lots('BTCUSDT', '1'), 'and carries the quantity asked for');
  t.equal(second.events[0].qty_lots, h.lots('BTCUSDT', '0.6'), 'the order is for what was left: 1 - 0.4');
  const none = h.order({ side: 'sell', price: '46000', qty: '0.1', reduce_only: true });
  t.equal(none.reply.code, RejectCode.REDUCE_ONLY_WOULD_INCREASE, 'the open reduce-only sells already cover the position');
  t.equal(h.order({ side: 'buy', price: '44000', reduce_only: true }).reply.code, RejectCode.REDUCE_ONLY_WOULD_INCREASE,
    'a reduce-only buy would grow a long');
  h.cancel(first.reply.order_id);
  t.equal(h.order({ side: 'sell', price: '46000', qty: '0.4', reduce_only: true }).reply.code, RejectCode.OK, 'a cancel gives its share back');
  t.end();
});

t.test('short 1: a reduce-only buy larger than the short is trimmed to it and, filled, closes the position exactly', (t) => {
  const h = withMarket();
  take(h, 'sell', 1);
  const outcome = h.order({ side: 'buy', type: 'MARKET', tif: 'IOC', qty: '3', reduce_only: true });
  t.equal(outcome.reply.flag, REPLY_FLAG_TRIMMED);
  t.same(outcome.events.map((e) => [e.type, e.status]), [[EventType.ACCEPTED, OrderStatus.ACCEPTED], [EventType.FILL, OrderStatus.FILLED]]);
  t.equal(position(h), 0, 'flat, not long 2');
  t.end();
});

t.test('reduce-only orders are exempt from the limits on new risk', (t) => {
  t.test('max open orders', (t) => {
    const h = withMarket({ accounts: { alice: { max_open_orders: 1 } } });
    take(h, 'buy', 1);
    t.equal(h.order({ side: 'buy', price: '44000' }).reply.code, RejectCode.OK, 'the one open order allowed');
    t.equal(h.order({ side: 'sell', price: '46000', qty: '0.5' }).reply.code, RejectCode.MAX_OPEN_ORDERS, 'a plain sell is refused');
    t.equal(h.order({ side: 'sell', price: '46000', qty: '0.5', reduce_only: true }).reply.code, RejectCode.OK, 'a reduce-only sell is not');
    t.end();
  });
  t.test('credit (gross exposure)', (t) => {
    const h = withMarket({ accounts: { alice: { credit_limit: '50000' } } });
    take(h, 'buy', 1);
    t.equal(h.order({ side: 'sell', price: '46000', qty: '0.5' }).reply.code, RejectCode.CREDIT_LIMIT, 'a plain sell adds exposure');
    t.equal(h.order({ side: 'sell', price: '46000', qty: '0.5', reduce_only: true }).reply.code, RejectCode.OK);
    t.end();
  });
  t.test('max order notional', (t) => {
    const h = withMarket({ symbols: { BTCUSDT: { max_order_notional: '20000' } } });
    take(h, 'buy', 0.8, 0.4);
    t.equal(h.order({ side: 'sell', price: '45000', qty: '0.8' }).reply.code, RejectCode.MAX_ORDER_NOTIONAL);
    t.equal(h.order({ side: 'sell', price: '45000', qty: '0.8', reduce_only: true }).reply.code, RejectCode.OK);
    t.end();
  });
  t.test('daily loss', (t) => {
    const h = withMarket({ accounts: { alice: { daily_loss_limit: '100' } } });
    take(h, 'buy', 1);
    h.setDailyPnl('alice', -500);
    t.equal(h.order({ side: 'sell', price: '46000', qty: '0.5' }).reply.code, RejectCode.DAILY_LOSS_LIMIT);
    t.equal(h.order({ side: 'sell', price: '46000', qty: '0.5', reduce_only: true }).reply.code, RejectCode.OK, 'a desk over its loss limit can still get out');
    t.end();
  });
  t.end();
});

t.test('reduce-only orders are not exempt from the kill switch, a halt, max quantity or the collar', (t) => {
  const h = withMarket({ symbols: { BTCUSDT: { max_order_qty: '0.5' } } });
  take(h, 'buy', 1, 0.5);
  t.equal(h.order({ side: 'sell', price: '30000', qty: '0.5', reduce_only: true }).reply.code, RejectCode.PRICE_COLLAR, 'collar');
  t.equal(h.order({ side: 'sell', price: '46000', qty: '0.6', reduce_only: true }).reply.code, RejectCode.MAX_ORDER_QTY, 'max quantity');
  h.halt('BTCUSDT', true);
  t.equal(h.order({ side: 'sell', price: '46000', qty: '0.5', reduce_only: true }).reply.code, RejectCode.SYMBOL_HALTED, 'halt');
  h.halt('BTCUSDT', false);
  h.killSwitch('alice', true);
  t.equal(h.order({ side: 'sell', price: '46000', qty: '0.5', reduce_only: true }).reply.code, RejectCode.KILL_SWITCH_ACCOUNT, 'kill switch');
  h.killSwitch('alice', false);
  t.equal(h.order({ side: 'sell', price: '46000', qty: '0.5', reduce_only: true }).reply.code, RejectCode.OK, 'after all of them');
  t.end();
});

t.test('a resting reduce-only order whose position went away is canceled at its fill, and one that outlived part of it fills only that part', (t) => {
  const h = withMarket();
  take(h, 'buy', 1);
  const ro = h.order({ side: 'sell', price: '45100', qty: '1', reduce_only: true }).reply.order_id;
  take(h, 'sell', 0.6);
  t.equal(position(h), h.lots('BTCUSDT', '0.4'), 'a plain sell took 0.6 off the long the reduce-only order was for');
  const partial = h.setMarket('BTCUSDT', { bid: '45100', ask: '45102', last: '45101', bid_size: '5' });
  t.same(partial.map((e) => [e.type, e.order_id, e.last_fill_qty_lots, e.status]),
    [[EventType.FILL, ro, h.lots('BTCUSDT', '0.4'), OrderStatus.PARTIALLY_FILLED]], 'fills 0.4, the rest of the long, not 1');
  t.equal(position(h), 0, 'flat, not short');
  const gone = h.setMarket('BTCUSDT', { bid: '45101', ask: '45103', last: '45102', bid_size: '5' });
  t.same(gone.map((e) => [e.type, e.order_id, e.reason, e.status]),
    [[EventType.CANCELED, ro, ExecReason.REDUCE_ONLY_NO_POSITION, OrderStatus.CANCELED]], 'the next touch cancels what is left');
  t.equal(position(h), 0);
  t.equal(h.state.slab.live, 0);
  t.end();
});

t.test('a replace of a reduce-only order may grow it up to the position (its own open quantity counted back), not beyond', (t) => {
  const h = withMarket();
  take(h, 'buy', 1);
  const id = h.order({ side: 'sell', price: '46000', qty: '0.5', reduce_only: true }).reply.order_id;
  const up = h.replace(id, { qty: '1' });
  t.equal(up.reply.code, RejectCode.OK, 'to exactly the position');
  t.same(up.events.map((e) => [e.type, e.exec_inst]), [[EventType.REPLACED, ExecInst.REDUCE_ONLY]], 'the replacement is reduce-only too');
  const over = h.replace(up.reply.order_id, { qty: '1.5' });
  t.equal(over.reply.code, RejectCode.REDUCE_ONLY_WOULD_INCREASE, 'beyond it: refused, not trimmed');
  t.ok(h.state.slotOf(up.reply.order_id) >= 0, 'and the order stays');
  t.end();
});

t.test('replaying the journal restores reduce-only orders, their share of the position and the state hash', (t) => {
  const h = withMarket();
  take(h, 'buy', 1);
  h.order({ side: 'sell', price: '46000', qty: '0.3', reduce_only: true });
  const trimmed = h.order({ side: 'sell', price: '46100', qty: '2', reduce_only: true }).reply.order_id;
  take(h, 'sell', 0.5);
  h.setMarket('BTCUSDT', { bid: '46000', ask: '46002', last: '46001', bid_size: '0.1' });
  h.order({ side: 'buy', price: '44000', reduce_only: true });
  h.replace(trimmed, { price: '46200' });
  const replayed = h.replayState();
  t.equal(stateHash(replayed), stateHash(h.state), 'the same hash');
  const cell = h.state.book.cell(h.account('alice'), h.symbol('BTCUSDT'));
  t.equal(replayed.book.reduce_only_sell_lots[cell], h.state.book.reduce_only_sell_lots[cell], 'the reduce-only share is rebuilt');
  t.ok(h.state.book.reduce_only_sell_lots[cell] > 0, '(and there is one)');
  t.equal(replayed.book.reducibleLots(cell, false), h.state.book.reducibleLots(cell, false));
  t.end();
});

t.test('reduce-only is part of the order\'s terms for idempotency, and a trimmed order resent answers with the original', (t) => {
  const h = withMarket();
  take(h, 'buy', 1);
  const first = h.order({ side: 'sell', price: '46000', qty: '2', reduce_only: true, id: 'ro-1' });
  const again = h.order({ side: 'sell', price: '46000', qty: '2', reduce_only: true, id: 'ro-1' });
  t.equal(again.reply.code, RejectCode.OK);
  t.equal(again.reply.order_id, first.reply.order_id, 'the resend is the same order (hashed as sent, before the trim)');
  t.equal(h.order({ side: 'sell', price: '46000', qty: '2', id: 'ro-1' }).reply.code, RejectCode.DUPLICATE_CLIENT_ORDER_ID,
    'without reduce-only: other terms');
  t.equal(Side.SELL, h.state.slab.side[h.state.slotOf(first.reply.order_id)]);
  t.end();
});
