/**
 * The OMS's binary WebSocket protocol (io/binary, specified in io/PROTOCOL.md) as the load
 * generator speaks it: one Logon (api key test-key, the demo account) and wait for the
 * LogonAck (§2); then NewOrder messages (limit IOC, as the http-json body: BTCUSDT, 0.001
 * at 45000, sides alternating), several per WebSocket payload (§1), numbered by seq from 1
 * per connection (§4.1), with a Heartbeat whenever the session would otherwise stay
 * silent (§10). Answers are ExecutionReports, matched by client order id (exec type
 * REJECTED counts as a reject), and Rejects, matched through the seq they refer to.
 *
 * Every session of an account receives the reports of all the account's orders (§7.2):
 * with several connections each report arrives once per connection; the generator
 * times the first and counts the others.
 *
 * Orders are encoded through io/binary/index.ts, so the benchmark sends exactly what the
 * codec speaks. Answers are not decoded whole: the generator reads, at the offsets the
 * codec's own layout tables give, only what it matches an answer by (template, exec type,
 * client order id; a Reject's seq and code), as a latency-minded client would. A full
 * decode of both reports per order (every decimal, symbol and enum) took ~1.2 µs each, a
 * quarter of the generator's core at saturation, while the ws-echo generator reads one id
 * per message (ws_echo_framing.ts): the two sides of the comparison now do the same work.
 */
import { OrderType, Side, TimeInForce } from '../../engine/protocol/enums.js';
import {
  decodeServerMessages, encodeHeartbeat, encodeLogon, encodeNewOrder, EXECUTION_REPORT, ExecType, isRefusal, messageBytes,
  NewOrderInput, REJECT, TemplateId,
} from '../../io/binary/index.js';
import { HEADER_BYTES, MESSAGE_ALIGNMENT_BYTES, readU16, readU32, SCHEMA_VERSION } from '../../io/binary/header.js';
import { ReportCallback, WsOrderProtocol, WsProtocolSession } from './ws_protocol.js';

const API_KEY = 'test-key';
const SYMBOL = 'BTCUSDT';
/** 0.001 and 45000 as the codec's decimals (mantissa * 10^-scale). */
const QUANTITY = { mantissa: 1, scale: 3 };
const PRICE = { mantissa: 45000, scale: 0 };
/** Recent seq -> client order id, so a Reject (which names the refused message's seq) finds its order. */
const SEQ_MEMORY = 1 << 16;

/** Where a field sits in a message (header included), from the codec's layout table. */
function offsetOf(schema: typeof EXECUTION_REPORT | typeof REJECT, field: string): { offset: number; size: number } {
  const row = schema.layout.find((f) => f.name === field);
  if (row === undefined) throw new Error(`${schema.name} has no field ${field}`);
  return row;
}
const REPORT_EXEC_TYPE = offsetOf(EXECUTION_REPORT, 'exec_type').offset;
const REPORT_REJECT_CODE = offsetOf(EXECUTION_REPORT, 'reject_code').offset;
const REPORT_CL_ORD_ID = offsetOf(EXECUTION_REPORT, 'client_order_id');
const REPORT_TRANSACT_TIME = offsetOf(EXECUTION_REPORT, 'transact_time_us').offset;
const REJECT_REF_SEQ = offsetOf(REJECT, 'ref_seq').offset;
const REJECT_CODE = offsetOf(REJECT, 'code').offset;
const REPORT_BYTES = messageBytes(TemplateId.EXECUTION_REPORT);
const REJECTED_EXEC_TYPE = ExecType.REJECTED.charCodeAt(0);
const REJECT_BYTES = messageBytes(TemplateId.REJECT);

export function createOmsBinaryProtocol(): WsOrderProtocol {
  return {
    name: 'oms-binary',
    path: '/ws',
    headers: {},
    session: () => new OmsBinarySession(),
  };
}

