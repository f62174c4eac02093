/**
 * What both HTTP servers (uws_http.ts and node_http.ts) do once a request's method, path,
 * headers and body are copied out: refuse a request no route takes, and run the matched
 * route's handler. Kept in one place so the two servers cannot drift apart in what they
 * answer; neither function allocates beyond the answer it sends.
 */
import { RejectCode } from '../../engine/protocol/reject_codes.js';
import { HttpRequest, HttpResponder } from './http_types.js';
import { sendRefusal } from './json_reply.js';
import { RouteFound, RouteMiss } from './router.js';

/**
 * Answers a request that matched no route: 404 for a path no route serves, 405 with an
 * Allow header for a method the path does not take.
 */
export function refuseUnrouted(miss: RouteMiss, method: string, path: string, responder: HttpResponder): void {
  if (miss.kind === 'not_found') {
    sendRefusal(responder, RejectCode.UNKNOWN_ROUTE, `no route for ${method} ${path}`);
    return;
  }
  const allowed = miss.allowed.join(', ');
  responder.send(405, JSON.stringify({ success: false, code: 'UNKNOWN_ROUTE', reject_code: RejectCode.UNKNOWN_ROUTE, reason: `${method} is not allowed on ${path}; use ${allowed}` }), [['allow', allowed]]);
}

/**
 * Runs the matched route. A handler that throws is a bug in the route: the client gets a
 * 500 at once instead of waiting for its timeout, and the stack goes out as a process
 * warning so the bug is seen.
 */
export function runRoute(found: RouteFound, request: HttpRequest, responder: HttpResponder): void {
  try {
    found.handler(request, responder, found.params);
  } catch (error) {
    sendRefusal(responder, RejectCode.INTERNAL_ERROR, 'internal error');
    process.emitWarning(`route ${request.method} ${request.path} failed: ${(error as Error).stack ?? String(error)}`);
  }
}
