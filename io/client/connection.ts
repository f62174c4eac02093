/**
 * One WebSocket connection to the OMS (PROTOCOL.md §1, §4.1, §10): it numbers what it
 * sends from seq 1, coalesces everything sent in one turn of the event loop into as few
 * WebSocket messages as the size limit allows (§1 encourages batching), decodes what the
 * server sends and checks the server's numbering, and keeps the session alive: a
 * Heartbeat whenever nothing else was sent for an interval, and the connection dropped
 * when nothing at all arrived for three (the server is gone, or the network between).
 *
 * It knows nothing of orders or logons: OmsClient drives it, and it reports every decoded
 * message and, once, how it ended.
 */
import WebSocket from 'ws';
import {
  ABNORMAL_CLOSURE, decodeServerMessages, encodeClientMessage, messageBytes, Refusal, TemplateId,
} from '../binary/index.js';
import type { ClientMessageInput, ServerMessage } from '../binary/index.js';
import { ConnectionLost, OmsClientError, ProtocolError } from './client_errors.js';

/** A client message without its seq: the connection numbers messages as they go out. */
export type Unsequenced<T> = T extends unknown ? Omit<T, 'seq'> : never;
export type OutgoingMessage = Unsequenced<ClientMessageInput>;

/** The server's limit on one WebSocket message (PROTOCOL.md §1, OMS_WS_MAX_PAYLOAD_BYTES's default). */
export const MAX_PAYLOAD_BYTES = 65_536;
/** Silence, in heartbeat intervals, after which the peer is taken for dead (§10). */
const SILENT_INTERVALS_MAX = 3;
const CHECKS_PER_INTERVAL = 4;
const CHECK_PERIOD_MS_MIN = 25;

export interface ConnectionHandlers {
  /** Every server message, in order. */
  message(message: ServerMessage): void;
  /**
   * Called once, however the connection ended. `error` is set when this side ended it
   * for a reason of its own (the server fell silent, or sent what cannot be decoded).
   */
  closed(code: number, reason: string, error: OmsClientError | null): void;
}

export class Connection {
  private next_seq = 1;
  private expected_server_seq = 1;
  /** Messages queued this turn; `together` marks those that must share the previous one's WebSocket message (a list's ListOrders). */
  private outgoing: ClientMessageInput[] = [];
  private together: boolean[] = [];
  private flush_scheduled = false;
  private last_sent_ms = Date.now();
  private last_received_ms = Date.now();
  private heartbeat_timer: NodeJS.Timeout | undefined;
  private local_error: OmsClientError | null = null;
  private ended = false;

  private constructor(private readonly ws: WebSocket, private readonly handlers: ConnectionHandlers) {
    ws.on('message', (data, is_binary) => this.received(data, is_binary));
    ws.on('close', (code, reason) => this.end(code, reason.toString('utf8')));
    // Every error is followed by a close; the close is what the client acts on.
    ws.on('error', () => {});
  }

