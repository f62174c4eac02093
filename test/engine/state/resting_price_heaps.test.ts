/** The resting price heaps: each heap's lowest key is always at hand while slots come and go in any order. */
import t from 'tap';
import fc from 'fast-check';
import { RestingPriceHeaps } from '../../../engine/state/resting_price_heaps.js';

const HEAPS = 3;
const SLOTS = 24;

type Op = { kind: 'insert'; heap: number; slot: number; key: number } | { kind: 'remove'; slot: number };

t.test('every heap reports the lowest key of the slots in it, under random inserts and removals', (t) => {
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    { weight: 3, arbitrary: fc.record({
      kind: fc.constant('insert' as const), heap: fc.integer({ min: 0, max: HEAPS - 1 }), slot: fc.integer({ min: 0, max: SLOTS - 1 }),
      key: fc.oneof(fc.integer({ min: -6, max: 6 }), fc.constant(Infinity), fc.constant(-Infinity)),
    }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), slot: fc.integer({ min: 0, max: SLOTS - 1 }) }) },
  );
  fc.assert(fc.property(fc.array(opArb, { maxLength: 400, size: 'max' }), (ops) => {
    const heaps = new RestingPriceHeaps(HEAPS, SLOTS);
    const model = new Map<number, { heap: number; key: number }>();
    for (const op of ops) {
      if (op.kind === 'insert') {
        if (model.has(op.slot)) continue;
        heaps.insert(op.heap, op.slot, op.key);
        model.set(op.slot, { heap: op.heap, key: op.key });
      } else {
        if (heaps.remove(op.slot) !== model.has(op.slot)) throw new Error(`remove(${op.slot}) disagrees with the model`);
        model.delete(op.slot);
      }
      for (let heap = 0; heap < HEAPS; heap++) {
        let lowest = Infinity;
        for (const entry of model.values()) if (entry.heap === heap && entry.key < lowest) lowest = entry.key;
        if (heaps.minKey(heap) !== lowest) throw new Error(`heap ${heap} reports ${heaps.minKey(heap)}, expected ${lowest}`);
      }
      for (let slot = 0; slot < SLOTS; slot++) {
        if (heaps.heapOf(slot) !== (model.get(slot)?.heap ?? -1)) throw new Error(`slot ${slot} is in the wrong heap`);
      }
    }
  }), { numRuns: 300 });
  t.pass('300 random histories matched the model');
  t.end();
});

t.test('a slot can be in one heap at a time', (t) => {
  const heaps = new RestingPriceHeaps(2, 4);
  heaps.insert(0, 1, 5);
  t.throws(() => heaps.insert(1, 1, 3), /already in resting price heap 0/);
  t.ok(heaps.remove(1));
  t.notOk(heaps.remove(1), 'a second removal finds nothing');
  heaps.insert(1, 1, 3);
  t.equal(heaps.minKey(1), 3);
  t.equal(heaps.minKey(0), Infinity, 'an empty heap');
  t.end();
});

t.test('removing the best of many keys costs a logarithmic number of slot visits, amortized', (t) => {
  const n = 4096;
  const heaps = new RestingPriceHeaps(1, n);
  for (let slot = 0; slot < n; slot++) heaps.insert(0, slot, slot);
  const before = heaps.slots_visited;
  // Remove the best and put a new worst back, n times: every slot leaves as the best once.
  let wrong = 0;
  for (let i = 0; i < n; i++) {
    if (heaps.minKey(0) !== i) wrong++;
    const best = i % n;
    heaps.remove(best);
    heaps.insert(0, best, n + i);
  }
  t.equal(wrong, 0, 'the best key was always the next one');
  const per_removal = (heaps.slots_visited - before) / n;
  t.ok(per_removal < 4 * Math.log2(n), `${per_removal.toFixed(1)} slot visits per removal of the best, for ${n} keys`);
  t.end();
});
