import t from 'tap';
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import { u16, u32, u64 } from '../../../io/binary/integer_schemas.js';
import { WireReader } from '../../../io/binary/wire_reader.js';
import { WireWriter } from '../../../io/binary/wire_writer.js';

const id = u64({ min: 1, code: RejectCode.VALUE_OUT_OF_RANGE, meaning: 'an order id' });

t.test('a u64 round-trips every integer from its minimum to 2^53-1, little-endian', (t) => {
  const bytes = new Uint8Array(8);
  for (const value of [1, 255, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 12345, Number.MAX_SAFE_INTEGER]) {
    id.write(new WireWriter().reset(bytes, 0), value);
    t.equal(id.check(bytes, 0), 0);
    t.equal(id.read(new WireReader().reset(bytes, 0)), value);
  }
  id.write(new WireWriter().reset(bytes, 0), 0x0102030405);
  t.same([...bytes], [5, 4, 3, 2, 1, 0, 0, 0]);
  t.end();
});

t.test('a u64 of 2^53 or more, or below its minimum, is refused, never rounded', (t) => {
  const bytes = Uint8Array.from([0, 0, 0, 0, 0, 0, 0x20, 0]);
  t.not(id.check(bytes, 0), 0, '2^53');
  t.not(id.check(new Uint8Array(8), 0), 0, '0 below min 1');
  t.not(id.check(new Uint8Array(8).fill(0xff), 0), 0, '2^64-1');
  t.equal(id.fault(1, 'order_id').code, RejectCode.VALUE_OUT_OF_RANGE);
  t.throws(() => id.write(new WireWriter().reset(new Uint8Array(8), 0), 2 ** 53), RangeError);
  t.throws(() => id.write(new WireWriter().reset(new Uint8Array(8), 0), 1.5), RangeError);
  t.end();
});

t.test('u16 and u32 go through typed-binary and refuse values that do not fit', (t) => {
  const bytes = new Uint8Array(4);
  u32.write(new WireWriter().reset(bytes, 0), 0xdeadbeef);
  t.same([...bytes], [0xef, 0xbe, 0xad, 0xde]);
  t.equal(u32.read(new WireReader().reset(bytes, 0)), 0xdeadbeef);
  t.throws(() => u16.write(new WireWriter().reset(bytes, 0), 65536), RangeError);
  t.throws(() => u32.write(new WireWriter().reset(bytes, 0), -1), RangeError);
  t.end();
});