  /**
   * Opens the WebSocket; resolves once it is open. Fails with ConnectionLost (worth a
   * retry) when the server cannot be reached, refuses the upgrade, or takes too long.
   */
  static open(url: string, timeout_ms: number, handlers: ConnectionHandlers): Promise<Connection> {
    const ws = new WebSocket(url, { handshakeTimeout: timeout_ms, perMessageDeflate: false });
    ws.binaryType = 'nodebuffer';
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (reason: string) => {
        if (settled) return;
        settled = true;
        ws.removeAllListeners();
        ws.on('error', () => {});
        ws.terminate();
        reject(new ConnectionLost(`cannot connect to ${url}: ${reason}`, ABNORMAL_CLOSURE, reason));
      };
      ws.once('open', () => {
        if (settled) return;
        settled = true;
        ws.removeAllListeners();
        resolve(new Connection(ws, handlers));
      });
      ws.once('unexpected-response', (_request, response) => {
        response.resume();
        fail(`the upgrade was refused with HTTP ${response.statusCode}`);
      });
      ws.once('error', (error) => fail(error.message));
      ws.once('close', (code) => fail(`closed with ${code} before opening`));
    });
  }

  /** Numbers a message and queues it; everything queued in this turn goes out together. Returns its seq. */
  send(message: OutgoingMessage): number {
    return this.queue(message, false);
  }

  /**
   * Numbers messages that must arrive in one WebSocket message (a NewOrderList and its
   * ListOrders, PROTOCOL.md §6.8) and queues them; returns the first one's seq.
   */
  sendTogether(messages: readonly OutgoingMessage[]): number {
    const first = this.queue(messages[0], false);
    for (let k = 1; k < messages.length; k++) this.queue(messages[k], true);
    return first;
  }

  private queue(message: OutgoingMessage, with_previous: boolean): number {
    const seq = this.next_seq;
    this.next_seq = (seq + 1) >>> 0;
    this.outgoing.push({ ...message, seq } as ClientMessageInput);
    this.together.push(with_previous);
    if (!this.flush_scheduled) {
      this.flush_scheduled = true;
      queueMicrotask(() => this.flush());
    }
    return seq;
  }

  /** Starts the heartbeat check with the interval the LogonAck gave (§10). */
  startHeartbeats(interval_ms: number): void {
    const period_ms = Math.max(CHECK_PERIOD_MS_MIN, Math.floor(interval_ms / CHECKS_PER_INTERVAL));
    this.heartbeat_timer = setInterval(() => this.checkHeartbeats(interval_ms), period_ms);
    this.heartbeat_timer.unref();
  }

  /** Starts a WebSocket close handshake (the server answers a Logout with one itself). */
  close(code: number, reason: string): void {
    if (!this.ended) this.ws.close(code, reason);
  }

  /** Drops the connection without a handshake, for a reason of this side's own. */
  terminate(error: OmsClientError): void {
    if (this.ended) return;
    this.local_error = error;
    this.ws.terminate();
  }

  get isOpen(): boolean {
    return !this.ended && this.ws.readyState === WebSocket.OPEN;
  }

  private flush(): void {
    this.flush_scheduled = false;
    const messages = this.outgoing;
    const together = this.together;
    this.outgoing = [];
    this.together = [];
    if (!this.isOpen) return;
    let start = 0;
    while (start < messages.length) {
      let size = 0;
      let end = start;
      while (end < messages.length && size + messageBytes(messages[end].template_id) <= MAX_PAYLOAD_BYTES) {
        size += messageBytes(messages[end].template_id);
        end++;
      }
      // Never cut a group: end before its first message (a group is far smaller than a payload).
      if (end < messages.length) {
        let cut = end;
        while (cut > start && together[cut]) cut--;
        if (cut > start) {
          for (let k = cut; k < end; k++) size -= messageBytes(messages[k].template_id);
          end = cut;
        }
      }
      // A new buffer per payload: ws keeps it until the socket has taken it.
      const payload = new Uint8Array(size);
      let at = 0;
      for (let i = start; i < end; i++) at += encodeClientMessage(payload, at, messages[i]);
      this.ws.send(payload, { binary: true });
      start = end;
    }
    this.last_sent_ms = Date.now();
  }

  private received(data: WebSocket.RawData, is_binary: boolean): void {
    if (this.ended) return;
    this.last_received_ms = Date.now();
    if (!is_binary) return this.terminate(new ProtocolError(ABNORMAL_CLOSURE, 'the server sent a text frame'));
    const bytes = data instanceof Buffer ? data : Buffer.concat(data as Buffer[]);
    for (const item of decodeServerMessages(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength))) {
      if (this.ended || this.local_error !== null) return;
      if (item instanceof Refusal) {
        return this.terminate(new ProtocolError(ABNORMAL_CLOSURE, `the server sent a message this client cannot decode: ${item.reason}`));
      }
      if (item.seq !== this.expected_server_seq) {
        return this.terminate(new ProtocolError(ABNORMAL_CLOSURE, `server sequence gap: expected ${this.expected_server_seq}, got ${item.seq}`));
      }
      this.expected_server_seq = (item.seq + 1) >>> 0;
      this.handlers.message(item);
    }
  }

  private checkHeartbeats(interval_ms: number): void {
    if (!this.isOpen) return;
    const now = Date.now();
    const silent_ms = now - this.last_received_ms;
    if (silent_ms > SILENT_INTERVALS_MAX * interval_ms) {
      this.terminate(new ConnectionLost(`heartbeat timeout: nothing from the server for ${silent_ms} ms`, ABNORMAL_CLOSURE, 'heartbeat timeout'));
      return;
    }
    if (now - this.last_sent_ms >= interval_ms) {
      this.send({ template_id: TemplateId.HEARTBEAT });
    }
  }

  private end(code: number, reason: string): void {
    if (this.ended) return;
    this.ended = true;
    if (this.heartbeat_timer !== undefined) clearInterval(this.heartbeat_timer);
    // Ended by this side: no close frame carried a reason, so the reason is this side's own.
    const error = this.local_error;
    const local_reason = error instanceof ConnectionLost || error instanceof ProtocolError ? error.close_reason : null;
    this.handlers.closed(code, local_reason ?? reason, error);
  }
}
