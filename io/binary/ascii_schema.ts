/**
 * Fixed-width ASCII text: the characters, then NUL (0x00) bytes up to the field's width.
 * A field whose text fills the width has no NUL. Any byte outside the field's character
 * set, or a non-NUL byte after the first NUL, is refused, so every accepted field has
 * exactly one encoding.
 *
 * typed-binary's `chars(n)` needs the text to be exactly n characters and builds the
 * string one `+=` at a time; this schema pads, validates and, on the io thread's
 * reader, builds the string in one call.
 */
import type { ISerialInput, ISerialOutput } from 'typed-binary';
import { asciiText } from '../../engine/protocol/ascii_text.js';
import { RejectCode } from '../../engine/protocol/reject_codes.js';
import { FIELD_OK, FieldFault, FieldSchema } from './field_schema.js';
import { WireReader } from './wire_reader.js';

/** 'visible': 0x21..0x7E (no space). 'printable': 0x20..0x7E. */
export type AsciiCharset = 'visible' | 'printable';

export interface AsciiOptions {
  readonly charset: AsciiCharset;
  readonly min_length: number;
  /** Code for a bad character or padding. */
  readonly code: RejectCode;
  /** Code for text shorter than min_length (an empty field means "missing"). */
  readonly missing_code: RejectCode;
}

const FAULT_CHARACTER = 1;
const FAULT_SHORT = 2;

export class AsciiSchema extends FieldSchema<string> {
  readonly alignment = 1;
  readonly wire_type: string;
  private readonly low: number;

  constructor(readonly byte_size: number, readonly options: AsciiOptions) {
    super();
    this.wire_type = `char[${byte_size}]`;
    this.low = options.charset === 'visible' ? 0x21 : 0x20;
  }

  /** Length of the text: bytes before the first NUL. */
  textLength(bytes: Uint8Array, at: number): number {
    let n = 0;
    while (n < this.byte_size && bytes[at + n] !== 0) n++;
    return n;
  }

  override check(bytes: Uint8Array, at: number): number {
    const n = this.textLength(bytes, at);
    for (let k = 0; k < n; k++) {
      const c = bytes[at + k];
      if (c < this.low || c > 0x7e) return FAULT_CHARACTER;
    }
    for (let k = n; k < this.byte_size; k++) if (bytes[at + k] !== 0) return FAULT_CHARACTER;
    return n < this.options.min_length ? FAULT_SHORT : FIELD_OK;
  }

  override fault(kind: number, field: string): FieldFault {
    const chars = this.options.charset === 'visible' ? 'visible ASCII (0x21-0x7E)' : 'printable ASCII (0x20-0x7E)';
    const reason = `${field} must be ${this.options.min_length} to ${this.byte_size} ${chars} characters, NUL-padded`;
    return { code: kind === FAULT_SHORT ? this.options.missing_code : this.options.code, reason };
  }

  read(input: ISerialInput): string {
    if (input instanceof WireReader) {
      const at = input.currentByteOffset;
      const text = asciiText(input.bytes, at, at + this.textLength(input.bytes, at));
      input.skipBytes(this.byte_size);
      return text;
    }
    let text = '';
    let ended = false;
    for (let k = 0; k < this.byte_size; k++) {
      const c = input.readUint8();
      if (c === 0) ended = true;
      if (!ended) text += String.fromCharCode(c);
    }
    return text;
  }

  /** Throws RangeError for text the decoder would refuse. */
  write(output: ISerialOutput, value: string): void {
    if (typeof value !== 'string' || value.length < this.options.min_length || value.length > this.byte_size) {
      throw new RangeError(`text must be ${this.options.min_length} to ${this.byte_size} characters, got ${JSON.stringify(value)}`);
    }
    for (let k = 0; k < value.length; k++) {
      const c = value.charCodeAt(k);
      if (c < this.low || c > 0x7e) throw new RangeError(`character ${c} is outside the field's ASCII range`);
      output.writeUint8(c);
    }
    for (let k = value.length; k < this.byte_size; k++) output.writeUint8(0);
  }
}

export function ascii(byte_size: number, options: AsciiOptions): AsciiSchema {
  return new AsciiSchema(byte_size, options);
}

/**
 * Makes any string safe for a printable-ASCII field of `byte_size` bytes: other
 * characters become '?', longer text is cut. For server-written free text (reject
 * reasons), where refusing to encode would be worse than a shortened reason.
 */
export function toPrintableAscii(text: string, byte_size: number): string {
  let out = '';
  const n = Math.min(text.length, byte_size);
  for (let k = 0; k < n; k++) {
    const c = text.charCodeAt(k);
    out += c >= 0x20 && c <= 0x7e ? text[k] : '?';
  }
  return out;
}
