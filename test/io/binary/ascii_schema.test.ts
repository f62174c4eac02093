import t from 'tap';
import { BufferReader } from 'typed-binary';
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import { ascii, toPrintableAscii } from '../../../io/binary/ascii_schema.js';
import { WireReader } from '../../../io/binary/wire_reader.js';
import { WireWriter } from '../../../io/binary/wire_writer.js';

const field = ascii(8, { charset: 'visible', min_length: 1, code: RejectCode.UNKNOWN_SYMBOL, missing_code: RejectCode.MISSING_FIELD });

function written(text: string): Uint8Array {
  const bytes = new Uint8Array(8);
  field.write(new WireWriter().reset(bytes, 0), text);
  return bytes;
}

t.test('text is written as its characters followed by NUL padding to the field width', (t) => {
  t.same([...written('BTC')], [0x42, 0x54, 0x43, 0, 0, 0, 0, 0]);
  t.same([...written('ABCDEFGH')], [0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48], 'a full field has no NUL');
  t.end();
});

t.test('text reads back the same through our reader and through typed-binary\'s BufferReader', (t) => {
  for (const text of ['BTC', 'ABCDEFGH', '~!']) {
    const bytes = written(text);
    t.equal(field.read(new WireReader().reset(bytes, 0)), text);
    t.equal(field.read(new BufferReader(bytes.buffer)), text);
  }
  t.end();
});

t.test('bytes outside the character set or after the first NUL are refused; empty text is missing', (t) => {
  const fault = (bytes: Uint8Array) => {
    const kind = field.check(bytes, 0);
    return kind === 0 ? RejectCode.OK : field.fault(kind, 'symbol').code;
  };
  t.equal(fault(written('BTC')), RejectCode.OK);
  t.equal(fault(Uint8Array.from([0x42, 0x20, 0x43, 0, 0, 0, 0, 0])), RejectCode.UNKNOWN_SYMBOL, 'space is not visible');
  t.equal(fault(Uint8Array.from([0x42, 0, 0x43, 0, 0, 0, 0, 0])), RejectCode.UNKNOWN_SYMBOL, 'no text after a NUL');
  t.equal(fault(Uint8Array.from([0x42, 0x80, 0, 0, 0, 0, 0, 0])), RejectCode.UNKNOWN_SYMBOL, 'no bytes above 0x7E');
  t.equal(fault(new Uint8Array(8)), RejectCode.MISSING_FIELD);
  t.end();
});

t.test('writing text the decoder would refuse throws RangeError', (t) => {
  t.throws(() => written(''), RangeError);
  t.throws(() => written('ABCDEFGHI'), RangeError);
  t.throws(() => written('A B'), RangeError);
  t.throws(() => written('Ä'), RangeError);
  t.end();
});

t.test('free text is made printable and cut to the field width', (t) => {
  t.equal(toPrintableAscii('naïve\nreason', 8), 'na?ve?re');
  t.equal(toPrintableAscii('ok', 8), 'ok');
  t.end();
});
