/**
 * 32-bit FNV-1a hashes of an order's terms, so an idempotent resend (same client order
 * id, same terms) is told apart from a conflicting one (same id, different terms).
 * Numbers are hashed through their IEEE-754 bits. Results are int32 (`| 0`), never
 * uint32: a value at or above 2^31 returned from a call would be a boxed heap number.
 */
const scratch_f64 = new Float64Array(1);
// Read back as int32: a uint32 word >= 2^31 passed to a call would be boxed (allocated).
const scratch_i32 = new Int32Array(scratch_f64.buffer);

function mixWord(h: number, word: number): number {
  h = Math.imul(h ^ (word & 0xff), 0x01000193);
  h = Math.imul(h ^ ((word >>> 8) & 0xff), 0x01000193);
  h = Math.imul(h ^ ((word >>> 16) & 0xff), 0x01000193);
  return Math.imul(h ^ (word >>> 24), 0x01000193);
}

export function mixNumber(h: number, value: number): number {
  scratch_f64[0] = value;
  return mixWord(mixWord(h, scratch_i32[0]), scratch_i32[1]);
}

export const FNV_OFFSET = 0x811c9dc5;

export function newOrderContentHash(
  symbol: number, side: number, order_type: number, time_in_force: number,
  qty_lots: number, price_ticks: number, stop_price_ticks: number, expire_at_ms: number, exec_inst: number,
  trailing_offset_type: number, trailing_offset: number, limit_offset_ticks: number,
): number {
  let h = mixWord(FNV_OFFSET, 1);
  h = mixWord(h, symbol);
  // exec_inst in the top byte: 0 (no instruction) hashes as before it existed.
  h = mixWord(h, side | (order_type << 8) | (time_in_force << 16) | (exec_inst << 24));
  h = mixNumber(h, qty_lots);
  h = mixNumber(h, price_ticks);
  h = mixNumber(h, stop_price_ticks);
  h = mixNumber(h, expire_at_ms);
  // Only trailing orders mix these in, so every other order hashes as before they existed.
  if (trailing_offset_type !== 0) {
    h = mixWord(h, trailing_offset_type);
    h = mixWord(h, trailing_offset);
    h = mixNumber(h, limit_offset_ticks);
  }
  return h | 0;
}

/** Hashes a replace request as sent (0 = "keep"), so a resend matches without the original order. */
export function replaceContentHash(orig_order_id: number, qty_lots: number, price_ticks: number, stop_price_ticks: number): number {
  let h = mixWord(FNV_OFFSET, 2);
  h = mixNumber(h, orig_order_id);
  h = mixNumber(h, qty_lots);
  h = mixNumber(h, price_ticks);
  h = mixNumber(h, stop_price_ticks);
  return h | 0;
}
