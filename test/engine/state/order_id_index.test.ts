import t from 'tap';
import fc from 'fast-check';
import { OrderIdIndex } from '../../../engine/state/order_id_index.js';

type Op = { kind: 'set'; key: number; slot: number } | { kind: 'delete'; key: number };

t.test('the order id index behaves like a map under random sets and deletes', (t) => {
  // Keys from a small dense range collide on purpose; some are near 2^53 like long-running ids.
  const keyArb = fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 2 ** 53 - 64, max: 2 ** 53 - 1 }));
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant('set' as const), key: keyArb, slot: fc.integer({ min: 0, max: 1000 }) }),
    fc.record({ kind: fc.constant('delete' as const), key: keyArb }),
  );
  fc.assert(fc.property(fc.constantFrom(16, 32, 64), fc.array(opArb, { maxLength: 300, size: 'max' }), (capacity, ops) => {
    const index = new OrderIdIndex(capacity);
    const model = new Map<number, number>();
    for (const op of ops) {
      if (op.kind === 'set') {
        // The engine keeps the index at most half full (open orders <= capacity / 2).
        if (model.size * 2 >= capacity) continue;
        index.set(op.key, op.slot);
        model.set(op.key, op.slot);
      } else {
        index.delete(op.key);
        model.delete(op.key);
      }
      if (index.size !== model.size) throw new Error(`size ${index.size} != ${model.size}`);
      for (const [k, v] of model) if (index.get(k) !== v) throw new Error(`get(${k}) = ${index.get(k)}, expected ${v}`);
    }
    for (let k = 1; k <= 64; k++) if (!model.has(k) && index.get(k) !== -1) throw new Error(`deleted key ${k} still found`);
  }), { numRuns: 400 });
  t.pass('400 random histories matched a Map');
  t.end();
});

t.test('dense ids fill the direct table; colliding ids overflow, and the overflow refuses to pass half full', (t) => {
  const index = new OrderIdIndex(8);
  for (let k = 1; k <= 8; k++) index.set(k, k);
  t.equal(index.size, 8, 'eight consecutive ids all fit the direct table');
  // 9, 17, 25, ... share their low bits with ids already there: they go to the overflow table.
  for (let k = 0; k < 4; k++) index.set(9 + 8 * k, 100 + k);
  for (let k = 0; k < 4; k++) t.equal(index.get(9 + 8 * k), 100 + k);
  t.throws(() => index.set(9 + 8 * 4, 5), /over half full/);
  t.throws(() => new OrderIdIndex(12), /power of two/);
  t.end();
});
