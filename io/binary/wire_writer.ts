/**
 * A typed-binary `ISerialOutput` that writes into a caller-provided `Uint8Array` and can
 * be re-pointed without allocating, so the io thread encodes every execution report
 * straight into its outgoing buffer. Values are written little-endian byte by byte.
 *
 * Bounds are the encoder's job: it checks that the whole message fits before writing.
 */
import type { ISerialOutput } from 'typed-binary';

const scratch = new DataView(new ArrayBuffer(8));

export class WireWriter implements ISerialOutput {
  readonly endianness = 'little' as const;
  bytes: Uint8Array = new Uint8Array(0);
  private at = 0;

  reset(bytes: Uint8Array, offset: number): this {
    this.bytes = bytes;
    this.at = offset;
    return this;
  }

  get currentByteOffset(): number {
    return this.at;
  }

  seekTo(offset: number): void {
    this.at = offset;
  }

  skipBytes(count: number): void {
    this.at += count;
  }

  writeBool(value: boolean): void {
    this.bytes[this.at++] = value ? 1 : 0;
  }

  writeByte(value: number): void {
    this.bytes[this.at++] = value;
  }

  writeUint8(value: number): void {
    this.bytes[this.at++] = value;
  }

  writeInt8(value: number): void {
    this.bytes[this.at++] = value & 0xff;
  }

  writeUint16(value: number): void {
    const b = this.bytes;
    const at = this.at;
    b[at] = value & 0xff;
    b[at + 1] = (value >>> 8) & 0xff;
    this.at = at + 2;
  }

  writeInt16(value: number): void {
    this.writeUint16(value & 0xffff);
  }

  writeUint32(value: number): void {
    const b = this.bytes;
    const at = this.at;
    b[at] = value & 0xff;
    b[at + 1] = (value >>> 8) & 0xff;
    b[at + 2] = (value >>> 16) & 0xff;
    b[at + 3] = (value >>> 24) & 0xff;
    this.at = at + 4;
  }

  writeInt32(value: number): void {
    this.writeUint32(value >>> 0);
  }

  writeFloat16(value: number): void {
    // Not used by the protocol. Rounds through float32 and truncates the mantissa, which
    // is enough for an interface method nothing on the wire relies on.
    scratch.setFloat32(0, value, true);
    const f = scratch.getUint32(0, true);
    const sign = (f >>> 16) & 0x8000;
    const exponent = ((f >>> 23) & 0xff) - 127 + 15;
    if (Number.isNaN(value)) this.writeUint16(0x7e00);
    else if (exponent >= 0x1f) this.writeUint16(sign | 0x7c00);
    else if (exponent <= 0) this.writeUint16(sign);
    else this.writeUint16(sign | (exponent << 10) | ((f >>> 13) & 0x3ff));
  }

  writeFloat32(value: number): void {
    scratch.setFloat32(0, value, true);
    this.writeUint32(scratch.getUint32(0, true));
  }

  /** typed-binary's NUL-terminated string (ASCII only here); the protocol does not use it. */
  writeString(value: string): void {
    for (let k = 0; k < value.length; k++) this.bytes[this.at++] = value.charCodeAt(k) & 0xff;
    this.bytes[this.at++] = 0;
  }

  writeSlice(view: ArrayBufferView): void {
    const source = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    this.bytes.set(source, this.at);
    this.at += source.length;
  }
}
