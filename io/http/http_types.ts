/**
 * The HTTP surface as the routes see it, independent of the server underneath, so the
 * same routes run on uWebSockets.js and on the node:http fallback.
 *
 * Lifetimes: a request's fields are plain copies, valid forever. A responder may be
 * answered once, now or later; after the client goes away (`aborted`), `send` does nothing.
 */

export interface RequestHeaders {
  readonly api_key: string | undefined;
  readonly authorization: string | undefined;
  readonly admin_token: string | undefined;
  readonly content_type: string | undefined;
}

export interface HttpRequest {
  /** Upper case: GET, POST, PATCH, DELETE, PUT. */
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  /** Raw query string without the '?'. */
  readonly query: string;
  readonly headers: RequestHeaders;
  /** The body, when the method carries one (already capped at OMS_MAX_BODY_BYTES). */
  readonly body: Buffer | null;
}

export interface HttpResponder {
  readonly aborted: boolean;
  /** Sends the whole response. `headers` are extra headers beyond content-type. */
  send(status: number, body: string, headers?: readonly (readonly [string, string])[], content_type?: string): void;
}

export type RouteHandler = (req: HttpRequest, res: HttpResponder, params: readonly string[]) => void;

export const JSON_CONTENT_TYPE = 'application/json';

const STATUS_TEXT: Record<number, string> = {
  200: '200 OK', 201: '201 Created', 204: '204 No Content', 400: '400 Bad Request', 401: '401 Unauthorized',
  403: '403 Forbidden', 404: '404 Not Found', 405: '405 Method Not Allowed', 409: '409 Conflict',
  413: '413 Payload Too Large', 422: '422 Unprocessable Entity', 429: '429 Too Many Requests',
  500: '500 Internal Server Error', 503: '503 Service Unavailable', 504: '504 Gateway Timeout',
};

export function statusLine(status: number): string {
  return STATUS_TEXT[status] ?? `${status} Status`;
}
