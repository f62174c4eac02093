/**
 * One keep-alive HTTP/1.1 connection on node:net with pipelining: the generator writes
 * requests whenever they are due without waiting for earlier answers (up to an optional
 * cap, for servers that do not pipeline), and matches each answer to the oldest request
 * in flight (HTTP/1.1 answers in order). fetch/undici keep
 * at most one request per connection in flight and allocate per request, which cannot
 * drive a uWebSockets.js server hard; a raw socket with pre-encoded bytes can.
 */
import { connect, Socket } from 'node:net';
import { HttpResponseParser } from './http_response_parser.js';
import { StampQueue } from './stamp_queue.js';

export interface ConnectionEvents {
  /** One answer; `stamp_ms` is what was pushed with its request, `now_ms` when its bytes arrived. */
  answer(status: number, stamp_ms: number, now_ms: number): void;
  /** All answers of one received chunk were delivered (a closed-loop generator refills here). */
  chunkDone(connection: PipelinedConnection): void;
  /** The connection died; `lost` holds the stamps of the requests that will never be answered. */
  lost(connection: PipelinedConnection, lost: StampQueue, reason: string): void;
}

export class PipelinedConnection {
  /** Stamps of the requests written and not yet answered, oldest first. */
  readonly stamps = new StampQueue();
  /** Open loop with a pipelining cap: indices of orders due but held back until an answer frees a place. */
  readonly backlog = new StampQueue(64);
  alive = true;
  private now_ms = 0;
  private closing = false;

  private constructor(readonly index: number, private readonly socket: Socket, private readonly events: ConnectionEvents) {
    const parser = new HttpResponseParser((status) => events.answer(status, this.stamps.shift(), this.now_ms));
    socket.on('data', (chunk: Buffer) => {
      // One clock read per chunk: every answer in it arrived at the same moment.
      this.now_ms = performance.now();
      try {
        parser.feed(chunk);
      } catch (error) {
        this.fail(`protocol error: ${(error as Error).message}`);
        return;
      }
      events.chunkDone(this);
    });
    socket.on('error', (error) => this.fail(`socket error: ${error.message}`));
    socket.on('close', () => this.fail('connection closed by the server'));
  }

  static open(index: number, host: string, port: number, events: ConnectionEvents, timeout_ms = 5000): Promise<PipelinedConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port, noDelay: true });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`could not connect to ${host}:${port} within ${timeout_ms} ms`));
      }, timeout_ms);
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`could not connect to ${host}:${port}: ${error.message}`));
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new PipelinedConnection(index, socket, events));
      });
    });
  }

  get in_flight(): number {
    return this.stamps.length;
  }

  /** Writes `bytes` holding `stamps.length` requests; the caller has pushed their stamps just before. */
  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  close(): void {
    this.closing = true;
    this.socket.destroy();
  }

  private fail(reason: string): void {
    if (!this.alive) return;
    this.alive = false;
    this.socket.destroy();
    if (this.closing) return;
    this.events.lost(this, this.stamps, reason);
  }
}
