/**
 * The base of every field in a protocol block: a typed-binary `Schema` (so fields
 * compose, measure and read/write through any typed-binary serial input or output)
 * that also knows what the protocol needs and typed-binary does not model:
 *
 *  - a fixed `byte_size` and the `alignment` the block layout asserts for it;
 *  - a `wire_type` as PROTOCOL.md prints it ("u16", "char[40]", "Decimal?");
 *  - `check(bytes, at)`: validation of the raw bytes, run before anything is read, so a
 *    refused message never allocates a decoded object and a decoded field is always
 *    canonical (re-encoding it gives back the same bytes);
 *  - `fault(kind, field)`: the reject code and reason for a failed check. Only called on
 *    the refusal path, so it may build strings.
 *
 * `TRead` is what decoding yields; `TWrite` what encoding accepts (wider for decimals,
 * which accept plain-number mantissas so the io thread can encode without BigInt).
 */
import { Measurer, Schema } from 'typed-binary';
import type { IMeasurer, ISerialInput, ISerialOutput } from 'typed-binary';
import { RejectCode } from '../../engine/protocol/reject_codes.js';

export interface FieldFault {
  readonly code: RejectCode;
  readonly reason: string;
}

/** `check()` result meaning "valid". Any other number is a field-specific fault kind. */
export const FIELD_OK = 0;

/**
 * typed-binary's `Schema<T>` types `read`/`write` through its `Parsed<T>` mapping, which
 * TypeScript cannot resolve for a generic `T`, so a generic subclass cannot override
 * them. This is the same base class at run time (`instanceof Schema` holds) with the
 * value types left to the subclasses; a concrete field is structurally an `ISchema<T>`.
 */
export const TypedBinarySchema = Schema as unknown as abstract new () => Pick<
  Schema<unknown>, 'resolveReferences' | 'seekProperty'
>;

export abstract class FieldSchema<TRead, TWrite = TRead> extends TypedBinarySchema {
  declare readonly __unwrapped: TRead;
  abstract readonly byte_size: number;
  abstract readonly alignment: number;
  abstract readonly wire_type: string;

  /** Validates the field's bytes at `at`; returns FIELD_OK or a fault kind for `fault()`. */
  check(_bytes: Uint8Array, _at: number): number {
    return FIELD_OK;
  }

  fault(_kind: number, field: string): FieldFault {
    return { code: RejectCode.MALFORMED_BODY, reason: `${field} is not valid` };
  }

  abstract read(input: ISerialInput): TRead;
  abstract write(output: ISerialOutput, value: TWrite): void;

  measure(_value: unknown, measurer: IMeasurer = new Measurer()): IMeasurer {
    return measurer.add(this.byte_size);
  }
}

/**
 * Bytes that carry nothing: alignment padding and reserved space. Senders write zeros;
 * receivers refuse anything else, so a byte can never mean two things and a later
 * schema version can give reserved bytes a meaning. Reserved fields do not appear in
 * decoded objects.
 */
export class ReservedSchema extends FieldSchema<undefined, undefined> {
  readonly alignment = 1;
  readonly wire_type: string;

  constructor(readonly byte_size: number) {
    super();
    this.wire_type = `pad[${byte_size}]`;
  }

  override check(bytes: Uint8Array, at: number): number {
    for (let k = 0; k < this.byte_size; k++) if (bytes[at + k] !== 0) return 1;
    return FIELD_OK;
  }

  override fault(): FieldFault {
    return { code: RejectCode.MALFORMED_BODY, reason: 'reserved bytes must be zero' };
  }

  read(input: ISerialInput): undefined {
    input.skipBytes(this.byte_size);
    return undefined;
  }

  write(output: ISerialOutput): void {
    for (let k = 0; k < this.byte_size; k++) output.writeUint8(0);
  }
}

export function reserved(byte_size: number): ReservedSchema {
  return new ReservedSchema(byte_size);
}
