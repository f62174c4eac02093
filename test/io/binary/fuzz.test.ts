/**
 * Fuzzing the decoder: whatever the bytes, decoding never throws and always yields
 * valid messages or refusals with catalogue codes, the same whether the bytes arrive
 * whole, in random chunks or one byte at a time.
 */
import { deepStrictEqual, equal } from 'node:assert';
import fc from 'fast-check';
import t from 'tap';
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import {
  CLIENT_TEMPLATES, decodeClientMessages, decodeMessages, encodeClientBatch, encodeServerBatch, messageBytes, Refusal,
  SERVER_TEMPLATES,
} from '../../../io/binary/index.js';
import { chunksOf, clientBatch, holds, serverMessage } from './fixtures/arbitraries.js';
import { assertSameAllWays, assertWellFormed, streamed } from './fixtures/well_formed.js';

const cuts = fc.array(fc.nat(), { maxLength: 8 });

/** Bytes that often look like a header: a plausible length and template id up front. */
const headerish = fc.tuple(
  fc.constantFrom(16, 24, 80, 96, 112, 120, 184, 0, 11, 12, 300),
  fc.integer({ min: 0, max: 7 }),
  fc.constantFrom(0, 1, 2),
  fc.uint8Array({ maxLength: 200 }),
).map(([length, template, version, rest]) => {
  const bytes = new Uint8Array(12 + rest.length);
  bytes.set([length & 0xff, length >> 8, template, 0, version, 0, 0, 0, 1, 0, 0, 0]);
  bytes.set(rest, 12);
  return bytes;
});

t.test('random bytes never make the client decoder throw, and decode the same whole, chunked or byte by byte', (t) => {
  holds(t, fc.property(fc.oneof(fc.uint8Array({ maxLength: 400 }), headerish), cuts, (bytes, at) => {
    assertSameAllWays(CLIENT_TEMPLATES, bytes, chunksOf(bytes, at));
  }), { numRuns: 1000 });
  t.end();
});

t.test('random bytes never make the server decoder throw either', (t) => {
  holds(t, fc.property(fc.oneof(fc.uint8Array({ maxLength: 400 }), headerish), cuts, (bytes, at) => {
    assertSameAllWays(SERVER_TEMPLATES, bytes, chunksOf(bytes, at));
  }), { numRuns: 500 });
  t.end();
});

t.test('a valid batch with one byte changed decodes everything before the damaged message unchanged', (t) => {
  holds(t, fc.property(clientBatch, fc.nat(), fc.integer({ min: 0, max: 255 }), cuts, (batch, where, value, at) => {
    const bytes = encodeClientBatch(batch);
    const index = where % bytes.length;
    bytes[index] = bytes[index] === value ? value ^ 0xff : value;
    const items = assertSameAllWays(CLIENT_TEMPLATES, bytes, chunksOf(bytes, at));
    let start = 0;
    for (let k = 0; k < batch.length; k++) {
      const end = start + messageBytes(batch[k].template_id);
      if (end > index) break;
      deepStrictEqual(items[k], batch[k], `message ${k} before the damage is intact`);
      start = end;
    }
  }), { numRuns: 1000 });
  t.end();
});

t.test('a valid server batch with one byte changed never makes the decoder throw', (t) => {
  const batches = fc.array(serverMessage, { minLength: 1, maxLength: 4 });
  holds(t, fc.property(batches, fc.nat(), fc.integer({ min: 0, max: 255 }), (batch, where, value) => {
    const bytes = encodeServerBatch(batch);
    bytes[where % bytes.length] = value;
    assertSameAllWays(SERVER_TEMPLATES, bytes);
  }), { numRuns: 500 });
  t.end();
});

t.test('a batch truncated at every length yields the whole messages and then one fatal truncation refusal', (t) => {
  holds(t, fc.property(clientBatch, (batch) => {
    const bytes = encodeClientBatch(batch);
    const boundaries: number[] = [0];
    for (const m of batch) boundaries.push(boundaries[boundaries.length - 1] + messageBytes(m.template_id));
    for (let cut = 0; cut <= bytes.length; cut++) {
      const prefix = bytes.subarray(0, cut);
      const items = decodeClientMessages(prefix);
      assertWellFormed(CLIENT_TEMPLATES, prefix, items);
      const whole = boundaries.filter((b) => b > 0 && b <= cut).length;
      deepStrictEqual(items.slice(0, whole), batch.slice(0, whole));
      if (boundaries.includes(cut)) {
        equal(items.length, whole, `cut at a boundary (${cut}) leaves no refusal`);
      } else {
        equal(items.length, whole + 1);
        const refusal = items[whole] as Refusal;
        equal(refusal.code, RejectCode.MALFORMED_BODY);
        equal(refusal.fatal, true);
        equal(refusal.offset, boundaries[whole]);
      }
      deepStrictEqual(streamed(CLIENT_TEMPLATES, [prefix]), items);
    }
  }), { numRuns: 40 });
  t.end();
});

t.test('decoding a concatenation is decoding each part, when the first part ends cleanly', (t) => {
  const part = fc.oneof(clientBatch.map(encodeClientBatch), fc.uint8Array({ maxLength: 200 }), headerish);
  holds(t, fc.property(part, part, (a, b) => {
    const first = decodeClientMessages(a);
    const last = first[first.length - 1];
    if (last instanceof Refusal && last.fatal) return;
    const both = new Uint8Array(a.length + b.length);
    both.set(a);
    both.set(b, a.length);
    const shifted = decodeClientMessages(b).map((item) => item instanceof Refusal
      ? new Refusal(item.code, item.reason, item.seq, item.template_id, item.offset + a.length, item.fatal)
      : item);
    deepStrictEqual(assertSameAllWays(CLIENT_TEMPLATES, both), [...first, ...shifted]);
  }), { numRuns: 500 });
  t.end();
});

t.test('a smaller configured maximum refuses the same messages whole and streamed', (t) => {
  holds(t, fc.property(clientBatch, fc.integer({ min: 12, max: 200 }), cuts, (batch, max, at) => {
    const bytes = encodeClientBatch(batch);
    const whole = decodeMessages(CLIENT_TEMPLATES, bytes, [], max);
    assertWellFormed(CLIENT_TEMPLATES, bytes, whole);
    deepStrictEqual(streamed(CLIENT_TEMPLATES, chunksOf(bytes, at), max), whole);
    const tooLarge = whole.find((item) => item instanceof Refusal);
    if (tooLarge !== undefined) equal((tooLarge as Refusal).code, RejectCode.BODY_TOO_LARGE);
  }), { numRuns: 100 });
  t.end();
});
