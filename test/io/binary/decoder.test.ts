import t, { Test } from 'tap';
import { OrderType, Side, TimeInForce } from '../../../engine/protocol/enums.js';
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import {
  decodeClientMessages, decodeServerMessages, encodeCancel, encodeClientBatch, encodeServerHeartbeat, MAX_MESSAGE_BYTES,
  NewOrderInput, Refusal, TemplateId,
} from '../../../io/binary/index.js';

const order: NewOrderInput = {
  seq: 7, side: Side.SELL, order_type: OrderType.LIMIT, time_in_force: TimeInForce.GTC, expire_time_ms: 0,
  quantity: { mantissa: 1n, scale: 0 }, price: { mantissa: 100n, scale: 0 }, symbol: 'ETHUSDT', client_order_id: 'a',
};
const newOrderBytes = (m: Partial<NewOrderInput> = {}) =>
  encodeClientBatch([{ template_id: TemplateId.NEW_ORDER, ...order, ...m }]);
const heartbeatBytes = (seq: number) => encodeClientBatch([{ template_id: TemplateId.HEARTBEAT, seq }]);

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

function only(t: Test, bytes: Uint8Array): Refusal {
  const items = decodeClientMessages(bytes);
  t.equal(items.length, 1, 'one item');
  t.ok(items[0] instanceof Refusal, 'it is a refusal');
  return items[0] as Refusal;
}

t.test('an empty payload decodes to nothing', (t) => {
  t.same(decodeClientMessages(new Uint8Array(0)), []);
  t.end();
});

t.test('an unsupported schema version is refused with UNSUPPORTED_VERSION and the next message is still decoded', (t) => {
  const bytes = concat(newOrderBytes(), heartbeatBytes(8));
  bytes[4] = 2;
  const [refused, heartbeat] = decodeClientMessages(bytes);
  t.match(refused, { code: RejectCode.UNSUPPORTED_VERSION, seq: 7, template_id: TemplateId.NEW_ORDER, offset: 0, fatal: false });
  t.match(heartbeat, { template_id: TemplateId.HEARTBEAT, seq: 8 });
  t.end();
});

t.test('an unknown template id is refused with UNKNOWN_MESSAGE_TYPE and skipped by its length', (t) => {
  const unknown = heartbeatBytes(3);
  unknown[2] = 99;
  const [refused, heartbeat] = decodeClientMessages(concat(unknown, heartbeatBytes(4)));
  t.match(refused, { code: RejectCode.UNKNOWN_MESSAGE_TYPE, seq: 3, template_id: 99, fatal: false });
  t.match(heartbeat, { seq: 4 });
  t.end();
});

t.test('a server template sent by a client is an unknown message type', (t) => {
  const bytes = new Uint8Array(16);
  encodeServerHeartbeat(bytes, 0, 1);
  t.match(only(t, bytes), { code: RejectCode.UNKNOWN_MESSAGE_TYPE, template_id: TemplateId.SERVER_HEARTBEAT });
  t.end();
});

t.test('a length field that disagrees with the template size is MALFORMED_BODY and stops decoding', (t) => {
  const bytes = concat(newOrderBytes(), heartbeatBytes(8));
  bytes[0] = 104;
  const items = decodeClientMessages(bytes);
  t.equal(items.length, 1);
  t.match(items[0], { code: RejectCode.MALFORMED_BODY, seq: 7, fatal: true });
  t.end();
});

t.test('a length beyond the buffer is MALFORMED_BODY (truncated) and fatal', (t) => {
  const bytes = newOrderBytes().subarray(0, 60);
  t.match(only(t, bytes), { code: RejectCode.MALFORMED_BODY, seq: 7, fatal: true, reason: /truncated/ });
  t.end();
});

t.test('fewer bytes than a header are MALFORMED_BODY without a sequence number', (t) => {
  t.match(only(t, new Uint8Array([16, 0, 5])), { code: RejectCode.MALFORMED_BODY, seq: undefined, fatal: true });
  t.end();
});

t.test('a length below the header size is MALFORMED_BODY and fatal', (t) => {
  const bytes = heartbeatBytes(5);
  bytes[0] = 4;
  t.match(only(t, bytes), { code: RejectCode.MALFORMED_BODY, seq: 5, fatal: true });
  t.end();
});

t.test('a length above the maximum message size is BODY_TOO_LARGE and fatal', (t) => {
  const bytes = new Uint8Array(400);
  bytes.set(heartbeatBytes(5));
  bytes[0] = (MAX_MESSAGE_BYTES + 8) & 0xff;
  bytes[1] = (MAX_MESSAGE_BYTES + 8) >> 8;
  t.match(only(t, bytes), { code: RejectCode.BODY_TOO_LARGE, seq: 5, fatal: true });
  t.end();
});

t.test('non-zero reserved or padding bytes are MALFORMED_BODY', (t) => {
  // Byte 15 was reserved until it became NewOrder's exec_inst (order_rules.test.ts covers it).
  for (const at of [6, 107, 111]) {
    const bytes = newOrderBytes();
    bytes[at] = 1;
    t.match(only(t, bytes), { code: RejectCode.MALFORMED_BODY, fatal: false }, `byte ${at}`);
  }
  t.end();
});

