import t from 'tap';
import fc from 'fast-check';
import { SlotHeap } from '../../../engine/state/slot_heap.js';

type Op = { kind: 'push'; key: number } | { kind: 'pop' } | { kind: 'compact'; modulus: number };

t.test('the slot heap pops the lowest key first and equal keys in insertion order', (t) => {
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('push' as const), key: fc.integer({ min: -5, max: 5 }) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('pop' as const) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('compact' as const), modulus: fc.integer({ min: 2, max: 4 }) }) },
  );
  fc.assert(fc.property(fc.array(opArb, { maxLength: 400, size: 'max' }), (ops) => {
    const heap = new SlotHeap(2);
    let model: { key: number; slot: number }[] = [];
    let next_slot = 0;
    for (const op of ops) {
      if (op.kind === 'push') {
        heap.push(op.key, next_slot, next_slot * 3);
        model.push({ key: op.key, slot: next_slot++ });
      } else if (op.kind === 'pop') {
        if (model.length === 0) continue;
        heap.pop();
      } else {
        heap.compact((slot) => slot % op.modulus !== 0);
        model = model.filter((e) => e.slot % op.modulus !== 0);
      }
      // Stable sort: by key, then by insertion (slot numbers grow with insertion).
      model.sort((a, b) => a.key - b.key || a.slot - b.slot);
      if (op.kind === 'pop') model.shift();
      if (heap.length !== model.length) throw new Error(`length ${heap.length} != ${model.length}`);
      if (model.length > 0) {
        if (heap.topKey() !== model[0].key || heap.topSlot() !== model[0].slot) {
          throw new Error(`top is ${heap.topKey()}/${heap.topSlot()}, expected ${model[0].key}/${model[0].slot}`);
        }
        if (heap.topGeneration() !== model[0].slot * 3) throw new Error('the generation travels with its entry');
      }
    }
  }), { numRuns: 400 });
  t.pass('400 random histories matched a stably sorted list');
  t.end();
});

t.test('clear empties the heap and it can be reused', (t) => {
  const heap = new SlotHeap(1);
  for (let i = 0; i < 10; i++) heap.push(10 - i, i, 0);
  heap.clear();
  t.equal(heap.length, 0);
  heap.push(3, 7, 1);
  t.equal(heap.topSlot(), 7);
  t.end();
});
