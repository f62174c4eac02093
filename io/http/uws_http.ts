/**
 * Serves the routes on uWebSockets.js. A uWS request object is valid only inside its
 * callback, so everything a route needs is copied out first; the body is read in chunks
 * (copied, since uWS neuters each chunk after the callback) up to the body cap; every
 * pending response has an abort handler, and every response written after the callback
 * returned is corked so status, headers and body leave in one write. A 413 is answered
 * at once while the rest of the oversized body is read and dropped (for at most
 * TOO_LARGE_GRACE_MS), so the client reads the refusal instead of a reset connection.
 */
import type { HttpResponse, HttpRequest as UwsRequest, TemplatedApp } from 'uWebSockets.js';
import { RejectCode } from '../../engine/protocol/reject_codes.js';
import { HttpResponder, JSON_CONTENT_TYPE, statusLine } from './http_types.js';
import { sendRefusal } from './json_reply.js';
import { refuseUnrouted, runRoute } from './route_dispatch.js';
import { Router } from './router.js';

/** How long a refused oversized body may keep arriving before the connection is cut. */
const TOO_LARGE_GRACE_MS = 2000;

class UwsResponder implements HttpResponder {
  aborted = false;
  done = false;
  /** A 413 whose answer is out but whose response is held open while the body drains. */
  private holding = false;
  private hold_timer: NodeJS.Timeout | undefined;

  constructor(private readonly res: HttpResponse) {}

  send(status: number, body: string, headers?: readonly (readonly [string, string])[], content_type = JSON_CONTENT_TYPE): void {
    if (this.aborted || this.done) return;
    this.done = true;
    const res = this.res;
    res.cork(() => {
      res.writeStatus(statusLine(status));
      res.writeHeader('content-type', content_type);
      if (headers !== undefined) for (const [name, value] of headers) res.writeHeader(name, value);
      if (status !== 413) {
        res.end(body);
        return;
      }
      // A refused oversized body is still arriving. Closing now resets the connection
      // under a client that is still sending, and it then never reads this answer; so the
      // answer goes out at once and the response stays open while the rest of the body
      // is read and dropped (see endRefusal), for a bounded time.
      res.write(body);
      this.holding = true;
      this.hold_timer = setTimeout(() => this.endRefusal(true), TOO_LARGE_GRACE_MS);
      this.hold_timer.unref();
    });
  }

  /** Ends a held 413: at the body's last chunk (the connection stays usable), or closes it after the grace period. */
  endRefusal(close: boolean): void {
    if (!this.holding) return;
    this.holding = false;
    clearTimeout(this.hold_timer);
    if (this.aborted) return;
    this.res.cork(() => this.res.end(undefined, close));
  }
}

export function mountHttpRoutes(app: TemplatedApp, router: Router, max_body_bytes: number): void {
  app.any('/*', (res: HttpResponse, req: UwsRequest) => {
    const responder = new UwsResponder(res);
    res.onAborted(() => {
      responder.aborted = true;
      responder.endRefusal(true);
    });
    const method = req.getMethod().toUpperCase();
    const path = req.getUrl();
    const query = req.getQuery() ?? '';
    const headers = {
      api_key: req.getHeader('x-api-key') || undefined,
      authorization: req.getHeader('authorization') || undefined,
      admin_token: req.getHeader('x-admin-token') || undefined,
      content_type: req.getHeader('content-type') || undefined,
    };
    const content_length_text = req.getHeader('content-length');
    const match = router.match(method, path);
    if (match.kind !== 'found') {
      refuseUnrouted(match, method, path, responder);
      return;
    }
    const dispatch = (body: Buffer | null) => runRoute(match, { method, path, query, headers, body }, responder);
    if (method === 'GET' || method === 'HEAD') {
      dispatch(null);
      return;
    }
    const declared = content_length_text === '' ? -1 : Number(content_length_text);
    if (declared > max_body_bytes) {
      sendRefusal(responder, RejectCode.BODY_TOO_LARGE, `the body is ${declared} bytes; the limit is ${max_body_bytes}`);
      res.onData((_chunk, is_last) => {
        if (is_last) responder.endRefusal(false);
      });
      return;
    }
    readBody(res, responder, declared, max_body_bytes, dispatch);
  });
}

function readBody(res: HttpResponse, responder: UwsResponder, declared: number, cap: number, done: (body: Buffer) => void): void {
  let buffer = Buffer.allocUnsafe(declared > 0 ? declared : 0);
  let length = 0;
  let refused = false;
  res.onData((chunk, is_last) => {
    if (refused) {
      if (is_last) responder.endRefusal(false);
      return;
    }
    const bytes = new Uint8Array(chunk);
    if (length + bytes.length > cap) {
      refused = true;
      sendRefusal(responder, RejectCode.BODY_TOO_LARGE, `the body is over the limit of ${cap} bytes`);
      if (is_last) responder.endRefusal(false);
      return;
    }
    if (length + bytes.length > buffer.length) {
      const grown = Buffer.allocUnsafe(Math.min(cap, Math.max(length + bytes.length, buffer.length * 2)));
      buffer.copy(grown, 0, 0, length);
      buffer = grown;
    }
    buffer.set(bytes, length);
    length += bytes.length;
    if (is_last) done(buffer.subarray(0, length));
  });
}
