/**
 * The message header every protocol message starts with, the template ids and the
 * protocol-wide limits. All integers on the wire are little-endian.
 *
 * ```
 *  0  length          u16  bytes in the whole message, header included
 *  2  template_id     u16  which message this is (TemplateId)
 *  4  schema_version  u16  SCHEMA_VERSION
 *  6  reserved        u16  zero; aligns seq to 4 bytes
 *  8  seq             u32  per-direction sequence number, from 1
 * 12  (template block)
 * ```
 *
 * The header is 12 bytes, so a block's first 4 bytes hold small fields and its 8-byte
 * integers start at offset 16. Every message is padded to a multiple of 8 bytes, so in
 * a batch each message starts on an 8-byte boundary of the payload.
 */

export const HEADER_LENGTH_OFFSET = 0;
export const HEADER_TEMPLATE_ID_OFFSET = 2;
export const HEADER_SCHEMA_VERSION_OFFSET = 4;
export const HEADER_RESERVED_OFFSET = 6;
export const HEADER_SEQ_OFFSET = 8;
export const HEADER_BYTES = 12;

/** Every message length is a multiple of this. */
export const MESSAGE_ALIGNMENT_BYTES = 8;

/** The only schema version this codec speaks. */
export const SCHEMA_VERSION = 1;

/**
 * No message is longer than this; receivers refuse a longer length field (BODY_TOO_LARGE)
 * and stop reading the stream, whose framing can no longer be trusted. It leaves room to
 * grow the largest template (ExecutionReport, 184 bytes).
 */
export const MAX_MESSAGE_BYTES = 256;

/** Client -> server templates are 1..99, server -> client 101..199. */
export const TemplateId = {
  LOGON: 1,
  NEW_ORDER: 2,
  CANCEL: 3,
  REPLACE: 4,
  HEARTBEAT: 5,
  LOGOUT: 6,
  /** Added in version 1 (a template, not a changed byte): trailing stops, which need fields NewOrder has no room for. */
  NEW_TRAILING_ORDER: 7,
  /**
   * Added in version 1: a contingent order list (OCO, OTO, OUO, BRACKET). Its members do not
   * fit one 256-byte message, so the list is this head followed, in the same WebSocket
   * message, by one LIST_ORDER per member (as the engine's NEW_ORDER_LIST and LIST_MEMBER slots).
   */
  NEW_ORDER_LIST: 8,
  /** One member of the NEW_ORDER_LIST just before it; never an order on its own. */
  LIST_ORDER: 9,
  /** Added in version 1: cancel every open member of a list, by list id. */
  CANCEL_ORDER_LIST: 10,
  LOGON_ACK: 101,
  EXECUTION_REPORT: 102,
  REJECT: 103,
  SERVER_HEARTBEAT: 104,
  /** Added in version 1: the answer to a NewOrderList or CancelOrderList (FIX ListStatus), to its sender only. */
  LIST_STATUS: 105,
} as const;
export type TemplateId = (typeof TemplateId)[keyof typeof TemplateId];

/** Header fields as PROTOCOL.md tables print them (checked against the doc by a test). */
export const HEADER_FIELDS: readonly { name: string; offset: number; size: number; wire_type: string }[] = [
  { name: 'length', offset: HEADER_LENGTH_OFFSET, size: 2, wire_type: 'u16' },
  { name: 'template_id', offset: HEADER_TEMPLATE_ID_OFFSET, size: 2, wire_type: 'u16' },
  { name: 'schema_version', offset: HEADER_SCHEMA_VERSION_OFFSET, size: 2, wire_type: 'u16' },
  { name: 'reserved', offset: HEADER_RESERVED_OFFSET, size: 2, wire_type: 'pad[2]' },
  { name: 'seq', offset: HEADER_SEQ_OFFSET, size: 4, wire_type: 'u32' },
];

{
  let next = 0;
  for (const f of HEADER_FIELDS) {
    if (f.offset !== next || f.offset % Math.min(f.size, 4) !== 0) throw new Error(`header field ${f.name} misplaced`);
    next = f.offset + f.size;
  }
  if (next !== HEADER_BYTES) throw new Error('header size moved: update the diagram and PROTOCOL.md');
}

/** Reads a little-endian u16 / u32 straight from bytes (for the header, before any schema). */
export function readU16(bytes: Uint8Array, at: number): number {
  return bytes[at] | (bytes[at + 1] << 8);
}

export function readU32(bytes: Uint8Array, at: number): number {
  return (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
}
