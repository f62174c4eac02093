/**
 * CRC32C (Castagnoli) of a byte range, via SheetJS crc-32's crc32c module, which ships no
 * types for that entry point; this wrapper is the one place that knows.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const crc32c = require('crc-32/crc32c.js') as { buf(data: Uint8Array, seed?: number): number };

/**
 * @param previous the CRC of the bytes that come before these, so that chunks checked one
 *   after another give the CRC of their concatenation without joining them.
 */
export function crc32cOf(bytes: Uint8Array, previous?: number): number {
  return (previous === undefined ? crc32c.buf(bytes) : crc32c.buf(bytes, previous)) >>> 0;
}