t.test('each bad NewOrder field is refused with that field\'s reject code', (t) => {
  const cases: [string, (b: Uint8Array) => void, RejectCode][] = [
    ['side 3', (b) => { b[12] = 3; }, RejectCode.INVALID_SIDE],
    ['order type 0', (b) => { b[13] = 0; }, RejectCode.INVALID_ORDER_TYPE],
    ['time in force 9', (b) => { b[14] = 9; }, RejectCode.INVALID_TIME_IN_FORCE],
    ['exec_inst with an undefined bit', (b) => { b[15] = 0x40; }, RejectCode.INVALID_FIELD_TYPE],
    ['expire time above 2^53', (b) => { b[23] = 1; }, RejectCode.INVALID_EXPIRE_TIME],
    ['zero quantity', (b) => { b[24] = 0; }, RejectCode.INVALID_QUANTITY],
    ['negative price', (b) => { b.fill(0xff, 33, 41); }, RejectCode.INVALID_PRICE],
    ['quantity exponent +1', (b) => { b[32] = 1; }, RejectCode.VALUE_OUT_OF_RANGE],
    ['quantity exponent -19', (b) => { b[32] = 256 - 19; }, RejectCode.VALUE_OUT_OF_RANGE],
    ['absent quantity', (b) => { b.set([0, 0, 0, 0, 0, 0, 0, 0x80, 0x80], 24); }, RejectCode.MISSING_FIELD],
    ['absent stop price with exponent 0', (b) => { b[50] = 0; }, RejectCode.MALFORMED_BODY],
    ['empty symbol', (b) => { b.fill(0, 51, 67); }, RejectCode.MISSING_FIELD],
    ['symbol with a space', (b) => { b[52] = 0x20; }, RejectCode.UNKNOWN_SYMBOL],
    ['symbol with a byte after its NUL', (b) => { b[66] = 0x41; }, RejectCode.UNKNOWN_SYMBOL],
    ['empty client order id', (b) => { b[67] = 0; }, RejectCode.INVALID_CLIENT_ORDER_ID],
    ['client order id with a space', (b) => { b[68] = 0x20; }, RejectCode.INVALID_CLIENT_ORDER_ID],
    ['client order id with a control character', (b) => { b[67] = 0x07; }, RejectCode.INVALID_CLIENT_ORDER_ID],
    ['client order id with a non-ASCII byte', (b) => { b[68] = 0xc3; }, RejectCode.INVALID_CLIENT_ORDER_ID],
  ];
  for (const [name, mutate, code] of cases) {
    const bytes = newOrderBytes();
    mutate(bytes);
    const refusal = only(t, bytes);
    t.equal(refusal.code, code, name);
    t.equal(refusal.seq, 7, `${name}: the refusal names the message's seq`);
  }
  t.end();
});

t.test('a cancel of order id 0 or above 2^53-1 is VALUE_OUT_OF_RANGE', (t) => {
  const bytes = new Uint8Array(24);
  encodeCancel(bytes, 0, { seq: 1, order_id: 1 });
  bytes[16] = 0;
  t.equal(only(t, bytes).code, RejectCode.VALUE_OUT_OF_RANGE);
  encodeCancel(bytes, 0, { seq: 1, order_id: Number.MAX_SAFE_INTEGER });
  t.match(decodeClientMessages(bytes), [{ order_id: Number.MAX_SAFE_INTEGER }]);
  bytes[22] = 0x20;
  t.equal(only(t, bytes).code, RejectCode.VALUE_OUT_OF_RANGE);
  t.end();
});

t.test('a logon flag other than 0 or 1 is INVALID_FIELD_TYPE, an empty API key MISSING_API_KEY', (t) => {
  const bytes = encodeClientBatch([{ template_id: TemplateId.LOGON, seq: 1, cancel_on_disconnect: true, api_key: 'key-1' }]);
  bytes[12] = 2;
  t.equal(only(t, bytes).code, RejectCode.INVALID_FIELD_TYPE);
  bytes[12] = 1;
  bytes.fill(0, 16, 80);
  t.equal(only(t, bytes).code, RejectCode.MISSING_API_KEY);
  t.end();
});

t.test('a refused message in the middle of a batch does not stop the messages after it', (t) => {
  const bad = newOrderBytes({ seq: 2 });
  bad[12] = 7;
  const items = decodeClientMessages(concat(heartbeatBytes(1), bad, newOrderBytes({ seq: 3 })));
  t.match(items, [{ seq: 1 }, { code: RejectCode.INVALID_SIDE, seq: 2, offset: 16 }, { seq: 3, side: Side.SELL }]);
  t.end();
});

t.test('decodeServerMessages refuses client templates', (t) => {
  const [item] = decodeServerMessages(heartbeatBytes(1));
  t.match(item, { code: RejectCode.UNKNOWN_MESSAGE_TYPE, template_id: TemplateId.HEARTBEAT });
  t.end();
});

t.test('decoded results append to a caller-provided array', (t) => {
  const into = decodeClientMessages(heartbeatBytes(1));
  t.equal(decodeClientMessages(heartbeatBytes(2), into), into);
  t.match(into, [{ seq: 1 }, { seq: 2 }]);
  t.end();
});
