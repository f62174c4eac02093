/**
 * "Is this range all zero bytes?", asked of whole preallocated segments (64 MiB): a memcmp
 * against a zero buffer, not a loop over bytes in JavaScript.
 */
const ZEROS = Buffer.alloc(1 << 20);

export function isZero(buffer: Buffer, from: number, to: number): boolean {
  for (let at = from; at < to; at += ZEROS.length) {
    const end = Math.min(to, at + ZEROS.length);
    if (buffer.compare(ZEROS, 0, end - at, at, end) !== 0) return false;
  }
  return true;
}
