/**
 * Validation of a contingent order list at the edge, on its own: what a valid list
 * becomes, and for each way a list can be wrong the catalogue code and a reason that
 * names the list field or the member (`orders[k]`).
 */
import t from 'tap';
import { ContingencyType, ExecInst, OrderType, Side } from '../../../engine/protocol/enums.js';
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import { DEMO_INSTRUMENTS, InstrumentTable } from '../../../engine/reference/instruments.js';
import { validateOrderList } from '../../../io/orders/order_list_validation.js';

const instruments = new InstrumentTable(DEMO_INSTRUMENTS);
const buy = { symbol: 'BTCUSDT', side: 'buy', quantity: '0.5', price: '44000' };
const sell = { symbol: 'BTCUSDT', side: 'sell', quantity: '0.5', price: '46000' };
const stop = { symbol: 'BTCUSDT', side: 'sell', quantity: '0.5', order_type: 'STOP', trigger_price: '43000' };

t.test('a valid bracket becomes its contingency and three validated orders', (t) => {
  const result = validateOrderList({ contingency: 'BRACKET', list_client_id: 'b-1', orders: [buy, sell, stop] }, instruments);
  t.ok(result.ok);
  if (!result.ok) return t.end();
  t.equal(result.value.contingency, ContingencyType.BRACKET);
  t.equal(result.value.list_client_id, 'b-1');
  t.same(result.value.orders.map((o) => [o.side, o.order_type]), [[Side.BUY, OrderType.LIMIT], [Side.SELL, OrderType.LIMIT], [Side.SELL, OrderType.STOP]]);
  t.end();
});

t.test('instructions are allowed on working members only', (t) => {
  const oco = validateOrderList({ contingency: 'OCO', orders: [{ ...buy, post_only: true }, { ...sell, reduce_only: true }] }, instruments);
  t.ok(oco.ok, 'OCO members work at once');
  if (oco.ok) t.equal(oco.value.orders[1].exec_inst, ExecInst.REDUCE_ONLY);
  const oto = validateOrderList({ contingency: 'OTO', orders: [{ ...buy, reduce_only: true }, sell] }, instruments);
  t.ok(oto.ok, 'an OTO parent works at once');
  t.end();
});

const REFUSALS: readonly [string, unknown, RejectCode, RegExp][] = [
  ['a body that is not an object', [buy, sell], RejectCode.MALFORMED_BODY, /JSON object/],
  ['no contingency', { orders: [buy, sell] }, RejectCode.MISSING_FIELD, /^contingency is required/],
  ['an unknown contingency', { contingency: 'OCA', orders: [buy, sell] }, RejectCode.INVALID_ORDER_LIST, /OCO, OUO, OTO or BRACKET/],
  ['a contingency that is an inherited name', { contingency: 'toString', orders: [buy, sell] }, RejectCode.INVALID_ORDER_LIST, /OCO, OUO, OTO or BRACKET/],
  ['no orders', { contingency: 'OCO' }, RejectCode.MISSING_FIELD, /^orders is required$/],
  ['orders that are not an array', { contingency: 'OCO', orders: buy }, RejectCode.INVALID_ORDER_LIST, /array/],
  ['an OUO of three', { contingency: 'OUO', orders: [buy, sell, sell] }, RejectCode.INVALID_ORDER_LIST, /OCO and OUO take 2 orders/],
  ['an OTO of one', { contingency: 'OTO', orders: [buy] }, RejectCode.INVALID_ORDER_LIST, /1 to 3 children/],
  ['an unknown list field', { contingency: 'OCO', orders: [buy, sell], extra: 1 }, RejectCode.UNKNOWN_FIELD, /unknown field "extra" in an order list/],
  ['a bad member, named', { contingency: 'OCO', orders: [buy, { ...sell, side: 'hold' }] }, RejectCode.INVALID_SIDE, /^orders\[1\]: side must be/],
  ['one client order id twice', { contingency: 'OCO', orders: [{ ...buy, client_order_id: 'x' }, { ...sell, client_order_id: 'x' }] },
    RejectCode.INVALID_ORDER_LIST, /^orders\[1\]: client_order_id x is used twice/],
  ['post_only on a held child', { contingency: 'OTO', orders: [buy, { ...sell, post_only: true }] }, RejectCode.INVALID_ORDER_LIST, /^orders\[1\] is held/],
  ['members on two accounts', { contingency: 'OCO', orders: [{ ...buy, account: 'a' }, { ...sell, account: 'b' }] }, RejectCode.INVALID_ORDER_LIST, /one account/],
  ['a bracket whose take-profit is not a limit', { contingency: 'BRACKET', orders: [buy, stop, stop] }, RejectCode.INVALID_ORDER_LIST, /take-profit, must be a LIMIT/],
  ['a bracket whose stop-loss is not a stop', { contingency: 'BRACKET', orders: [buy, sell, sell] }, RejectCode.INVALID_ORDER_LIST, /stop-loss, must be a STOP/],
  ['a bracket whose exit is on the entry\'s side', { contingency: 'BRACKET', orders: [buy, { ...sell, side: 'buy' }, stop] }, RejectCode.INVALID_ORDER_LIST, /the other side/],
  ['a list_client_id with a space', { contingency: 'OCO', list_client_id: 'a b', orders: [buy, sell] }, RejectCode.INVALID_CLIENT_ORDER_ID, /^list_client_id must be/],
];

t.test('each way a list can be wrong has its code and a reason that says where', (t) => {
  for (const [sentence, body, code, reason] of REFUSALS) {
    const result = validateOrderList(body, instruments);
    t.notOk(result.ok, sentence);
    if (result.ok) continue;
    t.equal(result.refusal.code, code, `${sentence}: code`);
    t.match(result.refusal.reason, reason, `${sentence}: ${result.refusal.reason}`);
  }
  t.end();
});
