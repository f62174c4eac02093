/**
 * A typed-binary `ISerialInput` over a `Uint8Array` that can be pointed at a new buffer
 * without allocating, so the io thread decodes every WebSocket payload with the same
 * reader. typed-binary's own `BufferReader` builds a `DataView` per buffer; at 150k
 * messages a second that is garbage we do not need. Multi-byte reads assemble
 * little-endian values from bytes, which V8 compiles to a few instructions.
 *
 * The reader trusts its caller: the decoder checks lengths before it reads, so no read
 * here ever runs past the message (STYLE: validate once, at the edge).
 */
import type { ISerialInput } from 'typed-binary';

const scratch = new DataView(new ArrayBuffer(8));

export class WireReader implements ISerialInput {
  readonly endianness = 'little' as const;
  /** The buffer being read; valid only while the decode call that set it runs. */
  bytes: Uint8Array = new Uint8Array(0);
  private at = 0;

  /** Points the reader at `bytes`, positioned at `offset`. */
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

  readBool(): boolean {
    return this.bytes[this.at++] !== 0;
  }

  readByte(): number {
    return this.bytes[this.at++];
  }

  readUint8(): number {
    return this.bytes[this.at++];
  }

  readInt8(): number {
    return (this.bytes[this.at++] << 24) >> 24;
  }

  readUint16(): number {
    const b = this.bytes;
    const at = this.at;
    this.at = at + 2;
    return b[at] | (b[at + 1] << 8);
  }

  readInt16(): number {
    return (this.readUint16() << 16) >> 16;
  }

  readUint32(): number {
    return this.readInt32() >>> 0;
  }

  readInt32(): number {
    const b = this.bytes;
    const at = this.at;
    this.at = at + 4;
    return b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24);
  }

  readFloat16(): number {
    // Not used by the protocol; implemented for completeness of ISerialInput. Node 20's
    // DataView has no getFloat16, so decode the half by hand.
    const h = this.readUint16();
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const fraction = h & 0x3ff;
    if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
    if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
    return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
  }

  readFloat32(): number {
    scratch.setUint32(0, this.readUint32(), true);
    return scratch.getFloat32(0, true);
  }

  /** typed-binary's NUL-terminated string; the protocol uses fixed-width ASCII instead. */
  readString(): string {
    let text = '';
    while (this.at < this.bytes.length) {
      const c = this.bytes[this.at++];
      if (c === 0) break;
      text += String.fromCharCode(c);
    }
    return text;
  }

  readSlice(view: ArrayBufferView, offset: number, byte_length: number): void {
    const target = new Uint8Array(view.buffer, view.byteOffset + offset, byte_length);
    target.set(this.bytes.subarray(this.at, this.at + byte_length));
    this.at += byte_length;
  }
}
