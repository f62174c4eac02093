/**
 * ASCII bytes (client order ids, list ids) as a string, in one call. Building the string
 * one `+= String.fromCharCode` at a time makes an intermediate string per character: for
 * a 20-character id, most of the read model's garbage per order answered over HTTP
 * (bench/README.md, "Sixth pass").
 */

type Latin1Slice = (this: Uint8Array, start: number, end: number) => string;
// Node's Buffer.prototype.latin1Slice turns bytes into a one-byte string in one native
// call (about 4x faster than String.fromCharCode per byte for a 40-byte id). It is not
// part of Node's documented API, so fall back to fromCharCode if it is ever missing.
const latin1Slice: Latin1Slice | undefined = typeof Buffer === 'function'
  ? (Buffer.prototype as unknown as { latin1Slice?: Latin1Slice }).latin1Slice
  : undefined;

/** The bytes from `start` to `end` (exclusive), each as the character of that code. */
export function asciiText(bytes: Uint8Array, start: number, end: number): string {
  if (latin1Slice !== undefined) return latin1Slice.call(bytes, start, end);
  let text = '';
  for (let k = start; k < end; k++) text += String.fromCharCode(bytes[k]);
  return text;
}
