/**
 * How the client routes what the server sends (io/client/order_tracker.ts): reports to
 * their order by client order id, a REPLACED report also to the order it replaced, a
 * CANCELED report to the cancels waiting on that order, Rejects by seq; and what is sent
 * again after a reconnect. Fed reports as the server would send them, no connection.
 */
import t from 'tap';
import { ClientClosed, ConnectionLost, OrderRejected } from '../../../io/client/client_errors.js';
import { ExecType, ExecutionReport, OrdStatus } from '../../../io/client/execution_report.js';
import { ContingencyType, ExecReason, OrderType, RejectCode, Side, TimeInForce } from '../../../io/client/index.js';
import { cancelDraft, cancelOrderListDraft, newOrderDraft, orderListDrafts, replaceDraft } from '../../../io/client/order_input.js';
import { OrderHandle } from '../../../io/client/order_handle.js';
import { OrderTracker } from '../../../io/client/order_tracker.js';

const order = (id: string) => newOrderDraft({
  symbol: 'BTCUSDT', side: Side.BUY, order_type: OrderType.LIMIT, time_in_force: TimeInForce.GTC, quantity: '0.01', price: '44000',
}, id);

let exec_id = 0;
function report(client_order_id: string, order_id: number, exec_type: ExecType, ord_status: OrdStatus, more: Partial<ExecutionReport> = {}): ExecutionReport {
  return {
    exec_type, ord_status, reject_code: 0, exec_id: ++exec_id, order_id, orig_order_id: 0, transact_time_us: 1, client_order_id,
    symbol: 'BTCUSDT', side: Side.BUY, order_type: OrderType.LIMIT, time_in_force: TimeInForce.GTC, exec_reason: ExecReason.NONE,
    order_qty: '0.01', price: '44000', stop_price: null, cum_qty: '0', leaves_qty: '0.01', avg_px: '0', last_qty: '0', last_px: null, trimmed: false,
    ...more,
  };
}

async function settled(promise: PromiseLike<unknown>): Promise<unknown> {
  try {
    return await promise;
  } catch (error) {
    return error;
  }
}

t.test('a REPLACED report answers the replacing order and ends the replaced one', async (t) => {
  const tracker = new OrderTracker();
  const original = tracker.addOrder(order('a'));
  tracker.report(report('a', 10, ExecType.NEW, OrdStatus.NEW));
  const replacing = tracker.addOrder(replaceDraft(10, { price: '44001' }, 'b'));
  const replaced = report('b', 11, ExecType.REPLACED, OrdStatus.NEW, { orig_order_id: 10 });
  t.equal(tracker.report(replaced), true);
  t.equal(await new OrderHandle(replacing.stream), replaced);
  t.equal(original.stream.ended, true, 'the replaced order is done');
  t.same(original.stream.reports.map((r) => r.exec_type), [ExecType.NEW, ExecType.REPLACED]);
  t.same(tracker.resendable(), [replacing], 'only the replacing order is left to track');
});

t.test('a cancel is answered by its order\'s CANCELED report, or refused by a Reject naming its seq', async (t) => {
  const tracker = new OrderTracker();
  const first = tracker.addCancel(cancelDraft(10));
  const second = tracker.addCancel(cancelDraft(20));
  tracker.sent(first, 5);
  tracker.sent(second, 6);
  tracker.report(report('x', 10, ExecType.CANCELED, OrdStatus.CANCELED));
  t.match(await first.answer, { order_id: 10, exec_type: ExecType.CANCELED });
  t.equal(tracker.reject(6, RejectCode.ORDER_ALREADY_FINAL, 'done already'), true);
  const error = await settled(second.answer);
  t.ok(error instanceof OrderRejected);
  t.match(error, { code: RejectCode.ORDER_ALREADY_FINAL, reason: 'done already' });
  t.equal(tracker.unansweredCount, 0);
  t.equal(tracker.reject(5, RejectCode.ORDER_ALREADY_FINAL, 'late'), false, 'a Reject for a request already answered matches nothing');
});

t.test('once an order is answered, a Reject or a REJECTED report without an order id for its resend changes nothing', async (t) => {
  const tracker = new OrderTracker();
  const entry = tracker.addOrder(order('c'));
  tracker.sent(entry, 1);
  tracker.report(report('c', 30, ExecType.NEW, OrdStatus.NEW));
  tracker.connectionEnded();
  tracker.sent(entry, 1);
  t.equal(tracker.reject(1, RejectCode.ENGINE_BUSY, 'busy'), true, 'the Reject is the resend\'s');
  tracker.report(report('c', 0, ExecType.REJECTED, OrdStatus.REJECTED, { reject_code: RejectCode.DUPLICATE_CLIENT_ORDER_ID }));
  t.equal(entry.stream.ended, false, 'the order is still open');
  t.same(entry.stream.reports.map((r) => r.exec_type), [ExecType.NEW]);
  t.same(tracker.resendable(), [entry], 'and is sent again after the next reconnect');
});

