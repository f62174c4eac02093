/**
 * A WebSocket client of the binary order-entry protocol (io/PROTOCOL.md) for tests that
 * run against the real OMS process: it numbers what it sends, decodes everything the
 * server sends (keeping the raw frames and any bytes that did not decode), and lets a
 * test wait for a message, for a count of messages, or for the close code and reason.
 */
import WebSocket from 'ws';
import { parseDecimal, formatDecimal, normalize, Decimal } from '../../engine/reference/decimal.js';
import { ContingencyType, OrderType, Side, TimeInForce, TrailingOffsetType } from '../../engine/protocol/enums.js';
import { isTrailing } from '../../engine/protocol/order_type_rules.js';
import { takesPrice } from '../../engine/protocol/order_type_rules.js';
import {
  decodeServerMessages, encodeClientBatch, Refusal, TemplateId,
} from '../../io/binary/index.js';
import type {
  ClientMessageInput, ExecutionReport, ListOrderInput, ListStatus, LogonAck, NewOrderInput, NewTrailingOrderInput, Reject, ServerMessage,
} from '../../io/binary/index.js';

const DEFAULT_WAIT_MS = 5_000;

/** A client message without its seq: the client numbers messages as it sends them. */
export type Unsequenced<T> = T extends unknown ? Omit<T, 'seq'> : never;
export type ClientMessageDraft = Unsequenced<ClientMessageInput>;

export interface Closed {
  readonly code: number;
  readonly reason: string;
}

export interface ConnectOptions {
  /** Sent as the x-api-key upgrade header; omit to log on with a Logon message. */
  readonly key?: string;
  /** Query string without '?', e.g. 'cancel_on_disconnect=1'. */
  readonly query?: string;
}

/** The answer to an upgrade the server refused (no WebSocket opened). */
export interface RefusedUpgrade {
  readonly status: number;
  readonly body: string;
}

/** Exact decimal from text: `dec('0.5')`. */
export function dec(text: string): Decimal {
  const value = parseDecimal(text);
  if (value === undefined) throw new Error(`not a decimal: ${text}`);
  return value;
}

/** A wire decimal as plain text without trailing zeros, or null when absent. */
export function text(value: Decimal | undefined): string | null {
  return value === undefined ? null : formatDecimal(normalize(value));
}

type PlainOrderFields = Partial<Omit<NewOrderInput, 'seq' | 'quantity' | 'price' | 'stop_price'>> & {
  readonly quantity?: string;
  readonly price?: string | null;
  readonly stop_price?: string;
  readonly client_order_id: string;
};

/** The fields NewOrder and ListOrder share, with the defaults both take (a GTC limit buy of 0.01 BTCUSDT at 44000). */
function plainOrderFields(fields: PlainOrderFields) {
  const order_type = fields.order_type ?? OrderType.LIMIT;
  const price = fields.price === undefined ? (takesPrice(order_type) ? '44000' : null) : fields.price;
  return {
    side: fields.side ?? Side.BUY,
    order_type,
    time_in_force: fields.time_in_force ?? TimeInForce.GTC,
    exec_inst: fields.exec_inst ?? 0,
    expire_time_ms: fields.expire_time_ms ?? 0,
    quantity: dec(fields.quantity ?? '0.01'),
    price: price === null ? undefined : dec(price),
    stop_price: fields.stop_price === undefined ? undefined : dec(fields.stop_price),
    symbol: fields.symbol ?? 'BTCUSDT',
    client_order_id: fields.client_order_id,
  };
}

/** A NewOrder draft: a GTC limit buy of 0.01 BTCUSDT at 44000 unless told otherwise. */
export function newOrder(fields: PlainOrderFields): ClientMessageDraft {
  return { template_id: TemplateId.NEW_ORDER, ...plainOrderFields(fields) };
}

/** A NewTrailingOrder draft: a GTC trailing stop sell of 0.01 BTCUSDT, PRICE offset, unless told otherwise. */
export function newTrailingOrder(fields: Partial<Omit<NewTrailingOrderInput, 'seq' | 'quantity' | 'trigger_price' | 'trailing_offset' | 'limit_offset'>> & {
  readonly quantity?: string;
  readonly trigger_price?: string;
  readonly trailing_offset: string;
  readonly limit_offset?: string;
  readonly client_order_id: string;
}): ClientMessageDraft {
  return {
    template_id: TemplateId.NEW_TRAILING_ORDER,
    side: fields.side ?? Side.SELL,
    order_type: fields.order_type ?? OrderType.TRAILING_STOP,
    time_in_force: fields.time_in_force ?? TimeInForce.GTC,
    exec_inst: fields.exec_inst ?? 0,
    expire_time_ms: fields.expire_time_ms ?? 0,
    quantity: dec(fields.quantity ?? '0.01'),
    trigger_price: fields.trigger_price === undefined ? undefined : dec(fields.trigger_price),
    trailing_offset: dec(fields.trailing_offset),
    limit_offset: fields.limit_offset === undefined ? undefined : dec(fields.limit_offset),
    trailing_offset_type: fields.trailing_offset_type ?? TrailingOffsetType.PRICE,
    symbol: fields.symbol ?? 'BTCUSDT',
    client_order_id: fields.client_order_id,
  };
}

