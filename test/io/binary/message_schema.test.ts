import t from 'tap';
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import { CLIENT_MESSAGE_SCHEMAS, SERVER_MESSAGE_SCHEMAS } from '../../../io/binary/index.js';
import { decimal } from '../../../io/binary/decimal_schema.js';
import { reserved } from '../../../io/binary/field_schema.js';
import { u32, u64 } from '../../../io/binary/integer_schemas.js';
import { message } from '../../../io/binary/message_schema.js';

const all = [...CLIENT_MESSAGE_SCHEMAS, ...SERVER_MESSAGE_SCHEMAS];

t.test('every template is a multiple of 8 bytes with its integers naturally aligned', (t) => {
  for (const schema of all) {
    t.equal(schema.byte_size % 8, 0, `${schema.name} size`);
    let next = 0;
    for (const f of schema.layout) {
      t.equal(f.offset, next, `${schema.name}.${f.name} follows the previous field`);
      next = f.offset + f.size;
      if (/^u(16|32|64)$/.test(f.wire_type)) t.equal(f.offset % f.size, 0, `${schema.name}.${f.name} aligned`);
    }
    t.equal(next, schema.byte_size, `${schema.name} fields fill the message`);
  }
  t.end();
});

t.test('a template whose u64 would sit off an 8-byte boundary fails when it is defined', (t) => {
  const id = u64({ min: 0, code: RejectCode.VALUE_OUT_OF_RANGE, meaning: 'x' });
  t.throws(() => message('Bad', 77, 'client', { id }), /not 8-byte aligned/);
  t.ok(message('Good', 78, 'client', { pad: reserved(4), id }));
  t.end();
});

t.test('a template may not redefine a header field', (t) => {
  t.throws(() => message('Bad', 79, 'client', { seq: u32 }), /header field/);
  t.end();
});

t.test('decimals are 9 bytes and need no alignment', (t) => {
  const price = decimal({ sign: 'any', sign_code: RejectCode.INVALID_PRICE });
  const m = message('Decimals', 80, 'server', { flag: reserved(1), a: price, b: price, pad: reserved(1), c: u32 });
  t.same(m.layout.slice(5).map((f) => [f.name, f.offset, f.size]), [
    ['flag', 12, 1], ['a', 13, 9], ['b', 22, 9], ['pad', 31, 1], ['c', 32, 4], ['padding', 36, 4],
  ]);
  t.equal(m.byte_size, 40);
  t.end();
});
