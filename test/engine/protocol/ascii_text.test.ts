/**
 * asciiText turns stored ASCII bytes (client order ids, list ids) into the string they
 * spell, in one call: the read model, the event decoder and the snapshot restore depend on
 * it giving exactly what a character-by-character decode would.
 */
import fc from 'fast-check';
import t from 'tap';
import { asciiText } from '../../../engine/protocol/ascii_text.js';

function byFromCharCode(bytes: Uint8Array, start: number, end: number): string {
  let text = '';
  for (let k = start; k < end; k++) text += String.fromCharCode(bytes[k]);
  return text;
}

t.test('any range of any bytes reads as the characters of those codes', async (t) => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 96 }), fc.nat(), fc.nat(), (bytes, a, b) => {
    const start = bytes.length === 0 ? 0 : a % (bytes.length + 1);
    const end = start + (bytes.length - start === 0 ? 0 : b % (bytes.length - start + 1));
    t.equal(asciiText(bytes, start, end), byFromCharCode(bytes, start, end));
  }), { numRuns: 300 });
});

t.test('a client order id in the middle of a shared buffer, and an empty one', async (t) => {
  const shared = new Uint8Array(new SharedArrayBuffer(128));
  const id = 'ord-2026-12-07_#42';
  for (let k = 0; k < id.length; k++) shared[40 + k] = id.charCodeAt(k);
  t.equal(asciiText(shared, 40, 40 + id.length), id);
  t.equal(asciiText(shared, 40, 40), '');
});
