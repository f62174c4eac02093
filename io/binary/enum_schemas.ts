/**
 * One-byte fields with a closed set of values: the engine's `as const` enums (Side,
 * OrderType, ...) by their numbers, FIX character codes (ExecType, OrdStatus) by their
 * ASCII byte, and booleans (0 or 1). `check` refuses any other byte, so a decoded
 * message carries only members of the enum.
 */
import type { ISerialInput, ISerialOutput } from 'typed-binary';
import { RejectCode, isRejectCode } from '../../engine/protocol/reject_codes.js';
import { FIELD_OK, FieldFault, FieldSchema } from './field_schema.js';

type ValueOf<T> = T[keyof T];

function membership(values: readonly number[]): Uint8Array {
  const members = new Uint8Array(256);
  for (const v of values) {
    if (!Number.isInteger(v) || v < 0 || v > 255) throw new Error(`enum value ${v} does not fit a u8`);
    members[v] = 1;
  }
  return members;
}

/** A u8 holding a member of a numeric `as const` enum. */
export class EnumU8Schema<T extends Record<string, number>> extends FieldSchema<ValueOf<T>> {
  readonly byte_size = 1;
  readonly alignment = 1;
  readonly wire_type = 'u8';
  private readonly members: Uint8Array;

  constructor(readonly table: T, readonly code: RejectCode) {
    super();
    this.members = membership(Object.values(table));
  }

  override check(bytes: Uint8Array, at: number): number {
    return this.members[bytes[at]] === 1 ? FIELD_OK : 1;
  }

  override fault(_kind: number, field: string): FieldFault {
    const listed = Object.entries(this.table).map(([name, v]) => `${v}=${name}`).join(', ');
    return { code: this.code, reason: `${field} must be one of ${listed}` };
  }

  read(input: ISerialInput): ValueOf<T> {
    return input.readUint8() as ValueOf<T>;
  }

  write(output: ISerialOutput, value: ValueOf<T>): void {
    if (this.members[value] !== 1) throw new RangeError(`${value} is not a member of the enum`);
    output.writeUint8(value);
  }
}

export function enumU8<T extends Record<string, number>>(table: T, code: RejectCode): EnumU8Schema<T> {
  return new EnumU8Schema(table, code);
}

/** A u8 holding the ASCII code of a one-character FIX value ('0', 'F', ...). */
export class CharEnumSchema<T extends Record<string, string>> extends FieldSchema<ValueOf<T>> {
  readonly byte_size = 1;
  readonly alignment = 1;
  readonly wire_type = 'char';
  private readonly members: Uint8Array;
  private readonly by_byte: string[] = [];

  constructor(readonly table: T) {
    super();
    const values = Object.values(table);
    for (const v of values) if (v.length !== 1) throw new Error(`FIX code ${JSON.stringify(v)} is not one character`);
    this.members = membership(values.map((v) => v.charCodeAt(0)));
    for (let b = 0; b < 256; b++) this.by_byte.push(String.fromCharCode(b));
  }

  override check(bytes: Uint8Array, at: number): number {
    return this.members[bytes[at]] === 1 ? FIELD_OK : 1;
  }

  override fault(_kind: number, field: string): FieldFault {
    return { code: RejectCode.MALFORMED_BODY, reason: `${field} must be one of ${Object.values(this.table).join(' ')}` };
  }

  read(input: ISerialInput): ValueOf<T> {
    return this.by_byte[input.readUint8()] as ValueOf<T>;
  }

  write(output: ISerialOutput, value: ValueOf<T>): void {
    const c = typeof value === 'string' && value.length === 1 ? value.charCodeAt(0) : -1;
    if (c < 0 || c > 255 || this.members[c] !== 1) throw new RangeError(`${String(value)} is not a member of the FIX code set`);
    output.writeUint8(c);
  }
}

export function charEnum<T extends Record<string, string>>(table: T): CharEnumSchema<T> {
  return new CharEnumSchema(table);
}

