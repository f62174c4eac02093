/**
 * A WebSocket session under the conformance script's full control: it sends exactly the
 * bytes it is given (numbered messages, or raw bytes the codec would never make), sends
 * no Heartbeat of its own, and keeps everything the server sends, decoded, with the close
 * code and reason, so a check can wait for a message or for the close. OmsClient is the
 * well-behaved client; this is the one that misbehaves on purpose.
 */
import WebSocket from 'ws';
import { decodeServerMessages, encodeClientBatch, Refusal, TemplateId } from '../../binary/index.js';
import type { ClientMessageInput, LogonAck, Reject, ServerMessage } from '../../binary/index.js';
import type { OutgoingMessage } from '../connection.js';

export interface Closed {
  readonly code: number;
  readonly reason: string;
}

export class RawSession {
  readonly messages: ServerMessage[] = [];
  /** What the server sent that does not decode: must stay empty. */
  readonly undecodable: Refusal[] = [];
  next_seq = 1;
  closed_with: Closed | null = null;
  private waiters: (() => void)[] = [];

  private constructor(private readonly ws: WebSocket, private readonly timeout_ms: number) {
    ws.on('message', (data, is_binary) => {
      if (!is_binary) return;
      const bytes = data as Buffer;
      for (const item of decodeServerMessages(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength))) {
        if (item instanceof Refusal) this.undecodable.push(item);
        else this.messages.push(item);
      }
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closed_with = { code, reason: reason.toString('utf8') };
      this.wake();
    });
    ws.on('error', () => {});
  }

  static open(url: string, timeout_ms: number): Promise<RawSession> {
    const ws = new WebSocket(url, { handshakeTimeout: timeout_ms, perMessageDeflate: false });
    ws.binaryType = 'nodebuffer';
    const session = new RawSession(ws, timeout_ms);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(session));
      ws.once('unexpected-response', (_request, response) => {
        response.resume();
        ws.terminate();
        reject(new Error(`the upgrade was refused with HTTP ${response.statusCode}`));
      });
      ws.once('error', (error) => reject(error));
    });
  }

  /** Opens a session and logs on with a Logon message; resolves with the LogonAck. */
  static async logon(url: string, api_key: string, timeout_ms: number): Promise<{ session: RawSession; ack: LogonAck }> {
    const session = await RawSession.open(url, timeout_ms);
    session.send({ template_id: TemplateId.LOGON, api_key, cancel_on_disconnect: false });
    try {
      const ack = await session.waitFor<LogonAck>((m) => m.template_id === TemplateId.LOGON_ACK, 'a LogonAck');
      return { session, ack };
    } catch (error) {
      session.terminate();
      throw error;
    }
  }

  /** Numbers the messages and sends them in one WebSocket message; returns their seqs. */
  send(...messages: OutgoingMessage[]): number[] {
    const seqs = messages.map(() => this.next_seq++);
    this.ws.send(encodeClientBatch(messages.map((m, i) => ({ ...m, seq: seqs[i] }) as ClientMessageInput)), { binary: true });
    return seqs;
  }

  sendRaw(bytes: Uint8Array): void {
    this.ws.send(bytes, { binary: true });
  }

  sendText(text: string): void {
    this.ws.send(text);
  }

  rejectFor(ref_seq: number): Promise<Reject> {
    return this.waitFor<Reject>((m) => m.template_id === TemplateId.REJECT && m.ref_seq === ref_seq, `a Reject of seq ${ref_seq}`);
  }

  waitFor<M extends ServerMessage>(match: (m: ServerMessage) => boolean, what: string, timeout_ms = this.timeout_ms): Promise<M> {
    return this.until(() => this.messages.find(match) as M | undefined, what, timeout_ms);
  }

  waitForClose(timeout_ms = this.timeout_ms): Promise<Closed> {
    return this.until(() => this.closed_with ?? undefined, 'the server to close the session', timeout_ms);
  }

  /** Ends the session from this side, whatever state it is in. */
  terminate(): void {
    this.ws.terminate();
  }

  private until<T>(probe: () => T | undefined, what: string, timeout_ms: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = probe();
        if (found === undefined) return false;
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        const closed = this.closed_with === null ? 'still open' : `closed ${this.closed_with.code} ${this.closed_with.reason}`;
        reject(new Error(`waited ${timeout_ms} ms for ${what} (${this.messages.length} messages received, ${closed})`));
      }, timeout_ms);
      const waiter = () => {
        if (check()) this.waiters = this.waiters.filter((w) => w !== waiter);
      };
      if (!check()) this.waiters.push(waiter);
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
