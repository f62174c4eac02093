/**
 * Decoding: bytes in, decoded messages and refusals out, in wire order. Never throws.
 *
 * A WebSocket binary message carries whole protocol messages back to back. Each one is
 * framed by its length field (framing.ts), then checked in this order (the session layer,
 * io/ws/ws_gateway.ts, checks the sequence number between steps 1 and 2):
 *
 *  1. schema_version is SCHEMA_VERSION          else UNSUPPORTED_VERSION   (skip it, go on)
 *  2. template_id is a template of this direction else UNKNOWN_MESSAGE_TYPE (skip it, go on)
 *  3. length equals the template's size          else MALFORMED_BODY, fatal: framing lost
 *  4. header reserved bytes are zero             else MALFORMED_BODY       (skip it, go on)
 *  5. every field's bytes pass its check          else the field's code     (skip it, go on)
 *  6. the template's cross-field rules hold       else the rule's code      (skip it, go on)
 *
 * Steps 1 to 5 read only raw bytes, so a refused message allocates nothing but its
 * Refusal; an accepted message allocates only the decoded object and its values.
 */
import { RejectCode } from '../../engine/protocol/reject_codes.js';
import type { ClientMessage } from './client_messages.js';
import { FRAME_NEED_MORE, frameLength, framingRefusal } from './framing.js';
import {
  HEADER_RESERVED_OFFSET, HEADER_SCHEMA_VERSION_OFFSET, HEADER_SEQ_OFFSET, HEADER_TEMPLATE_ID_OFFSET,
  MAX_MESSAGE_BYTES, SCHEMA_VERSION, readU16, readU32,
} from './header.js';
import { Refusal } from './refusal.js';
import type { ServerMessage } from './server_messages.js';
import { CLIENT_TEMPLATES, SERVER_TEMPLATES, TemplateSet } from './template_set.js';
import { WireReader } from './wire_reader.js';

// One reader for every decode: decoding runs to completion without calling user code,
// so nothing can re-enter while the reader points at a caller's buffer.
const reader = new WireReader();
const EMPTY = new Uint8Array(0);

/**
 * Decodes the one message that starts at `at` and is `length` bytes long by its length
 * field (as framing.ts found it). `offset` is where it sits in the caller's payload or
 * stream, for the Refusal.
 */
export function decodeFrame<M>(
  templates: TemplateSet<M>,
  bytes: Uint8Array,
  at: number,
  length: number,
  offset: number,
): M | Refusal {
  const template_id = readU16(bytes, at + HEADER_TEMPLATE_ID_OFFSET);
  const version = readU16(bytes, at + HEADER_SCHEMA_VERSION_OFFSET);
  const seq = readU32(bytes, at + HEADER_SEQ_OFFSET);
  if (version !== SCHEMA_VERSION) {
    const reason = `schema version ${version} is not supported; this codec speaks version ${SCHEMA_VERSION}`;
    return new Refusal(RejectCode.UNSUPPORTED_VERSION, reason, seq, template_id, offset, false);
  }
  const schema = templates.byId(template_id);
  if (schema === undefined) {
    const reason = `template id ${template_id} is not a ${templates.direction} message`;
    return new Refusal(RejectCode.UNKNOWN_MESSAGE_TYPE, reason, seq, template_id, offset, false);
  }
  if (length !== schema.byte_size) {
    const reason = `${schema.name} is ${schema.byte_size} bytes but its length field says ${length}`;
    return new Refusal(RejectCode.MALFORMED_BODY, reason, seq, template_id, offset, true);
  }
  if (readU16(bytes, at + HEADER_RESERVED_OFFSET) !== 0) {
    return new Refusal(RejectCode.MALFORMED_BODY, 'header reserved bytes must be zero', seq, template_id, offset, false);
  }
  const fault = schema.checkFields(bytes, at);
  if (fault !== undefined) return new Refusal(fault.code, fault.reason, seq, template_id, offset, false);
  const message = schema.read(reader.reset(bytes, at));
  // Let go of the caller's buffer: uWebSockets.js payloads are only valid inside the callback.
  reader.reset(EMPTY, 0);
  const broken = schema.checkRules(message);
  if (broken !== undefined) return new Refusal(broken.code, broken.reason, seq, template_id, offset, false);
  return message as M;
}

/**
 * Decodes every message in `bytes` (one WebSocket payload), appending messages and
 * refusals to `into` in wire order. A fatal refusal is always the last item.
 */
export function decodeMessages<M>(
  templates: TemplateSet<M>,
  bytes: Uint8Array,
  into: (M | Refusal)[] = [],
  max_message_bytes: number = MAX_MESSAGE_BYTES,
): (M | Refusal)[] {
  const end = bytes.length;
  let at = 0;
  while (at < end) {
    const status = frameLength(bytes, at, end - at, max_message_bytes);
    if (status <= FRAME_NEED_MORE) {
      into.push(framingRefusal(status, bytes, at, end - at, max_message_bytes, at));
      break;
    }
    const item = decodeFrame(templates, bytes, at, status, at);
    into.push(item);
    if (item instanceof Refusal && item.fatal) break;
    at += status;
  }
  return into;
}

/** Decodes one WebSocket payload from a client. See decodeMessages. */
export function decodeClientMessages(
  bytes: Uint8Array,
  into: (ClientMessage | Refusal)[] = [],
): (ClientMessage | Refusal)[] {
  return decodeMessages(CLIENT_TEMPLATES, bytes, into);
}

/** Decodes one WebSocket payload from the server (for clients, tests and the load generator). */
export function decodeServerMessages(
  bytes: Uint8Array,
  into: (ServerMessage | Refusal)[] = [],
): (ServerMessage | Refusal)[] {
  return decodeMessages(SERVER_TEMPLATES, bytes, into);
}
