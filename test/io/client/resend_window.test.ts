/**
 * Resending after a reconnect (io/client/resend_window.ts): at most 512 requests go out
 * unanswered at a time, each answer lets the next one out, requests answered meanwhile
 * are skipped, and a request made during the resend goes out after the older ones.
 */
import t from 'tap';
import { ExecType, OrdStatus } from '../../../io/client/execution_report.js';
import { ExecReason, OrderType, Side, TimeInForce } from '../../../io/client/index.js';
import { newOrderDraft } from '../../../io/client/order_input.js';
import { OrderTracker, TrackedRequest } from '../../../io/client/order_tracker.js';
import { ResendWindow } from '../../../io/client/resend_window.js';

const draft = (id: string) => newOrderDraft({
  symbol: 'BTCUSDT', side: Side.BUY, order_type: OrderType.LIMIT, time_in_force: TimeInForce.GTC, quantity: '0.01', price: '44000',
}, id);

const accepted = (client_order_id: string, order_id: number) => ({
  exec_type: ExecType.NEW, ord_status: OrdStatus.NEW, reject_code: 0, exec_id: order_id, order_id, orig_order_id: 0,
  transact_time_us: 1, client_order_id, symbol: 'BTCUSDT', side: Side.BUY, order_type: OrderType.LIMIT,
  time_in_force: TimeInForce.GTC, exec_reason: ExecReason.NONE, order_qty: '0.01', price: '44000', stop_price: null,
  cum_qty: '0', leaves_qty: '0.01', avg_px: '0', last_qty: '0', last_px: null, trimmed: false,
});

t.test('at most 512 resent requests are unanswered at a time; each answer lets the next one out, in order', async (t) => {
  const tracker = new OrderTracker();
  const sent: TrackedRequest[] = [];
  const window = new ResendWindow(tracker, (request) => sent.push(request));
  const requests = Array.from({ length: 600 }, (_, i) => tracker.addOrder(draft(`r-${i}`)));
  // Answered before the resend reaches it: skipped.
  tracker.report(accepted('r-599', 599));
  tracker.report({ ...accepted('r-599', 599), exec_type: ExecType.CANCELED, ord_status: OrdStatus.CANCELED });
  window.start(tracker.resendable());
  t.equal(sent.length, 512, 'the window is full');
  t.equal(window.busy, true);
  const late = tracker.addOrder(draft('late'));
  window.enqueue(late);
  t.equal(sent.length, 512, 'a new request waits behind the resend');
  for (let i = 0; i < 100; i++) tracker.report(accepted(`r-${i}`, i + 1));
  t.same(sent.map((r) => (r.kind === 'order' ? r.draft.client_order_id : '')), [...requests.slice(0, 599), late].map((r) => r.draft.client_order_id),
    'every pending request went out once, oldest first, the new one last');
  t.equal(window.busy, false);
});