t.test('after a reconnect, open and unanswered orders and unanswered cancels are sent again, in the order they were made', async (t) => {
  const tracker = new OrderTracker();
  const open = tracker.addOrder(order('open'));
  tracker.report(report('open', 1, ExecType.NEW, OrdStatus.NEW));
  const filled = tracker.addOrder(order('filled'));
  tracker.report(report('filled', 2, ExecType.NEW, OrdStatus.NEW));
  tracker.report(report('filled', 2, ExecType.TRADE, OrdStatus.FILLED));
  const cancel = tracker.addCancel(cancelDraft(1));
  const unanswered = tracker.addOrder(order('unanswered'));
  t.same(tracker.resendable(), [open, cancel, unanswered]);
  t.equal(filled.stream.ended, true);
  t.equal(tracker.unansweredCount, 2);
});

t.test('ending everything: unanswered requests fail with the cause, open orders\' streams end with it (or quietly after close())', async (t) => {
  const tracker = new OrderTracker();
  const open = tracker.addOrder(order('open'));
  tracker.report(report('open', 1, ExecType.NEW, OrdStatus.NEW));
  const unanswered = tracker.addOrder(order('unanswered'));
  const cancel = tracker.addCancel(cancelDraft(1));
  const lost = new ConnectionLost('gave up', 1006, '');
  tracker.endAll(lost);
  t.equal(await settled(new OrderHandle(unanswered.stream)), lost);
  const cancel_error = await settled(cancel.answer);
  t.ok(cancel_error instanceof ClientClosed);
  t.equal((cancel_error as ClientClosed).cause_error, lost);
  await t.rejects((async () => { for await (const _ of new OrderHandle(open.stream)); })(), lost, 'the open order\'s iteration throws the cause');

  const quiet = new OrderTracker();
  const still_open = quiet.addOrder(order('still-open'));
  quiet.report(report('still-open', 1, ExecType.NEW, OrdStatus.NEW));
  quiet.endAll(null);
  const seen: string[] = [];
  for await (const r of new OrderHandle(still_open.stream)) seen.push(r.exec_type);
  t.same(seen, [ExecType.NEW], 'after close() the iteration just ends');
});

const oco = (ids: [string, string]) => orderListDrafts({
  contingency: ContingencyType.OCO,
  orders: [
    { symbol: 'BTCUSDT', side: Side.SELL, order_type: OrderType.LIMIT, time_in_force: TimeInForce.GTC, quantity: '0.01', price: '46000' },
    { symbol: 'BTCUSDT', side: Side.SELL, order_type: OrderType.STOP, time_in_force: TimeInForce.GTC, quantity: '0.01', stop_price: '44000' },
  ],
}, 'list', ids);
const listStatus = (more = {}) => ({
  list_id: 7, list_client_id: 'list', contingency: ContingencyType.OCO, list_order_status: 3, order_ids: [40, 41], duplicate: false,
  canceled_orders: 0, ...more,
});

t.test('a list is answered by the ListStatus naming its seq; it is sent again whole, never a member alone, until every member is final', async (t) => {
  const tracker = new OrderTracker();
  const { head, members } = oco(['m0', 'm1']);
  const list = tracker.addList(head, members);
  tracker.sent(list, 3);
  tracker.report(report('m0', 40, ExecType.NEW, OrdStatus.NEW));
  tracker.report(report('m1', 41, ExecType.NEW, OrdStatus.NEW));
  t.equal(tracker.listStatus(3, listStatus()), true);
  t.match(await list.answer.promise, { list_id: 7, order_ids: [40, 41] });
  t.equal(tracker.unansweredCount, 0);
  t.same(tracker.resendable(), [list], 'the list, not its members');
  tracker.report(report('m0', 40, ExecType.TRADE, OrdStatus.FILLED));
  tracker.report(report('m1', 41, ExecType.CANCELED, OrdStatus.CANCELED, { exec_reason: ExecReason.LIST_CONTINGENCY }));
  t.same(tracker.resendable(), [], 'every member final: nothing to send again');
  t.equal(list.members[1].stream.ended, true);
});

t.test('a list refused by a Reject refuses every member with it; a CancelOrderList is answered by a ListStatus or a Reject', async (t) => {
  const tracker = new OrderTracker();
  const { head, members } = oco(['r0', 'r1']);
  const list = tracker.addList(head, members);
  tracker.sent(list, 1);
  t.equal(tracker.reject(1, RejectCode.PRICE_COLLAR, 'orders[1]: too far'), true);
  const error = await settled(list.answer.promise);
  t.match(error, { code: RejectCode.PRICE_COLLAR, reason: 'orders[1]: too far' });
  for (const member of list.members) t.equal(await settled(new OrderHandle(member.stream)), error, 'the member is refused with its list');
  t.equal(tracker.unansweredCount, 0);
  t.same(tracker.resendable(), []);
  t.throws(() => tracker.addList(oco(['same', 'same']).head, oco(['same', 'same']).members), RangeError, 'member ids must differ');
  const cancel = tracker.addCancelList(cancelOrderListDraft(7));
  const refused = tracker.addCancelList(cancelOrderListDraft(8));
  tracker.sent(cancel, 2);
  tracker.sent(refused, 3);
  tracker.listStatus(2, listStatus({ canceled_orders: 2, list_order_status: 6 }));
  t.match(await cancel.answer.promise, { canceled_orders: 2 });
  tracker.reject(3, RejectCode.UNKNOWN_ORDER_LIST, 'no such list');
  t.match(await settled(refused.answer.promise), { code: RejectCode.UNKNOWN_ORDER_LIST });
});
