/**
 * Unsigned integer fields. u8, u16 and u32 delegate to typed-binary's own schemas;
 * u64 is a custom schema because typed-binary has no 64-bit integers. Protocol u64s
 * (order ids, epoch times) are read as JS numbers and must stay within 2^53 - 1, where
 * every integer is exact; larger values are refused, never rounded.
 */
import { bin } from 'typed-binary';
import type { ISchema, ISerialInput, ISerialOutput } from 'typed-binary';
import { RejectCode } from '../../engine/protocol/reject_codes.js';
import { FIELD_OK, FieldFault, FieldSchema } from './field_schema.js';

const TWO_POW_32 = 4294967296;
/** The high word of Number.MAX_SAFE_INTEGER (2^53 - 1 = 0x001FFFFF_FFFFFFFF). */
const SAFE_HIGH_WORD_MAX = 0x1fffff;

export class UintSchema extends FieldSchema<number> {
  constructor(
    private readonly inner: ISchema<number>,
    readonly byte_size: 1 | 2 | 4,
    readonly wire_type: string,
  ) {
    super();
  }

  get alignment(): number {
    return this.byte_size;
  }

  read(input: ISerialInput): number {
    return this.inner.read(input);
  }

  write(output: ISerialOutput, value: number): void {
    const max = 2 ** (8 * this.byte_size) - 1;
    if (!Number.isInteger(value) || value < 0 || value > max) {
      throw new RangeError(`${this.wire_type} value must be an integer from 0 to ${max}, got ${value}`);
    }
    this.inner.write(output, value);
  }
}

export const u8 = new UintSchema(bin.u8, 1, 'u8');
export const u16 = new UintSchema(bin.u16, 2, 'u16');
export const u32 = new UintSchema(bin.u32, 4, 'u32');

export interface U64Options {
  /** Smallest accepted value (0 = "none" is allowed unless min is 1). */
  readonly min: number;
  /** Code for a value outside min..2^53-1. */
  readonly code: RejectCode;
  /** What the value means, for the reason text ("order_id must be ..."). */
  readonly meaning: string;
}

/** Little-endian u64 read as a number; values above 2^53 - 1 are refused by `check`. */
export class SafeU64Schema extends FieldSchema<number> {
  readonly byte_size = 8;
  readonly alignment = 8;
  readonly wire_type = 'u64';

  constructor(readonly options: U64Options) {
    super();
  }

  override check(bytes: Uint8Array, at: number): number {
    const lo = (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
    const hi = (bytes[at + 4] | (bytes[at + 5] << 8) | (bytes[at + 6] << 16) | (bytes[at + 7] << 24)) >>> 0;
    if (hi > SAFE_HIGH_WORD_MAX) return 1;
    return hi * TWO_POW_32 + lo < this.options.min ? 1 : FIELD_OK;
  }

  override fault(_kind: number, field: string): FieldFault {
    return {
      code: this.options.code,
      reason: `${field} must be ${this.options.meaning}: an integer from ${this.options.min} to 2^53-1`,
    };
  }

  read(input: ISerialInput): number {
    const lo = input.readUint32();
    const hi = input.readUint32();
    return hi * TWO_POW_32 + lo;
  }

  write(output: ISerialOutput, value: number): void {
    if (!Number.isSafeInteger(value) || value < this.options.min) {
      throw new RangeError(`u64 value must be a safe integer >= ${this.options.min}, got ${value}`);
    }
    output.writeUint32(value >>> 0);
    output.writeUint32(Math.floor(value / TWO_POW_32));
  }
}

export function u64(options: U64Options): SafeU64Schema {
  return new SafeU64Schema(options);
}
