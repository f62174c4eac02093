import fc from 'fast-check';
import t from 'tap';
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import { encodeClientBatch, FrameAssembler, TemplateId } from '../../../io/binary/index.js';
import { chunksOf, clientBatch, holds } from './fixtures/arbitraries.js';

interface Frame { bytes: number[]; offset: number }

function frames(assembler: FrameAssembler, chunks: Iterable<Uint8Array>): Frame[] {
  const out: Frame[] = [];
  for (const chunk of chunks) {
    assembler.push(chunk, (bytes, at, length, offset) => out.push({ bytes: [...bytes.subarray(at, at + length)], offset }));
  }
  return out;
}

const heartbeat = (seq: number) => encodeClientBatch([{ template_id: TemplateId.HEARTBEAT, seq }]);

t.test('messages fed one byte at a time come out whole, once each, with their stream offsets', (t) => {
  const bytes = encodeClientBatch([
    { template_id: TemplateId.HEARTBEAT, seq: 1 },
    { template_id: TemplateId.CANCEL, seq: 2, order_id: 42 },
    { template_id: TemplateId.LOGOUT, seq: 3 },
  ]);
  const assembler = new FrameAssembler();
  const one_by_one = frames(assembler, Array.from(bytes, (b) => Uint8Array.of(b)));
  t.same(one_by_one.map((f) => [f.offset, f.bytes.length]), [[0, 16], [16, 24], [40, 16]]);
  t.same(one_by_one.flatMap((f) => f.bytes), [...bytes]);
  t.equal(assembler.pending_bytes, 0);
  t.equal(assembler.finish(), undefined);
  t.end();
});

t.test('any chunking of a batch yields the same frames as one chunk', (t) => {
  holds(t, fc.property(clientBatch, fc.array(fc.nat(), { maxLength: 10 }), (batch, cuts) => {
    const bytes = encodeClientBatch(batch);
    const whole = frames(new FrameAssembler(), [bytes]);
    const chunked = frames(new FrameAssembler(), chunksOf(bytes, cuts));
    return JSON.stringify(whole) === JSON.stringify(chunked) && whole.length === batch.length;
  }));
  t.end();
});

t.test('a length above the configured maximum is refused with BODY_TOO_LARGE and the stream stops', (t) => {
  const assembler = new FrameAssembler({ max_message_bytes: 64 });
  const order = encodeClientBatch([{ template_id: TemplateId.CANCEL, seq: 9, order_id: 1 }]);
  order[0] = 80;
  const seen: number[] = [];
  const refusal = assembler.push(order, () => seen.push(1));
  t.match(refusal, { code: RejectCode.BODY_TOO_LARGE, seq: 9, fatal: true, offset: 0 });
  t.equal(assembler.push(heartbeat(10), () => seen.push(1)), refusal, 'later input gets the same refusal');
  t.same(seen, [], 'no frame was delivered');
  t.end();
});

t.test('a stream that ends inside a message reports a fatal truncation when finished', (t) => {
  const assembler = new FrameAssembler();
  const bytes = heartbeat(4);
  assembler.push(bytes.subarray(0, 13), () => t.fail('no whole frame yet'));
  t.equal(assembler.pending_bytes, 13);
  t.match(assembler.finish(), { code: RejectCode.MALFORMED_BODY, seq: 4, fatal: true, reason: /truncated/ });
  t.end();
});

t.test('reset makes the assembler ready for a new stream', (t) => {
  const assembler = new FrameAssembler();
  const bad = heartbeat(1);
  bad[0] = 2;
  t.ok(assembler.push(bad, () => undefined));
  assembler.reset();
  t.same(frames(assembler, [heartbeat(1)]).map((f) => f.offset), [0]);
  t.end();
});

t.test('the configured maximum must hold at least a header and fit a u16', (t) => {
  t.throws(() => new FrameAssembler({ max_message_bytes: 11 }), RangeError);
  t.throws(() => new FrameAssembler({ max_message_bytes: 65536 }), RangeError);
  t.end();
});