class OmsBinarySession implements WsProtocolSession {
  /** Client -> server sequence, from 1 (the Logon). */
  private seq = 0;
  private readonly ids_by_seq: string[] = new Array<string>(SEQ_MEMORY).fill('');
  private readonly order: { -readonly [K in keyof NewOrderInput]: NewOrderInput[K] } = {
    seq: 0,
    side: Side.BUY,
    order_type: OrderType.LIMIT,
    time_in_force: TimeInForce.IOC,
    expire_time_ms: 0,
    quantity: QUANTITY,
    price: PRICE,
    stop_price: undefined,
    symbol: SYMBOL,
    client_order_id: '',
  };
  private readonly new_order_bytes = messageBytes(TemplateId.NEW_ORDER);
  heartbeat_interval_ms = 0;

  heartbeatFrame(): Buffer {
    const bytes = Buffer.alloc(messageBytes(TemplateId.HEARTBEAT));
    encodeHeartbeat(bytes, 0, ++this.seq);
    return bytes;
  }

  logonFrames(): Buffer[] {
    const bytes = Buffer.alloc(messageBytes(TemplateId.LOGON));
    encodeLogon(bytes, 0, { seq: ++this.seq, cancel_on_disconnect: false, api_key: API_KEY });
    return [bytes];
  }

  isLogonAnswer(frame: Buffer): boolean {
    for (const item of decodeServerMessages(frame)) {
      if (isRefusal(item)) throw new Error(`undecodable answer to the Logon: ${item.reason}`);
      if (item.template_id === TemplateId.LOGON_ACK) {
        this.heartbeat_interval_ms = item.heartbeat_interval_ms;
        return true;
      }
      if (item.template_id === TemplateId.REJECT) throw new Error(`Logon rejected (${item.code}): ${item.reason}`);
    }
    return false;
  }

  encodeOrders(indices: ArrayLike<number>, ids: readonly string[], count: number): Buffer {
    const out = Buffer.alloc(count * this.new_order_bytes);
    let at = 0;
    const o = this.order;
    for (let k = 0; k < count; k++) {
      o.seq = ++this.seq;
      o.side = (indices[k] & 1) === 0 ? Side.BUY : Side.SELL;
      o.client_order_id = ids[k];
      this.ids_by_seq[o.seq & (SEQ_MEMORY - 1)] = ids[k];
      at += encodeNewOrder(out, at, o);
    }
    return out;
  }

  decodeFrame(frame: Buffer, report: ReportCallback): void {
    let at = 0;
    while (at < frame.length) {
      const length = frame.length - at >= HEADER_BYTES ? readU16(frame, at) : 0;
      if (length < HEADER_BYTES || length % MESSAGE_ALIGNMENT_BYTES !== 0 || at + length > frame.length
        || readU16(frame, at + 4) !== SCHEMA_VERSION) {
        throw new Error(`undecodable server message at byte ${at} of a ${frame.length}-byte frame`);
      }
      const template = readU16(frame, at + 2);
      if (template === TemplateId.EXECUTION_REPORT && length === REPORT_BYTES) {
        const id = clientOrderId(frame, at + REPORT_CL_ORD_ID.offset, REPORT_CL_ORD_ID.size);
        // A u64 of epoch µs, below 2^53: two u32 reads, no BigInt.
        const transact_us = readU32(frame, at + REPORT_TRANSACT_TIME) + readU32(frame, at + REPORT_TRANSACT_TIME + 4) * 4294967296;
        if (frame[at + REPORT_EXEC_TYPE] === REJECTED_EXEC_TYPE) report(id, 'reject', readU16(frame, at + REPORT_REJECT_CODE), transact_us);
        else report(id, 'ack', undefined, transact_us);
      } else if (template === TemplateId.REJECT && length === REJECT_BYTES) {
        const id = this.ids_by_seq[readU32(frame, at + REJECT_REF_SEQ) & (SEQ_MEMORY - 1)];
        if (id !== '') report(id, 'reject', readU16(frame, at + REJECT_CODE));
      } else if (template !== TemplateId.SERVER_HEARTBEAT && template !== TemplateId.LOGON_ACK && template !== TemplateId.LIST_STATUS) {
        throw new Error(`unexpected server message: template ${template}, ${length} bytes`);
      }
      at += length;
    }
  }
}

/** A NUL-padded ASCII field's text. */
function clientOrderId(frame: Buffer, start: number, width: number): string {
  let end = start;
  while (end < start + width && frame[end] !== 0) end++;
  return frame.toString('latin1', start, end);
}
