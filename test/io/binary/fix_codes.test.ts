import t from 'tap';
import { EventType, OrderStatus } from '../../../engine/protocol/enums.js';
import { ExecType, execTypeOf, OrdStatus, ordStatusOf } from '../../../io/binary/index.js';

t.test('every order event maps to its FIX ExecType', (t) => {
  t.equal(execTypeOf(EventType.ACCEPTED), ExecType.NEW);
  t.equal(execTypeOf(EventType.FILL), ExecType.TRADE);
  t.equal(execTypeOf(EventType.CANCELED), ExecType.CANCELED);
  t.equal(execTypeOf(EventType.REPLACED), ExecType.REPLACED);
  t.equal(execTypeOf(EventType.REJECTED), ExecType.REJECTED);
  t.equal(execTypeOf(EventType.EXPIRED), ExecType.EXPIRED);
  t.equal(execTypeOf(EventType.TRIGGERED), ExecType.TRIGGERED);
  t.equal(execTypeOf(EventType.KILL_SWITCH), undefined, 'admin events are not execution reports');
  t.end();
});

t.test('every engine order status maps to a FIX OrdStatus', (t) => {
  for (const status of Object.values(OrderStatus)) t.ok(ordStatusOf(status), `status ${status}`);
  t.equal(ordStatusOf(OrderStatus.PARTIALLY_FILLED), OrdStatus.PARTIALLY_FILLED);
  t.equal(ordStatusOf(OrderStatus.ACCEPTED), OrdStatus.NEW);
  t.equal(ordStatusOf(0), undefined);
  t.end();
});

t.test('FIX codes are the single characters FIX defines', (t) => {
  t.same(Object.values(ExecType), ['0', '4', '5', '8', 'C', 'F', 'L', 'I']);
  t.same(Object.values(OrdStatus), ['0', '1', '2', '4', '5', '8', 'C']);
  t.end();
});