/** A ListOrder draft: a GTC limit buy of 0.01 BTCUSDT at 44000 unless told otherwise; a trailing type takes its trail. */
export function listOrder(fields: PlainOrderFields & Partial<Pick<ListOrderInput, 'trailing_offset_type'>> & {
  readonly trailing_offset?: string;
  readonly limit_offset?: string;
}): ClientMessageDraft {
  const plain = plainOrderFields(fields);
  return {
    template_id: TemplateId.LIST_ORDER,
    ...plain,
    trailing_offset: fields.trailing_offset === undefined ? undefined : dec(fields.trailing_offset),
    limit_offset: fields.limit_offset === undefined ? undefined : dec(fields.limit_offset),
    trailing_offset_type: fields.trailing_offset_type ?? (isTrailing(plain.order_type) ? TrailingOffsetType.PRICE : 0),
  };
}

/** A NewOrderList followed by its ListOrders, to send as one WebSocket message. */
export function orderList(contingency: ContingencyType, list_client_id: string, members: readonly ClientMessageDraft[]): ClientMessageDraft[] {
  return [{ template_id: TemplateId.NEW_ORDER_LIST, contingency, member_count: members.length, list_client_id }, ...members];
}

export class WsClient {
  readonly ws: WebSocket;
  /** Every server message decoded, in arrival order. */
  readonly messages: ServerMessage[] = [];
  /** Refusals from decoding server frames: must stay empty (the server only sends valid messages). */
  readonly invalid: Refusal[] = [];
  /** Binary frames received, and text frames (which the server must never send). */
  frames = 0;
  bytes_received = 0;
  text_frames = 0;
  /** seq of the next message this client sends. */
  next_seq = 1;
  closed_with: Closed | null = null;
  readonly closed: Promise<Closed>;
  private waiters: (() => void)[] = [];

