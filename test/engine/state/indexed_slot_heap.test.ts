/** The indexed slot heap: pops in key order (ties in insertion order), removes any slot at once, never grows. */
import t from 'tap';
import fc from 'fast-check';
import { IndexedSlotHeap } from '../../../engine/state/indexed_slot_heap.js';

const CAPACITY = 16;

type Op = { kind: 'insert'; slot: number; key: number } | { kind: 'remove'; slot: number } | { kind: 'pop' } | { kind: 'clear' };

t.test('the indexed slot heap matches a stably sorted list under inserts, removals of any slot, pops and clears', (t) => {
  const slotArb = fc.integer({ min: 0, max: CAPACITY - 1 });
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('insert' as const), slot: slotArb, key: fc.integer({ min: -4, max: 4 }) }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('remove' as const), slot: slotArb }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('pop' as const) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('clear' as const) }) },
  );
  fc.assert(fc.property(fc.array(opArb, { maxLength: 300, size: 'max' }), (ops) => {
    const heap = new IndexedSlotHeap(CAPACITY);
    let model: { key: number; slot: number; order: number }[] = [];
    let inserted = 0;
    for (const op of ops) {
      if (op.kind === 'insert') {
        if (model.some((e) => e.slot === op.slot)) {
          if (!throws(() => heap.insert(op.slot, op.key))) throw new Error(`a second entry for slot ${op.slot} was taken`);
          continue;
        }
        heap.insert(op.slot, op.key);
        model.push({ key: op.key, slot: op.slot, order: inserted++ });
      } else if (op.kind === 'remove') {
        const had = model.some((e) => e.slot === op.slot);
        if (heap.remove(op.slot) !== had) throw new Error(`remove(${op.slot}) said ${!had}, the model ${had}`);
        model = model.filter((e) => e.slot !== op.slot);
      } else if (op.kind === 'pop') {
        if (model.length === 0) continue;
        heap.pop();
        model.shift();
      } else {
        heap.clear();
        model = [];
      }
      model.sort((a, b) => a.key - b.key || a.order - b.order);
      if (heap.length !== model.length) throw new Error(`length ${heap.length} != ${model.length}`);
      for (let slot = 0; slot < CAPACITY; slot++) {
        if (heap.contains(slot) !== model.some((e) => e.slot === slot)) throw new Error(`contains(${slot}) is wrong`);
      }
      if (model.length > 0 && (heap.topKey() !== model[0].key || heap.topSlot() !== model[0].slot)) {
        throw new Error(`top is ${heap.topKey()}/${heap.topSlot()}, expected ${model[0].key}/${model[0].slot}`);
      }
    }
  }), { numRuns: 400 });
  t.pass('400 random histories matched the model');
  t.end();
});

t.test('popping everything yields the keys in order, with equal keys in insertion order', (t) => {
  const heap = new IndexedSlotHeap(8);
  const entries = [[3, 5], [1, 9], [6, 5], [0, 2], [7, 9], [2, 1], [5, 5], [4, 2]];
  for (const [slot, key] of entries) heap.insert(slot, key);
  const popped: number[][] = [];
  while (heap.length > 0) {
    popped.push([heap.topSlot(), heap.topKey()]);
    heap.pop();
  }
  t.same(popped, [[2, 1], [0, 2], [4, 2], [3, 5], [6, 5], [5, 5], [1, 9], [7, 9]]);
  t.end();
});

t.test('every slot fits at once and a slot removed can come back', (t) => {
  const heap = new IndexedSlotHeap(4);
  for (let slot = 0; slot < 4; slot++) heap.insert(slot, 10 - slot);
  t.equal(heap.length, 4);
  t.equal(heap.topSlot(), 3);
  t.ok(heap.remove(3));
  t.notOk(heap.remove(3), 'a second removal finds nothing');
  t.equal(heap.topSlot(), 2);
  heap.insert(3, 1);
  t.equal(heap.topSlot(), 3);
  t.throws(() => new IndexedSlotHeap(0), /positive integer/);
  t.end();
});

function throws(f: () => void): boolean {
  try {
    f();
    return false;
  } catch {
    return true;
  }
}
