import { deepStrictEqual } from 'node:assert';
import fc from 'fast-check';
import t from 'tap';
import { bin, BufferReader, BufferWriter } from 'typed-binary';
import { WireReader } from '../../../io/binary/wire_reader.js';
import { WireWriter } from '../../../io/binary/wire_writer.js';
import { holds } from './fixtures/arbitraries.js';

const schema = bin.object({
  a: bin.i8, b: bin.u16, c: bin.i16, d: bin.u32, e: bin.i32, f: bin.f32, g: bin.bool, h: bin.string, i: bin.u8Array(3),
});
const value = fc.record({
  a: fc.integer({ min: -128, max: 127 }),
  b: fc.integer({ min: 0, max: 0xffff }),
  c: fc.integer({ min: -32768, max: 32767 }),
  d: fc.integer({ min: 0, max: 0xffffffff }).map((n) => n >>> 0),
  e: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  f: fc.float({ noNaN: true }).map(Math.fround),
  g: fc.boolean(),
  h: fc.string({ unit: fc.integer({ min: 1, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 20 }),
  i: fc.uint8Array({ minLength: 3, maxLength: 3 }),
}).map((r) => ({ ...r }));

t.test('the wire reader and writer are byte-compatible with typed-binary\'s little-endian reader and writer', (t) => {
  holds(t, fc.property(value, (v) => {
    const ours = new Uint8Array(64);
    const theirs = new ArrayBuffer(64);
    schema.write(new WireWriter().reset(ours, 0), v);
    schema.write(new BufferWriter(theirs, { endianness: 'little' }), v);
    deepStrictEqual(ours, new Uint8Array(theirs));
    const back = schema.read(new WireReader().reset(ours, 0));
    deepStrictEqual({ ...back, f: Object.is(back.f, -0) ? 0 : back.f }, { ...v, f: Object.is(v.f, -0) ? 0 : v.f });
    deepStrictEqual(schema.read(new BufferReader(theirs, { endianness: 'little' })).h, v.h);
  }));
  t.end();
});

t.test('a reader reset to a new buffer reads from the given offset', (t) => {
  const reader = new WireReader();
  reader.reset(Uint8Array.of(1, 2, 3, 4), 2);
  t.equal(reader.readUint16(), 0x0403);
  t.equal(reader.currentByteOffset, 4);
  t.end();
});
