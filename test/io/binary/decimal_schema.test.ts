import { deepStrictEqual, equal } from 'node:assert';
import fc from 'fast-check';
import t from 'tap';
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import { formatDecimal, parseDecimal } from '../../../engine/reference/decimal.js';
import { decimal, optionalDecimal } from '../../../io/binary/decimal_schema.js';
import { WireReader } from '../../../io/binary/wire_reader.js';
import { WireWriter } from '../../../io/binary/wire_writer.js';
import { holds } from './fixtures/arbitraries.js';

const any = optionalDecimal({ sign: 'any', sign_code: RejectCode.INVALID_PRICE });
const positive = decimal({ sign: 'positive', sign_code: RejectCode.INVALID_QUANTITY });
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

function bytesOf(value: Parameters<typeof any.write>[1]): Uint8Array {
  const bytes = new Uint8Array(9);
  any.write(new WireWriter().reset(bytes, 0), value);
  return bytes;
}

t.test('a decimal is a little-endian i64 mantissa then an i8 exponent, 9 bytes', (t) => {
  t.same([...bytesOf({ mantissa: 4500012n, scale: 2 })], [0x2c, 0xaa, 0x44, 0, 0, 0, 0, 0, 0xfe]);
  t.same([...bytesOf({ mantissa: -1, scale: 0 })], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0]);
  t.same([...bytesOf(undefined)], [0, 0, 0, 0, 0, 0, 0, 0x80, 0x80], 'absent is i64 min and i8 min');
  t.end();
});

t.test('every i64 mantissa but the minimum and every scale 0..18 round-trips exactly, BigInt or number', (t) => {
  const mantissa = fc.oneof(fc.bigInt({ min: I64_MIN + 1n, max: I64_MAX }), fc.bigInt({ min: -(2n ** 53n), max: 2n ** 53n }));
  holds(t, fc.property(mantissa, fc.integer({ min: 0, max: 18 }), (m, scale) => {
    const bytes = bytesOf({ mantissa: m, scale });
    equal(any.check(bytes, 0), 0);
    deepStrictEqual(any.read(new WireReader().reset(bytes, 0)), { mantissa: m, scale });
    if (m >= -(2n ** 53n) + 1n && m <= 2n ** 53n - 1n) deepStrictEqual(bytesOf({ mantissa: Number(m), scale }), bytes);
  }), { numRuns: 500 });
  t.end();
});

t.test('a decoded decimal is the engine Decimal of the same value, without normalisation', (t) => {
  const bytes = bytesOf({ mantissa: 500n, scale: 3 });
  const value = any.read(new WireReader().reset(bytes, 0));
  t.same(value, { mantissa: 500n, scale: 3 });
  t.equal(formatDecimal(value!), '0.500');
  t.same(parseDecimal('0.5'), { mantissa: 5n, scale: 1 });
  t.notOk(Object.is(any.read(new WireReader().reset(bytesOf({ mantissa: 1n, scale: 0 }), 0))!.scale, -0), 'scale 0 is +0');
  t.end();
});

t.test('exponents outside -18..0 are VALUE_OUT_OF_RANGE and a half-absent pattern is MALFORMED_BODY', (t) => {
  const bytes = bytesOf({ mantissa: 1n, scale: 0 });
  bytes[8] = 1;
  t.equal(any.fault(any.check(bytes, 0), 'price').code, RejectCode.VALUE_OUT_OF_RANGE);
  bytes[8] = 0xed; // -19
  t.equal(any.fault(any.check(bytes, 0), 'price').code, RejectCode.VALUE_OUT_OF_RANGE);
  const half = bytesOf(undefined);
  half[8] = 0;
  t.equal(any.fault(any.check(half, 0), 'price').code, RejectCode.MALFORMED_BODY);
  t.end();
});

t.test('a required decimal refuses absent and a positive one refuses zero and negatives, on decode and encode', (t) => {
  t.equal(positive.fault(positive.check(bytesOf(undefined), 0), 'quantity').code, RejectCode.MISSING_FIELD);
  t.equal(positive.fault(positive.check(bytesOf({ mantissa: 0n, scale: 0 }), 0), 'quantity').code, RejectCode.INVALID_QUANTITY);
  t.equal(positive.fault(positive.check(bytesOf({ mantissa: -5n, scale: 1 }), 0), 'quantity').code, RejectCode.INVALID_QUANTITY);
  const writer = new WireWriter().reset(new Uint8Array(9), 0);
  t.throws(() => positive.write(writer.reset(writer.bytes, 0), { mantissa: 0, scale: 0 }), RangeError);
  t.throws(() => positive.write(writer.reset(writer.bytes, 0), { mantissa: 1, scale: 19 }), RangeError);
  t.throws(() => positive.write(writer.reset(writer.bytes, 0), { mantissa: 2 ** 53, scale: 0 }), RangeError);
  t.throws(() => any.write(writer.reset(writer.bytes, 0), { mantissa: I64_MIN, scale: 0 }), RangeError);
  t.end();
});