  private constructor(ws: WebSocket) {
    this.ws = ws;
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.closed_with = { code, reason: reason.toString('utf8') };
        this.wake();
        resolve(this.closed_with);
      });
    });
    ws.on('error', () => { /* surfaced as a close (1006) */ });
    ws.on('message', (data, is_binary) => {
      if (!is_binary) {
        this.text_frames++;
        return;
      }
      const bytes = toBytes(data);
      this.frames++;
      this.bytes_received += bytes.length;
      for (const item of decodeServerMessages(bytes)) {
        if (item instanceof Refusal) this.invalid.push(item);
        else this.messages.push(item);
      }
      this.wake();
    });
  }

  /** Opens a WebSocket to the OMS at base_url (http://host:port) on /ws; rejects if the upgrade is refused. */
  static async connect(base_url: string, options: ConnectOptions = {}): Promise<WsClient> {
    const opened = await WsClient.tryConnect(base_url, options);
    if (!(opened instanceof WsClient)) throw new Error(`WebSocket upgrade refused: HTTP ${opened.status} ${opened.body}`);
    return opened;
  }

  /** Opens a WebSocket, or returns the HTTP answer when the server refuses the upgrade. */
  static tryConnect(base_url: string, options: ConnectOptions = {}): Promise<WsClient | RefusedUpgrade> {
    const url = `${base_url.replace(/^http/, 'ws')}/ws${options.query === undefined ? '' : `?${options.query}`}`;
    const headers: Record<string, string> = {};
    if (options.key !== undefined) headers['x-api-key'] = options.key;
    const ws = new WebSocket(url, { headers });
    ws.binaryType = 'nodebuffer';
    // Listen for messages before the upgrade completes: the LogonAck may arrive with it.
    const client = new WsClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_request, response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => { body += chunk; });
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, body });
          ws.terminate();
        });
      });
      ws.once('error', (error) => reject(error));
    });
  }

  /** Connects and logs on by header; resolves once the LogonAck is in. */
  static async logon(base_url: string, key: string, cancel_on_disconnect = false): Promise<WsClient> {
    const client = await WsClient.connect(base_url, { key, query: cancel_on_disconnect ? 'cancel_on_disconnect=1' : undefined });
    await client.waitFor((m) => m.template_id === TemplateId.LOGON_ACK);
    return client;
  }

  /** Numbers the messages and sends them as one WebSocket message. */
  send(...drafts: ClientMessageDraft[]): number[] {
    const seqs: number[] = [];
    const messages = drafts.map((draft) => {
      const seq = this.next_seq;
      this.next_seq = (seq + 1) >>> 0;
      seqs.push(seq);
      return { ...draft, seq } as ClientMessageInput;
    });
    this.ws.send(encodeClientBatch(messages), { binary: true });
    return seqs;
  }

  /** Sends bytes as they are, in one binary WebSocket message. */
  sendRaw(bytes: Uint8Array): void {
    this.ws.send(bytes, { binary: true });
  }

  get logonAck(): LogonAck | undefined {
    return this.messages.find((m): m is LogonAck => m.template_id === TemplateId.LOGON_ACK);
  }

  get reports(): ExecutionReport[] {
    return this.messages.filter((m): m is ExecutionReport => m.template_id === TemplateId.EXECUTION_REPORT);
  }

  get rejects(): Reject[] {
    return this.messages.filter((m): m is Reject => m.template_id === TemplateId.REJECT);
  }

  reportsFor(client_order_id: string): ExecutionReport[] {
    return this.reports.filter((r) => r.client_order_id === client_order_id);
  }

  /** The first message (received so far or later) that matches; rejects after timeout_ms. */
  async waitFor<M extends ServerMessage = ServerMessage>(match: (m: ServerMessage) => boolean, timeout_ms = DEFAULT_WAIT_MS): Promise<M> {
    let found: M | undefined;
    await this.waitUntil(() => {
      found = this.messages.find(match) as M | undefined;
      return found !== undefined;
    }, timeout_ms, 'a matching message');
    return found!;
  }

  /** Waits until at least `count` messages match; resolves with all that match. */
  async waitForCount<M extends ServerMessage = ServerMessage>(match: (m: ServerMessage) => boolean, count: number, timeout_ms = DEFAULT_WAIT_MS): Promise<M[]> {
    let found: M[] = [];
    await this.waitUntil(() => {
      found = this.messages.filter(match) as M[];
      return found.length >= count;
    }, timeout_ms, `${count} matching messages`);
    return found;
  }

  waitForReport(client_order_id: string, exec_type: string, timeout_ms = DEFAULT_WAIT_MS): Promise<ExecutionReport> {
    return this.waitFor<ExecutionReport>((m) => m.template_id === TemplateId.EXECUTION_REPORT
      && m.client_order_id === client_order_id && m.exec_type === exec_type, timeout_ms);
  }

  waitForListStatus(ref_seq: number, timeout_ms = DEFAULT_WAIT_MS): Promise<ListStatus> {
    return this.waitFor<ListStatus>((m) => m.template_id === TemplateId.LIST_STATUS && m.ref_seq === ref_seq, timeout_ms);
  }

  waitForReject(ref_seq: number, timeout_ms = DEFAULT_WAIT_MS): Promise<Reject> {
    return this.waitFor<Reject>((m) => m.template_id === TemplateId.REJECT && m.ref_seq === ref_seq, timeout_ms);
  }

  /** Resolves with the close code and reason; rejects if the connection is still open after timeout_ms. */
  async waitForClose(timeout_ms = DEFAULT_WAIT_MS): Promise<Closed> {
    await this.waitUntil(() => this.closed_with !== null, timeout_ms, 'the connection to close');
    return this.closed_with!;
  }

  /** Waits until `condition` holds, checking after every message and close. */
  waitUntil(condition: () => boolean, timeout_ms = DEFAULT_WAIT_MS, what = 'the condition'): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!condition()) return false;
        clearTimeout(timer);
        resolve();
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out after ${timeout_ms} ms waiting for ${what}; ${this.messages.length} messages, closed: ${JSON.stringify(this.closed_with)}`));
      }, timeout_ms);
      const waiter = () => {
        if (check()) this.waiters = this.waiters.filter((w) => w !== waiter);
      };
      this.waiters.push(waiter);
    });
  }

  /** Stops reading from the TCP socket (the kernel buffers fill, then the server's backlog grows). */
  pauseReading(): void {
    (this.ws as unknown as { _socket: { pause(): void } })._socket.pause();
  }

  resumeReading(): void {
    (this.ws as unknown as { _socket: { resume(): void } })._socket.resume();
  }

  /** Closes from the client side and waits for the close to complete. */
  async close(code = 1000): Promise<Closed> {
    if (this.closed_with === null && this.ws.readyState !== WebSocket.CLOSED) this.ws.close(code);
    return this.closed;
  }

  /** Drops the TCP connection without a close handshake. */
  terminate(): void {
    this.ws.terminate();
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

function toBytes(data: WebSocket.RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
