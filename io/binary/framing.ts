/**
 * Finding message boundaries by the length field, shared by the whole-payload decoder
 * and the stream frame assembler so that both refuse the same bytes with the same
 * refusal. The rule, in order, for the bytes available at a message start:
 *
 *  1. fewer than 12 bytes (a whole header)          -> need more (truncated at the end)
 *  2. length < 12                                    -> fatal MALFORMED_BODY
 *  3. length > the maximum message size              -> fatal BODY_TOO_LARGE
 *  4. fewer than `length` bytes                      -> need more (truncated at the end)
 *  5. otherwise a whole frame of `length` bytes.
 *
 * Checking the length only once the whole header is there makes the answer independent
 * of how the bytes were chunked, and lets every framing refusal carry the seq.
 */
import { RejectCode } from '../../engine/protocol/reject_codes.js';
import {
  HEADER_BYTES, HEADER_LENGTH_OFFSET, HEADER_SEQ_OFFSET, HEADER_TEMPLATE_ID_OFFSET, readU16, readU32,
} from './header.js';
import { Refusal } from './refusal.js';

export const FRAME_NEED_MORE = 0;
export const FRAME_TOO_SHORT = -1;
export const FRAME_TOO_LONG = -2;

/** The frame length (> 0) of the message at `at`, or FRAME_NEED_MORE / FRAME_TOO_SHORT / FRAME_TOO_LONG. */
export function frameLength(bytes: Uint8Array, at: number, available: number, max_message_bytes: number): number {
  if (available < HEADER_BYTES) return FRAME_NEED_MORE;
  const length = readU16(bytes, at + HEADER_LENGTH_OFFSET);
  if (length < HEADER_BYTES) return FRAME_TOO_SHORT;
  if (length > max_message_bytes) return FRAME_TOO_LONG;
  if (available < length) return FRAME_NEED_MORE;
  return length;
}

/**
 * The fatal refusal for a non-positive `frameLength` status. FRAME_NEED_MORE here means
 * the input ended inside a message.
 */
export function framingRefusal(
  status: number,
  bytes: Uint8Array,
  at: number,
  available: number,
  max_message_bytes: number,
  offset: number,
): Refusal {
  if (available < HEADER_BYTES) {
    const reason = `truncated: ${available} bytes left, a message header needs ${HEADER_BYTES}`;
    return new Refusal(RejectCode.MALFORMED_BODY, reason, undefined, undefined, offset, true);
  }
  const length = readU16(bytes, at + HEADER_LENGTH_OFFSET);
  const seq = readU32(bytes, at + HEADER_SEQ_OFFSET);
  const template_id = readU16(bytes, at + HEADER_TEMPLATE_ID_OFFSET);
  let code: RejectCode = RejectCode.MALFORMED_BODY;
  let reason: string;
  if (status === FRAME_TOO_SHORT) {
    reason = `length ${length} is shorter than the ${HEADER_BYTES}-byte header`;
  } else if (status === FRAME_TOO_LONG) {
    code = RejectCode.BODY_TOO_LARGE;
    reason = `length ${length} is above the ${max_message_bytes}-byte maximum`;
  } else {
    reason = `truncated: the length field says ${length} bytes, ${available} arrived`;
  }
  return new Refusal(code, reason, seq, template_id, offset, true);
}
