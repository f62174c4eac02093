import t from 'tap';
import { isLegalTransition, statusAfterFill } from '../../../engine/lifecycle/order_lifecycle.js';
import { isFinalStatus, nameOf, OrderStatus } from '../../../engine/protocol/enums.js';

const S = OrderStatus;

/** The whole table, written out: every pair not listed here must be refused. */
const LEGAL: ReadonlyArray<readonly [number, number]> = [
  [S.NEW, S.ACCEPTED], [S.NEW, S.REJECTED],
  [S.ACCEPTED, S.ACCEPTED], [S.ACCEPTED, S.PARTIALLY_FILLED], [S.ACCEPTED, S.FILLED], [S.ACCEPTED, S.CANCELED],
  [S.ACCEPTED, S.REPLACED], [S.ACCEPTED, S.EXPIRED],
  [S.PARTIALLY_FILLED, S.PARTIALLY_FILLED], [S.PARTIALLY_FILLED, S.FILLED], [S.PARTIALLY_FILLED, S.CANCELED],
  [S.PARTIALLY_FILLED, S.REPLACED], [S.PARTIALLY_FILLED, S.EXPIRED],
];

const STATUSES = Object.values(OrderStatus);

t.test('every legal status transition is allowed and every other one is refused', (t) => {
  const legal = new Set(LEGAL.map(([from, to]) => `${from}->${to}`));
  let checked = 0;
  for (const from of [0, ...STATUSES, 9, -1, 255]) {
    for (const to of [0, ...STATUSES, 9, -1, 255]) {
      const expected = legal.has(`${from}->${to}`);
      t.equal(isLegalTransition(from, to), expected,
        `${String(nameOf(OrderStatus, from) ?? from)} -> ${String(nameOf(OrderStatus, to) ?? to)} ${expected ? 'allowed' : 'refused'}`);
      checked++;
    }
  }
  t.equal(checked, 12 * 12, 'every pair of 8 statuses plus 0 and three out-of-range values');
  t.end();
});

t.test('a final status has no successor and every open status has one', (t) => {
  for (const from of STATUSES) {
    const successors = STATUSES.filter((to) => isLegalTransition(from, to));
    if (isFinalStatus(from)) t.same(successors, [], `${String(nameOf(OrderStatus, from))} is final`);
    else t.ok(successors.length > 0, `${String(nameOf(OrderStatus, from))} can move on`);
  }
  t.same(STATUSES.filter(isFinalStatus), [S.FILLED, S.CANCELED, S.REPLACED, S.REJECTED, S.EXPIRED]);
  t.end();
});

t.test('no status can go back to NEW and only NEW can be rejected', (t) => {
  for (const from of STATUSES) {
    t.notOk(isLegalTransition(from, S.NEW));
    t.equal(isLegalTransition(from, S.REJECTED), from === S.NEW);
  }
  t.end();
});

t.test('a fill makes an order FILLED exactly when the cumulative quantity reaches the order quantity', (t) => {
  t.equal(statusAfterFill(3, 10), S.PARTIALLY_FILLED);
  t.equal(statusAfterFill(9, 10), S.PARTIALLY_FILLED);
  t.equal(statusAfterFill(10, 10), S.FILLED);
  t.end();
});
