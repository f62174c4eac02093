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
 * Everything here goes through io/binary/index.ts; the generator never builds bytes
 * itself, so the benchmark speaks exactly what the codec speaks.
 */
import { OrderType, Side, TimeInForce } from '../../engine/protocol/enums.js';
import {
  decodeServerMessages, encodeHeartbeat, encodeLogon, encodeNewOrder, ExecType, isRefusal, messageBytes, NewOrderInput,
  Refusal, ServerMessage, TemplateId,
} from '../../io/binary/index.js';
import { ReportKind, WsOrderProtocol, WsProtocolSession } from './ws_protocol.js';

const API_KEY = 'test-key';
const SYMBOL = 'BTCUSDT';
/** 0.001 and 45000 as the codec's decimals (mantissa * 10^-scale). */
const QUANTITY = { mantissa: 1, scale: 3 };
const PRICE = { mantissa: 45000, scale: 0 };
/** Recent seq -> client order id, so a Reject (which names the refused message's seq) finds its order. */
const SEQ_MEMORY = 1 << 16;

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
  private readonly decoded: (ServerMessage | Refusal)[] = [];
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

  decodeFrame(frame: Buffer, report: (client_order_id: string, kind: ReportKind, code?: number) => void): void {
    this.decoded.length = 0;
    for (const item of decodeServerMessages(frame, this.decoded)) {
      if (isRefusal(item)) throw new Error(`undecodable server message: ${item.reason}`);
      if (item.template_id === TemplateId.EXECUTION_REPORT) {
        if (item.exec_type === ExecType.REJECTED) report(item.client_order_id, 'reject', item.reject_code);
        else report(item.client_order_id, 'ack');
      } else if (item.template_id === TemplateId.REJECT) {
        const id = this.ids_by_seq[item.ref_seq & (SEQ_MEMORY - 1)];
        if (id !== '') report(id, 'reject', item.code);
      }
    }
  }
}
