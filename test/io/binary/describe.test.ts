import fc from 'fast-check';
import t from 'tap';
import { hexDump, layoutRows, NEW_ORDER, parseHexDump } from '../../../io/binary/index.js';
import { holds } from './fixtures/arbitraries.js';

t.test('a hex dump reads back to the same bytes', (t) => {
  holds(t, fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
    const back = parseHexDump(hexDump(bytes));
    return back !== undefined && Buffer.from(back).equals(Buffer.from(bytes));
  }));
  t.end();
});

t.test('a hex dump has an offset column and 16 bytes a line, split in two groups of 8', (t) => {
  t.equal(hexDump(Uint8Array.from({ length: 18 }, (_, k) => k)),
    '0000  00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f\n0010  10 11');
  t.equal(parseHexDump('0000  00 01\n0004  02'), undefined, 'a wrong offset is refused');
  t.end();
});

t.test('layout rows give offset, field and wire type', (t) => {
  t.equal(layoutRows(NEW_ORDER.layout)[5], '| 12 | side | u8 |');
  t.end();
});
