/**
 * Typed views over one buffer, so a slot (ring slot, journal record, scratch copy) is read
 * with `f64[(base + FIELD) >> 3]` whatever buffer it lives in. SharedRing satisfies this.
 */
export interface SlotViews {
  readonly u8: Uint8Array;
  readonly u16: Uint16Array;
  readonly i32: Int32Array;
  readonly u32: Uint32Array;
  readonly f64: Float64Array;
}

export function slotViewsOver(buffer: ArrayBufferLike): SlotViews {
  return {
    u8: new Uint8Array(buffer),
    u16: new Uint16Array(buffer),
    i32: new Int32Array(buffer),
    u32: new Uint32Array(buffer),
    f64: new Float64Array(buffer),
  };
}
