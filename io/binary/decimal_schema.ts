/**
 * The exact decimal on the wire: an SBE-style composite of a signed 64-bit mantissa and
 * a signed 8-bit exponent, value = mantissa * 10^exponent, 9 bytes, little-endian:
 *
 * ```
 *  0  mantissa  i64
 *  8  exponent  i8    -18..0 (so a decoded value is a Decimal with scale = -exponent)
 * ```
 *
 * "Absent" (no price on a market order, "unchanged" on a replace) is the SBE null
 * pattern: mantissa = i64 minimum (0x8000000000000000) and exponent = i8 minimum (-128).
 * Every other use of either minimum is refused, so there is exactly one way to write
 * "absent". Decimals are not aligned on the wire (9 bytes); see PROTOCOL.md.
 *
 * Decoding yields engine/reference/decimal.ts `Decimal`s (BigInt mantissa), exactly as
 * written: no normalisation, so re-encoding gives the same bytes. Encoding also accepts
 * a plain-number mantissa (a safe integer), so the io thread can reuse one mutable
 * `{ mantissa, scale }` per field and encode reports without BigInt arithmetic.
 */
import type { ISerialInput, ISerialOutput } from 'typed-binary';
import type { Decimal } from '../../engine/reference/decimal.js';
import { RejectCode } from '../../engine/protocol/reject_codes.js';
import { FIELD_OK, FieldFault, FieldSchema } from './field_schema.js';

/** A decimal to encode: a Decimal, or the same shape with a safe-integer mantissa. */
export interface DecimalInput {
  readonly mantissa: bigint | number;
  readonly scale: number;
}

export const DECIMAL_BYTES = 9;
export const DECIMAL_SCALE_MAX = 18;
/** Exponent byte of the absent pattern. */
export const DECIMAL_ABSENT_EXPONENT = -128;
const ABSENT_HIGH_WORD = -0x80000000;
const TWO_POW_32 = 4294967296;
const I64_MAX = (1n << 63n) - 1n;
const I64_MIN = -(1n << 63n);

export type DecimalSign = 'positive' | 'non_negative' | 'any';

export interface DecimalOptions {
  readonly sign: DecimalSign;
  /** Code for a value with the wrong sign (INVALID_QUANTITY, INVALID_PRICE, ...). */
  readonly sign_code: RejectCode;
}

const FAULT_ABSENT_PATTERN = 1;
const FAULT_MISSING = 2;
const FAULT_EXPONENT = 3;
const FAULT_SIGN = 4;

export class DecimalSchema<TRead extends Decimal | undefined, TWrite extends DecimalInput | undefined>
  extends FieldSchema<TRead, TWrite> {
  readonly byte_size = DECIMAL_BYTES;
  readonly alignment = 1;
  readonly wire_type: string;

  constructor(readonly optional: boolean, readonly options: DecimalOptions) {
    super();
    this.wire_type = optional ? 'Decimal?' : 'Decimal';
  }

  override check(bytes: Uint8Array, at: number): number {
    const lo = (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
    const hi = bytes[at + 4] | (bytes[at + 5] << 8) | (bytes[at + 6] << 16) | (bytes[at + 7] << 24);
    const exponent = (bytes[at + 8] << 24) >> 24;
    if (hi === ABSENT_HIGH_WORD && lo === 0) {
      if (exponent !== DECIMAL_ABSENT_EXPONENT) return FAULT_ABSENT_PATTERN;
      return this.optional ? FIELD_OK : FAULT_MISSING;
    }
    if (exponent < -DECIMAL_SCALE_MAX || exponent > 0) return FAULT_EXPONENT;
    const sign = this.options.sign;
    if (sign === 'positive' && !(hi > 0 || (hi === 0 && lo > 0))) return FAULT_SIGN;
    if (sign === 'non_negative' && hi < 0) return FAULT_SIGN;
    return FIELD_OK;
  }

  override fault(kind: number, field: string): FieldFault {
    switch (kind) {
      case FAULT_ABSENT_PATTERN:
        return { code: RejectCode.MALFORMED_BODY, reason: `${field}: an absent decimal must have exponent -128` };
      case FAULT_MISSING:
        return { code: RejectCode.MISSING_FIELD, reason: `${field} is required` };
      case FAULT_EXPONENT:
        return { code: RejectCode.VALUE_OUT_OF_RANGE, reason: `${field}: exponent must be from -18 to 0` };
      default:
        return {
          code: this.options.sign_code,
          reason: `${field} must be ${this.options.sign === 'positive' ? 'greater than zero' : 'zero or more'}`,
        };
    }
  }

  read(input: ISerialInput): TRead {
    const lo = input.readUint32();
    const hi = input.readInt32();
    const exponent = input.readInt8();
    if (hi === ABSENT_HIGH_WORD && lo === 0 && exponent === DECIMAL_ABSENT_EXPONENT) return undefined as TRead;
    // Within +-2^53 the number path is exact and makes one BigInt instead of four.
    const mantissa = hi >= -0x200000 && hi < 0x200000
      ? BigInt(hi * TWO_POW_32 + lo)
      : (BigInt(hi) << 32n) | BigInt(lo);
    // `0 - exponent`, not `-exponent`: an exponent of 0 must give scale +0, not -0.
    return { mantissa, scale: 0 - exponent } as TRead;
  }

  write(output: ISerialOutput, value: TWrite): void {
    if (value === undefined) {
      if (!this.optional) throw new RangeError('a required decimal is missing');
      output.writeUint32(0);
      output.writeInt32(ABSENT_HIGH_WORD);
      output.writeInt8(DECIMAL_ABSENT_EXPONENT);
      return;
    }
    const { mantissa, scale } = value;
    if (!Number.isInteger(scale) || scale < 0 || scale > DECIMAL_SCALE_MAX) {
      throw new RangeError(`decimal scale must be an integer from 0 to ${DECIMAL_SCALE_MAX}, got ${scale}`);
    }
    let lo: number;
    let hi: number;
    let positive: boolean;
    let negative: boolean;
    if (typeof mantissa === 'number') {
      if (!Number.isSafeInteger(mantissa)) throw new RangeError(`decimal mantissa must be a safe integer, got ${mantissa}`);
      lo = mantissa >>> 0;
      hi = Math.floor(mantissa / TWO_POW_32);
      positive = mantissa > 0;
      negative = mantissa < 0;
    } else {
      if (mantissa > I64_MAX || mantissa <= I64_MIN) throw new RangeError(`decimal mantissa ${mantissa} is outside i64`);
      lo = Number(BigInt.asUintN(32, mantissa));
      hi = Number(mantissa >> 32n);
      positive = mantissa > 0n;
      negative = mantissa < 0n;
    }
    const sign = this.options.sign;
    if ((sign === 'positive' && !positive) || (sign === 'non_negative' && negative)) {
      throw new RangeError(`decimal must be ${sign === 'positive' ? 'greater than zero' : 'zero or more'}`);
    }
    output.writeUint32(lo);
    output.writeInt32(hi);
    output.writeInt8(-scale);
  }
}

export function decimal(options: DecimalOptions): DecimalSchema<Decimal, DecimalInput> {
  return new DecimalSchema<Decimal, DecimalInput>(false, options);
}

export function optionalDecimal(options: DecimalOptions): DecimalSchema<Decimal | undefined, DecimalInput | undefined> {
  return new DecimalSchema<Decimal | undefined, DecimalInput | undefined>(true, options);
}
