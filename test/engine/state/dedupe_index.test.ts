import t from 'tap';
import fc from 'fast-check';
import { DedupeIndex, keyHash } from '../../../engine/state/dedupe_index.js';

const encoder = new TextEncoder();

interface Entry { account: number; id: string; order_id: number; content_hash: number }

type Op =
  | { kind: 'insert'; account: number; id: number; content_hash: number }
  | { kind: 'close'; pick: number }
  | { kind: 'find'; account: number; id: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('insert' as const), account: fc.integer({ min: 0, max: 1 }), id: fc.integer({ min: 0, max: 24 }), content_hash: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('close' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('find' as const), account: fc.integer({ min: 0, max: 1 }), id: fc.integer({ min: 0, max: 24 }) }) },
);

function key(account: number, id: number): { account: number; bytes: Uint8Array } {
  return { account, bytes: encoder.encode(`cl-${id}`) };
}

t.test('the dedupe window forgets the oldest closed ids first and never an open one', (t) => {
  fc.assert(fc.property(fc.constantFrom(4, 8, 16), fc.array(opArb, { maxLength: 200, size: 'max' }), (window, ops) => {
    const index = new DedupeIndex(window);
    const open = new Set<number>();
    const isOpen = { isOpen: (order_id: number) => open.has(order_id) };
    let model: Entry[] = [];
    let next_order_id = 1;
    for (const op of ops) {
      if (op.kind === 'insert') {
        const { account, bytes } = key(op.account, op.id);
        if (index.find(account, bytes, 0, bytes.length) >= 0) continue;
        // Keep at most window / 2 orders open, as the engine does (window >= 2 * open capacity).
        if (open.size >= window / 2) continue;
        const order_id = next_order_id++;
        if (model.length === window) {
          // Open entries rotate to the newest end; the oldest closed one is forgotten.
          let rotations = 0;
          while (open.has(model[0].order_id) && rotations++ < window) model.push(model.shift()!);
          model.shift();
        }
        index.insert(account, bytes, 0, bytes.length, order_id, op.content_hash, isOpen);
        model.push({ account, id: `cl-${op.id}`, order_id, content_hash: op.content_hash });
        open.add(order_id);
      } else if (op.kind === 'close') {
        const ids = [...open];
        if (ids.length > 0) open.delete(ids[op.pick % ids.length]);
      }
      if (index.count !== model.length) throw new Error(`count ${index.count} != ${model.length}`);
      for (let account = 0; account < 2; account++) {
        for (let id = 0; id <= 24; id++) {
          const { bytes } = key(account, id);
          const entry = index.find(account, bytes, 0, bytes.length);
          const expected = model.find((e) => e.account === account && e.id === `cl-${id}`);
          if ((entry >= 0) !== (expected !== undefined)) throw new Error(`find(${account}, cl-${id}) disagrees with the model`);
          if (expected !== undefined && (index.orderIdOf(entry) !== expected.order_id || index.contentHashOf(entry) !== expected.content_hash)) {
            throw new Error(`entry for cl-${id} holds the wrong order`);
          }
        }
      }
      for (const order_id of open) {
        if (!model.some((e) => e.order_id === order_id)) throw new Error(`open order ${order_id} was forgotten`);
      }
    }
    const visited: number[] = [];
    index.forEach((_account, _bytes, order_id) => visited.push(order_id));
    if (visited.join() !== model.map((e) => e.order_id).join()) throw new Error('forEach does not visit oldest first');
    // The running content sum equals that of a fresh index holding the same entries.
    const fresh = new DedupeIndex(window);
    for (const e of model) {
      const bytes = encoder.encode(e.id);
      fresh.insert(e.account, bytes, 0, bytes.length, e.order_id, e.content_hash, isOpen);
    }
    if (fresh.content_sum !== index.content_sum) throw new Error('content_sum drifted from the entries it covers');
    model = [];
  }), { numRuns: 200 });
  t.pass('200 random histories matched the FIFO model');
  t.end();
});

