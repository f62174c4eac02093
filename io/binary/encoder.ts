/**
 * Encoding: every message is written into a caller-provided buffer at an offset, and
 * every function returns the bytes written (the template's fixed size), so the io
 * thread can batch many messages into one outgoing WebSocket payload without copying.
 *
 * Encoders check every field the way the decoder will (ranges, enum members, character
 * sets) and throw RangeError for a value it would refuse, or when the buffer is too
 * small: a programming error on the sending side, never a peer's input. Cross-field
 * order rules (a limit order needs a price, ...) are not checked here: the receiver
 * judges those, and tests need to be able to send what it refuses.
 */
import { toPrintableAscii } from './ascii_schema.js';
import {
  CANCEL, CANCEL_ORDER_LIST, CancelInput, CancelOrderListInput, ClientMessage, HEARTBEAT, LIST_ORDER, ListOrderInput, LOGON, LOGOUT,
  LogonInput, NEW_ORDER, NEW_ORDER_LIST, NEW_TRAILING_ORDER, NewOrderInput, NewOrderListInput, NewTrailingOrderInput, REPLACE,
  ReplaceInput,
} from './client_messages.js';
import { TemplateId } from './header.js';
import type { Refusal } from './refusal.js';
import {
  EXECUTION_REPORT, ExecutionReportInput, LIST_STATUS, ListStatusInput, LOGON_ACK, LogonAckInput, REJECT, REJECT_REASON_MAX_BYTES,
  RejectInput, SERVER_HEARTBEAT, ServerMessage,
} from './server_messages.js';

// ---- server -> client --------------------------------------------------------------

export function encodeExecutionReport(bytes: Uint8Array, offset: number, report: ExecutionReportInput): number {
  return EXECUTION_REPORT.encode(bytes, offset, report);
}

/** The reason is cut to 96 bytes and non-printable characters become '?': a reason never makes encoding fail. */
export function encodeReject(bytes: Uint8Array, offset: number, reject: RejectInput): number {
  const reason = toPrintableAscii(reject.reason, REJECT_REASON_MAX_BYTES);
  return REJECT.encode(bytes, offset, reason === reject.reason ? reject : { ...reject, reason });
}

/** The Reject answering a Refusal; ref_seq and ref_template_id are 0 when the header was unreadable. */
export function rejectForRefusal(seq: number, refusal: Refusal): RejectInput {
  return {
    seq,
    ref_seq: refusal.seq ?? 0,
    code: refusal.code,
    ref_template_id: refusal.template_id ?? 0,
    reason: refusal.reason,
  };
}

export function encodeLogonAck(bytes: Uint8Array, offset: number, ack: LogonAckInput): number {
  return LOGON_ACK.encode(bytes, offset, ack);
}

export function encodeListStatus(bytes: Uint8Array, offset: number, status: ListStatusInput): number {
  return LIST_STATUS.encode(bytes, offset, status);
}

export function encodeServerHeartbeat(bytes: Uint8Array, offset: number, seq: number): number {
  return SERVER_HEARTBEAT.encode(bytes, offset, { seq });
}

// ---- client -> server --------------------------------------------------------------

export function encodeLogon(bytes: Uint8Array, offset: number, logon: LogonInput): number {
  return LOGON.encode(bytes, offset, logon);
}

export function encodeNewOrder(bytes: Uint8Array, offset: number, order: NewOrderInput): number {
  return NEW_ORDER.encode(bytes, offset, order);
}

export function encodeNewTrailingOrder(bytes: Uint8Array, offset: number, order: NewTrailingOrderInput): number {
  return NEW_TRAILING_ORDER.encode(bytes, offset, order);
}

export function encodeNewOrderList(bytes: Uint8Array, offset: number, list: NewOrderListInput): number {
  return NEW_ORDER_LIST.encode(bytes, offset, list);
}

export function encodeListOrder(bytes: Uint8Array, offset: number, order: ListOrderInput): number {
  return LIST_ORDER.encode(bytes, offset, order);
}

export function encodeCancelOrderList(bytes: Uint8Array, offset: number, cancel: CancelOrderListInput): number {
  return CANCEL_ORDER_LIST.encode(bytes, offset, cancel);
}

export function encodeCancel(bytes: Uint8Array, offset: number, cancel: CancelInput): number {
  return CANCEL.encode(bytes, offset, cancel);
}

export function encodeReplace(bytes: Uint8Array, offset: number, replace: ReplaceInput): number {
  return REPLACE.encode(bytes, offset, replace);
}

export function encodeHeartbeat(bytes: Uint8Array, offset: number, seq: number): number {
  return HEARTBEAT.encode(bytes, offset, { seq });
}

export function encodeLogout(bytes: Uint8Array, offset: number, seq: number): number {
  return LOGOUT.encode(bytes, offset, { seq });
}

// ---- by template id ----------------------------------------------------------------

