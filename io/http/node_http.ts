/**
 * The native-free fallback: the same routes on node:http, used when the uWebSockets.js
 * binary cannot be loaded. It serves every HTTP route with the same validation, limits
 * and answers; it does not serve the binary WebSocket protocol (/ws answers 501), and it
 * is slower (native-free-notes/ has the measured cost).
 */
import http from 'node:http';
import { RejectCode } from '../../engine/protocol/reject_codes.js';
import { HttpResponder, JSON_CONTENT_TYPE } from './http_types.js';
import { sendRefusal } from './json_reply.js';
import { refuseUnrouted, runRoute } from './route_dispatch.js';
import { Router } from './router.js';

/** How long a refused oversized body may keep arriving before the connection is cut. */
const TOO_LARGE_GRACE_MS = 2000;

class NodeResponder implements HttpResponder {
  aborted = false;
  private done = false;

  constructor(private readonly res: http.ServerResponse) {}

  send(status: number, body: string, headers?: readonly (readonly [string, string])[], content_type = JSON_CONTENT_TYPE): void {
    if (this.aborted || this.done) return;
    this.done = true;
    const out: Record<string, string | number> = { 'content-type': content_type, 'content-length': Buffer.byteLength(body) };
    if (headers !== undefined) for (const [name, value] of headers) out[name] = value;
    this.res.writeHead(status, out);
    this.res.end(body);
  }
}

export function createNodeHttpServer(router: Router, max_body_bytes: number): http.Server {
  const server = http.createServer((req, res) => {
    const responder = new NodeResponder(res);
    res.on('close', () => {
      if (!res.writableFinished) responder.aborted = true;
    });
    const method = (req.method ?? 'GET').toUpperCase();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const query = q < 0 ? '' : url.slice(q + 1);
    const header = (name: string) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const headers = {
      api_key: header('x-api-key') || undefined,
      authorization: header('authorization') || undefined,
      admin_token: header('x-admin-token') || undefined,
      content_type: header('content-type') || undefined,
    };
    if (path === '/ws') {
      res.writeHead(501, { 'content-type': JSON_CONTENT_TYPE });
      res.end(JSON.stringify({ success: false, code: 'UNKNOWN_ROUTE', reject_code: RejectCode.UNKNOWN_ROUTE, reason: 'the binary WebSocket protocol needs uWebSockets.js, which could not be loaded on this platform' }));
      return;
    }
    const match = router.match(method, path);
    if (match.kind !== 'found') {
      refuseUnrouted(match, method, path, responder);
      req.resume();
      return;
    }
    const dispatch = (body: Buffer | null) => runRoute(match, { method, path, query, headers, body }, responder);
    if (method === 'GET' || method === 'HEAD') {
      dispatch(null);
      req.resume();
      return;
    }
    const declared = Number(req.headers['content-length'] ?? -1);
    if (declared > max_body_bytes) {
      refuseTooLarge(req, responder, `the body is ${declared} bytes; the limit is ${max_body_bytes}`);
      return;
    }
    const chunks: Buffer[] = [];
    let length = 0;
    const onData = (chunk: Buffer) => {
      length += chunk.length;
      if (length > max_body_bytes) {
        req.off('data', onData);
        refuseTooLarge(req, responder, `the body is over the limit of ${max_body_bytes} bytes`);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => {
      if (length <= max_body_bytes) dispatch(Buffer.concat(chunks, length));
    });
    req.on('error', () => {
      responder.aborted = true;
    });
  });
  server.keepAliveTimeout = 65_000;
  return server;
}

/**
 * Answers 413, then reads the rest of the body and throws it away. Destroying the socket
 * at once, or closing it right after the answer, drops the answer (node writes it on the
 * next tick) or resets the connection under a client that is still sending, and the
 * client sees a broken pipe instead of the 413. A body that ends within the grace period
 * leaves the connection usable; one still arriving after it is cut off.
 */
function refuseTooLarge(req: http.IncomingMessage, responder: NodeResponder, reason: string): void {
  sendRefusal(responder, RejectCode.BODY_TOO_LARGE, reason);
  req.resume();
  if (req.complete) return;
  const timer = setTimeout(() => req.socket.destroy(), TOO_LARGE_GRACE_MS);
  timer.unref();
  req.once('end', () => clearTimeout(timer));
}