t.test('a window full of open orders is refused loudly rather than forgetting one', (t) => {
  const index = new DedupeIndex(4);
  const isOpen = { isOpen: () => true };
  for (let i = 0; i < 4; i++) {
    const bytes = encoder.encode(`id-${i}`);
    index.insert(0, bytes, 0, bytes.length, i + 1, 0, isOpen);
  }
  const bytes = encoder.encode('id-4');
  t.throws(() => index.insert(0, bytes, 0, bytes.length, 5, 0, isOpen), /only open orders/);
  t.throws(() => new DedupeIndex(6), /power of two/);
  t.end();
});

t.test('ids are compared byte for byte, per account', (t) => {
  const index = new DedupeIndex(8);
  const isOpen = { isOpen: () => false };
  const a = encoder.encode('abc');
  index.insert(1, a, 0, a.length, 7, 99, isOpen);
  t.equal(index.find(1, encoder.encode('abc'), 0, 3), 0);
  t.equal(index.find(2, encoder.encode('abc'), 0, 3), -1, 'another account');
  t.equal(index.find(1, encoder.encode('abd'), 0, 3), -1, 'another id');
  t.equal(index.find(1, encoder.encode('ab'), 0, 2), -1, 'a prefix');
  t.equal(index.find(1, encoder.encode('xabc'), 1, 3), 0, 'found at an offset in a larger buffer');
  t.end();
});

t.test('an insert records the id it is given, whatever the lookup before it missed', (t) => {
  const index = new DedupeIndex(4);
  const isOpen = { isOpen: () => false };
  // The lookup misses 'id-a' in a buffer that is then overwritten (a command slot reused)
  // before the insert reads it: the insert must hash what it is given, not what was missed.
  const slot = encoder.encode('id-a');
  t.equal(index.find(0, slot, 0, 4), -1);
  slot.set(encoder.encode('id-b'));
  index.insert(0, slot, 0, 4, 1, 11, isOpen);
  t.equal(index.find(0, encoder.encode('id-a'), 0, 4), -1, 'the missed id was not recorded');
  t.equal(index.orderIdOf(index.find(0, encoder.encode('id-b'), 0, 4)), 1, 'the inserted id is found');
  // Same bytes from another buffer (the event slot the engine inserts from): found after.
  t.equal(index.find(1, encoder.encode('xid-c'), 1, 4), -1);
  index.insert(1, encoder.encode('id-c'), 0, 4, 2, 12, isOpen);
  t.equal(index.orderIdOf(index.find(1, encoder.encode('id-c'), 0, 4)), 2);
  // Another account with the same bytes is another key.
  t.equal(index.find(2, encoder.encode('id-c'), 0, 4), -1);
  index.insert(3, encoder.encode('id-c'), 0, 4, 3, 13, isOpen);
  t.equal(index.find(2, encoder.encode('id-c'), 0, 4), -1, 'account 2 never inserted');
  t.equal(index.orderIdOf(index.find(3, encoder.encode('id-c'), 0, 4)), 3);
  // Forgetting the oldest (window full) between the miss and the insert moves slots: the
  // insert must probe again and the id stay findable.
  for (let i = 4; i < 12; i++) {
    const bytes = encoder.encode(`id-${i}`);
    t.equal(index.find(0, bytes, 0, bytes.length), -1);
    index.insert(0, bytes, 0, bytes.length, i, i, isOpen);
    t.equal(index.orderIdOf(index.find(0, bytes, 0, bytes.length)), i);
  }
  t.equal(index.count, 4);
  t.end();
});

t.test('findHashed with keyHash finds what find finds', (t) => {
  const index = new DedupeIndex(8);
  const isOpen = { isOpen: () => false };
  const bytes = encoder.encode('order-77');
  t.equal(index.findHashed(keyHash(5, bytes, 0, bytes.length), 5, bytes, 0, bytes.length), -1);
  index.insert(5, bytes, 0, bytes.length, 77, 1, isOpen);
  t.equal(index.findHashed(keyHash(5, bytes, 0, bytes.length), 5, bytes, 0, bytes.length), index.find(5, bytes, 0, bytes.length));
  t.equal(index.orderIdOf(index.find(5, bytes, 0, bytes.length)), 77);
  t.end();
});
