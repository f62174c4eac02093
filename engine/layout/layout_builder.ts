/**
 * Builds a shared-memory record layout one field after another, the way Agrona's
 * descriptors do: every offset is computed from the one before it, every field is
 * aligned to its own size, and the finished layout asserts its size and alignment.
 *
 * Layout modules call this once at load time and export the resulting offsets as
 * plain number constants, so the hot path reads `f64[(slot + ORDER_PRICE) >> 3]`
 * with no lookups.
 */
export class LayoutBuilder {
  private offset_bytes = 0;
  private readonly fields: { name: string; offset: number; size: number }[] = [];

  constructor(readonly layout_name: string) {}

  f64(name: string): number { return this.field(name, 8, 8); }
  i32(name: string): number { return this.field(name, 4, 4); }
  u32(name: string): number { return this.field(name, 4, 4); }
  u16(name: string): number { return this.field(name, 2, 2); }
  u8(name: string): number { return this.field(name, 1, 1); }
  bytes(name: string, length: number): number { return this.field(name, length, 1); }

  /** Pads to the next multiple of `alignment_bytes` (e.g. a 64-byte cache line). */
  align(alignment_bytes: number): void {
    this.offset_bytes = alignUp(this.offset_bytes, alignment_bytes);
  }

  /**
   * Closes the layout at `size_bytes` (or the natural size rounded up to 8) and
   * asserts that every field fits. Returns the record size.
   */
  finish(size_bytes?: number): number {
    const natural = alignUp(this.offset_bytes, 8);
    const size = size_bytes ?? natural;
    if (size < natural) {
      throw new Error(`${this.layout_name} layout needs ${natural} bytes but was closed at ${size}`);
    }
    if (size % 8 !== 0) throw new Error(`${this.layout_name} layout size ${size} is not a multiple of 8`);
    for (const f of this.fields) {
      if (f.offset + f.size > size) throw new Error(`${this.layout_name}.${f.name} overruns the record`);
    }
    return size;
  }

  /** The fields in order, for tests and for the docs generator. */
  describe(): readonly { name: string; offset: number; size: number }[] {
    return this.fields;
  }

  private field(name: string, size: number, alignment: number): number {
    const offset = alignUp(this.offset_bytes, alignment);
    if (this.fields.some((f) => f.name === name)) throw new Error(`${this.layout_name}.${name} defined twice`);
    this.fields.push({ name, offset, size });
    this.offset_bytes = offset + size;
    return offset;
  }
}

export function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}

export function isPowerOfTwo(value: number): boolean {
  return Number.isInteger(value) && value > 0 && (value & (value - 1)) === 0;
}

export const CACHE_LINE_BYTES = 64;