/** A u8 that is 0 (false) or 1 (true). */
export class BooleanSchema extends FieldSchema<boolean> {
  readonly byte_size = 1;
  readonly alignment = 1;
  readonly wire_type = 'u8 (0/1)';

  override check(bytes: Uint8Array, at: number): number {
    return bytes[at] <= 1 ? FIELD_OK : 1;
  }

  override fault(_kind: number, field: string): FieldFault {
    return { code: RejectCode.INVALID_FIELD_TYPE, reason: `${field} must be 0 or 1` };
  }

  read(input: ISerialInput): boolean {
    return input.readUint8() === 1;
  }

  write(output: ISerialOutput, value: boolean): void {
    if (typeof value !== 'boolean') throw new RangeError(`expected a boolean, got ${String(value)}`);
    output.writeUint8(value ? 1 : 0);
  }
}

export const boolean = new BooleanSchema();

/**
 * A u8 bit set: any combination of the given bits (0 = none), and no other bit, so a bit a
 * later version defines is refused by this one rather than ignored.
 */
export class BitSetU8Schema extends FieldSchema<number, number | undefined> {
  readonly byte_size = 1;
  readonly alignment = 1;
  readonly wire_type = 'u8 (bits)';
  private readonly mask: number;

  constructor(readonly bits: Readonly<Record<string, number>>, readonly code: RejectCode) {
    super();
    let mask = 0;
    for (const bit of Object.values(bits)) {
      if (!Number.isInteger(bit) || bit <= 0 || bit > 0x80 || (bit & (bit - 1)) !== 0) throw new Error(`${bit} is not a single bit of a u8`);
      mask |= bit;
    }
    this.mask = mask;
  }

  override check(bytes: Uint8Array, at: number): number {
    return (bytes[at] & ~this.mask) === 0 ? FIELD_OK : 1;
  }

  override fault(_kind: number, field: string): FieldFault {
    const listed = Object.entries(this.bits).map(([name, v]) => `${v}=${name}`).join(', ');
    return { code: this.code, reason: `${field} must be a sum of ${listed} (0 = none)` };
  }

  read(input: ISerialInput): number {
    return input.readUint8();
  }

  /** Absent when encoding: no bit set (a sender that does not know the field sends 0). */
  write(output: ISerialOutput, value: number | undefined): void {
    const bits = value ?? 0;
    if (!Number.isInteger(bits) || (bits & ~this.mask) !== 0 || bits < 0) throw new RangeError(`${bits} has a bit outside the set`);
    output.writeUint8(bits);
  }
}

export function bitSetU8(bits: Readonly<Record<string, number>>, code: RejectCode): BitSetU8Schema {
  return new BitSetU8Schema(bits, code);
}

/** A u16 holding a code from the reject catalogue (OK = 0 allowed or not). */
export class RejectCodeSchema extends FieldSchema<RejectCode> {
  readonly byte_size = 2;
  readonly alignment = 2;
  readonly wire_type = 'u16';

  constructor(readonly allow_ok: boolean) {
    super();
  }

  override check(bytes: Uint8Array, at: number): number {
    const code = bytes[at] | (bytes[at + 1] << 8);
    return isRejectCode(code) && (this.allow_ok || code !== RejectCode.OK) ? FIELD_OK : 1;
  }

  override fault(_kind: number, field: string): FieldFault {
    return { code: RejectCode.MALFORMED_BODY, reason: `${field} must be a code from the reject catalogue` };
  }

  read(input: ISerialInput): RejectCode {
    return input.readUint16() as RejectCode;
  }

  write(output: ISerialOutput, value: RejectCode): void {
    if (!isRejectCode(value) || (!this.allow_ok && value === RejectCode.OK)) {
      throw new RangeError(`${value} is not an acceptable reject code here`);
    }
    output.writeUint16(value);
  }
}

export function rejectCode(allow_ok: boolean): RejectCodeSchema {
  return new RejectCodeSchema(allow_ok);
}