/** Any client message to encode, discriminated by template_id; a decoded ClientMessage is one. */
export type ClientMessageInput =
  | ({ readonly template_id: typeof TemplateId.LOGON } & LogonInput)
  | ({ readonly template_id: typeof TemplateId.NEW_ORDER } & NewOrderInput)
  | ({ readonly template_id: typeof TemplateId.CANCEL } & CancelInput)
  | ({ readonly template_id: typeof TemplateId.REPLACE } & ReplaceInput)
  | { readonly template_id: typeof TemplateId.HEARTBEAT; readonly seq: number }
  | { readonly template_id: typeof TemplateId.LOGOUT; readonly seq: number }
  | ({ readonly template_id: typeof TemplateId.NEW_TRAILING_ORDER } & NewTrailingOrderInput)
  | ({ readonly template_id: typeof TemplateId.NEW_ORDER_LIST } & NewOrderListInput)
  | ({ readonly template_id: typeof TemplateId.LIST_ORDER } & ListOrderInput)
  | ({ readonly template_id: typeof TemplateId.CANCEL_ORDER_LIST } & CancelOrderListInput);

/** Any server message to encode, discriminated by template_id; a decoded ServerMessage is one. */
export type ServerMessageInput =
  | ({ readonly template_id: typeof TemplateId.LOGON_ACK } & LogonAckInput)
  | ({ readonly template_id: typeof TemplateId.EXECUTION_REPORT } & ExecutionReportInput)
  | ({ readonly template_id: typeof TemplateId.REJECT } & RejectInput)
  | { readonly template_id: typeof TemplateId.SERVER_HEARTBEAT; readonly seq: number }
  | ({ readonly template_id: typeof TemplateId.LIST_STATUS } & ListStatusInput);

export function encodeClientMessage(bytes: Uint8Array, offset: number, m: ClientMessageInput): number {
  switch (m.template_id) {
    case TemplateId.LOGON: return LOGON.encode(bytes, offset, m);
    case TemplateId.NEW_ORDER: return NEW_ORDER.encode(bytes, offset, m);
    case TemplateId.CANCEL: return CANCEL.encode(bytes, offset, m);
    case TemplateId.REPLACE: return REPLACE.encode(bytes, offset, m);
    case TemplateId.HEARTBEAT: return HEARTBEAT.encode(bytes, offset, m);
    case TemplateId.LOGOUT: return LOGOUT.encode(bytes, offset, m);
    case TemplateId.NEW_TRAILING_ORDER: return NEW_TRAILING_ORDER.encode(bytes, offset, m);
    case TemplateId.NEW_ORDER_LIST: return NEW_ORDER_LIST.encode(bytes, offset, m);
    case TemplateId.LIST_ORDER: return LIST_ORDER.encode(bytes, offset, m);
    case TemplateId.CANCEL_ORDER_LIST: return CANCEL_ORDER_LIST.encode(bytes, offset, m);
    default: throw new RangeError(`not a client template: ${(m as { template_id: unknown }).template_id}`);
  }
}

export function encodeServerMessage(bytes: Uint8Array, offset: number, m: ServerMessageInput): number {
  switch (m.template_id) {
    case TemplateId.LOGON_ACK: return LOGON_ACK.encode(bytes, offset, m);
    case TemplateId.EXECUTION_REPORT: return EXECUTION_REPORT.encode(bytes, offset, m);
    case TemplateId.REJECT: return encodeReject(bytes, offset, m);
    case TemplateId.SERVER_HEARTBEAT: return SERVER_HEARTBEAT.encode(bytes, offset, m);
    case TemplateId.LIST_STATUS: return LIST_STATUS.encode(bytes, offset, m);
    default: throw new RangeError(`not a server template: ${(m as { template_id: unknown }).template_id}`);
  }
}

const SIZE_BY_ID = new Map<number, number>(
  [LOGON, NEW_ORDER, CANCEL, REPLACE, HEARTBEAT, LOGOUT, NEW_TRAILING_ORDER, NEW_ORDER_LIST, LIST_ORDER, CANCEL_ORDER_LIST,
    LOGON_ACK, EXECUTION_REPORT, REJECT, SERVER_HEARTBEAT, LIST_STATUS]
    .map((s) => [s.template_id, s.byte_size]),
);

/** Bytes a message of this template takes on the wire; 0 if the id is not a template. */
export function messageBytes(template_id: number): number {
  return SIZE_BY_ID.get(template_id) ?? 0;
}

/** Encodes a batch into a new buffer (one WebSocket payload). Allocates: for clients and tests. */
export function encodeClientBatch(messages: readonly (ClientMessageInput | ClientMessage)[]): Uint8Array {
  let size = 0;
  for (const m of messages) size += messageBytes(m.template_id);
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const m of messages) at += encodeClientMessage(bytes, at, m);
  return bytes;
}

/** Encodes a batch of server messages into a new buffer. Allocates: for tests and simple servers. */
export function encodeServerBatch(messages: readonly (ServerMessageInput | ServerMessage)[]): Uint8Array {
  let size = 0;
  for (const m of messages) size += messageBytes(m.template_id);
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const m of messages) at += encodeServerMessage(bytes, at, m);
  return bytes;
}
