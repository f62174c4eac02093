/**
 * ACCOUNT_STATUS: the engine answers an account's current use of its limits (open orders,
 * message-rate tokens left, gross exposure) from the figures risk checks against, and
 * changes nothing doing so.
 */
import t from 'tap';
import { RejectCode } from '../../engine/protocol/reject_codes.js';
import { stateHash } from '../../engine/state/state_hash.js';
import { DEMO_ACCOUNT_LIMITS } from '../../engine/reference/accounts.js';
import { EngineHarness } from '../support/engine_harness.js';

function withMarket(): EngineHarness {
  const h = new EngineHarness();
  h.setMarket('BTCUSDT', { bid: '44999', ask: '45001', last: '45000' });
  return h;
}

t.test('an idle account has no open orders, no exposure and its whole burst of tokens', (t) => {
  const h = withMarket();
  const { reply, events } = h.accountStatus('alice');
  t.equal(reply.code, RejectCode.OK);
  t.equal(reply.warnings, 0, 'open orders');
  t.equal(reply.amount, 0, 'exposure');
  t.equal(reply.arg, DEMO_ACCOUNT_LIMITS.burst, 'tokens: the full burst');
  t.equal(reply.order_id, DEMO_ACCOUNT_LIMITS.burst, 'modification tokens (in order_id): the full burst, which they default to');
  t.same(events, [], 'no event');
  t.end();
});

t.test('resting orders count as open orders and as exposure at their price; each order takes a token', (t) => {
  const h = withMarket();
  t.equal(h.order({ qty: '0.5', price: '44000' }).reply.code, RejectCode.OK);
  t.equal(h.order({ qty: '0.25', price: '44000' }).reply.code, RejectCode.OK);
  const { reply } = h.accountStatus('alice');
  t.equal(reply.warnings, 2, 'two open orders');
  t.equal(reply.amount, 0.75 * 44000 * 1e6, 'no position yet: exposure is the open orders at their limit price, in micros');
  t.equal(reply.arg, DEMO_ACCOUNT_LIMITS.burst - 2, 'two tokens taken (the test clock does not move, so none refilled)');
  t.equal(h.accountStatus('bob').reply.warnings, 0, 'another account is unaffected');
  t.end();
});

t.test('replaces and cancels take modification tokens, not new-order tokens', (t) => {
  const h = withMarket();
  const id = h.order({ qty: '0.5', price: '44000' }).reply.order_id;
  const replaced = h.replace(id, { price: '44001' }).reply.order_id;
  t.equal(h.cancel(replaced).reply.code, RejectCode.OK);
  const { reply } = h.accountStatus('alice');
  t.equal(reply.arg, DEMO_ACCOUNT_LIMITS.burst - 1, 'one new order, one new-order token');
  t.equal(reply.order_id, DEMO_ACCOUNT_LIMITS.burst - 2, 'a replace and a cancel, two modification tokens');
  t.end();
});

t.test('a filled order moves exposure from open orders to the position, valued at the last price', (t) => {
  const h = withMarket();
  h.order({ qty: '0.1', type: 'MARKET', tif: 'IOC' });
  const { reply } = h.accountStatus('alice');
  t.equal(reply.warnings, 0, 'nothing open');
  t.equal(reply.amount, 0.1 * 45000 * 1e6, 'position 0.1 at the last price 45000, in micros');
  t.end();
});

t.test('asking changes nothing: the state hash and the token count are the same before and after', (t) => {
  const h = withMarket();
  h.order({ qty: '0.5', price: '44000' });
  const before = stateHash(h.state);
  const first = h.accountStatus('alice').reply.arg;
  const second = h.accountStatus('alice').reply.arg;
  t.equal(stateHash(h.state), before);
  t.equal(second, first, 'no token taken by asking');
  t.end();
});

t.test('an account outside the table is refused UNKNOWN_ACCOUNT', (t) => {
  const h = withMarket();
  t.equal(h.accountStatus(99).reply.code, RejectCode.UNKNOWN_ACCOUNT);
  t.equal(h.accountStatus(-1).reply.code, RejectCode.UNKNOWN_ACCOUNT);
  t.end();
});
