import t from 'tap';
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import {
  CLIENT_TEMPLATES, ClientMessage, decodeClientMessages, encodeClientBatch, Refusal, StreamDecoder, TemplateId,
} from '../../../io/binary/index.js';

t.test('a stream decoder delivers messages as their last byte arrives', (t) => {
  const bytes = encodeClientBatch([
    { template_id: TemplateId.HEARTBEAT, seq: 1 },
    { template_id: TemplateId.CANCEL, seq: 2, order_id: 7 },
  ]);
  const decoder = new StreamDecoder(CLIENT_TEMPLATES);
  const seen: (ClientMessage | Refusal)[] = [];
  const delivered_at: number[] = [];
  for (let k = 0; k < bytes.length; k++) {
    decoder.push(bytes.subarray(k, k + 1), (item) => { seen.push(item); delivered_at.push(k); });
  }
  t.same(delivered_at, [15, 39]);
  t.same(seen, decodeClientMessages(bytes));
  t.end();
});

t.test('after a fatal refusal the stream decoder ignores further input', (t) => {
  const bytes = encodeClientBatch([{ template_id: TemplateId.HEARTBEAT, seq: 1 }]);
  bytes[0] = 24;
  const decoder = new StreamDecoder(CLIENT_TEMPLATES);
  const seen: (ClientMessage | Refusal)[] = [];
  const collect = (item: ClientMessage | Refusal) => { seen.push(item); };
  t.equal(decoder.push(bytes, collect), true, 'still waiting for the 24 bytes the length promised');
  t.equal(seen.length, 0);
  t.equal(decoder.push(new Uint8Array(16), collect), false, 'the 24-byte heartbeat is refused and the stream stops');
  t.equal(seen.length, 1);
  t.match(seen[0], { code: RejectCode.MALFORMED_BODY, fatal: true });
  t.equal(decoder.stopped_on_fatal, true);
  t.equal(decoder.push(encodeClientBatch([{ template_id: TemplateId.HEARTBEAT, seq: 2 }]), collect), false);
  t.equal(seen.length, 1);
  t.end();
});
