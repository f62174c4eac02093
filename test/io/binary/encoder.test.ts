import t from 'tap';
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import {
  decodeClientMessages, decodeServerMessages, encodeClientBatch, encodeHeartbeat, encodeReject, encodeServerBatch,
  messageBytes, Refusal, rejectForRefusal, TemplateId,
} from '../../../io/binary/index.js';

t.test('encoders write at the given offset and return the template size', (t) => {
  const out = new Uint8Array(64);
  t.equal(encodeHeartbeat(out, 8, 3), 16);
  t.same(decodeClientMessages(out.subarray(8, 24)), [{ template_id: TemplateId.HEARTBEAT, seq: 3 }]);
  t.end();
});

t.test('an encoder throws RangeError when the message does not fit, before writing anything', (t) => {
  const out = new Uint8Array(20);
  t.throws(() => encodeHeartbeat(out, 8, 3), RangeError);
  t.same([...out], new Array(20).fill(0));
  t.end();
});

t.test('an encoder throws RangeError for a field the decoder would refuse', (t) => {
  t.throws(() => encodeClientBatch([{ template_id: TemplateId.CANCEL, seq: 1, order_id: 0 }]), RangeError);
  t.throws(() => encodeClientBatch([{ template_id: TemplateId.HEARTBEAT, seq: -1 }]), RangeError);
  t.throws(() => encodeClientBatch([{ template_id: TemplateId.LOGON, seq: 1, cancel_on_disconnect: false, api_key: 'x'.repeat(65) }]), RangeError);
  t.end();
});

t.test('a reject reason is made printable and cut to 96 bytes instead of failing', (t) => {
  const out = new Uint8Array(120);
  encodeReject(out, 0, { seq: 1, ref_seq: 5, code: RejectCode.INTERNAL_ERROR, ref_template_id: 2, reason: `é${'x'.repeat(200)}` });
  const [reject] = decodeServerMessages(out);
  t.match(reject, { template_id: TemplateId.REJECT, ref_seq: 5, code: RejectCode.INTERNAL_ERROR, reason: `?${'x'.repeat(95)}` });
  t.end();
});

t.test('a refusal becomes a Reject that names the refused message', (t) => {
  const bad = encodeClientBatch([{ template_id: TemplateId.HEARTBEAT, seq: 41 }]);
  bad[4] = 9;
  const [refusal] = decodeClientMessages(bad) as Refusal[];
  const [reject] = decodeServerMessages(encodeServerBatch([{ template_id: TemplateId.REJECT, ...rejectForRefusal(17, refusal) }]));
  t.match(reject, { seq: 17, ref_seq: 41, ref_template_id: TemplateId.HEARTBEAT, code: RejectCode.UNSUPPORTED_VERSION });
  const [unreadable] = decodeClientMessages(Uint8Array.of(1, 2, 3)) as Refusal[];
  t.match(rejectForRefusal(18, unreadable), { ref_seq: 0, ref_template_id: 0, code: RejectCode.MALFORMED_BODY });
  t.end();
});

t.test('messageBytes gives each template\'s size and 0 for an unknown id', (t) => {
  t.equal(messageBytes(TemplateId.NEW_ORDER), 112);
  t.equal(messageBytes(TemplateId.EXECUTION_REPORT), 184);
  t.equal(messageBytes(77), 0);
  t.end();
});
