/**
 * Incremental HTTP/1.1 response parser for the load generator: splits a byte stream of
 * pipelined responses into (status, body) by Content-Length. It handles exactly what the
 * servers under test send (uWebSockets.js always sends Content-Length) and refuses the
 * rest loudly (chunked encoding, a missing length) rather than mis-framing responses,
 * since one mis-framed response would shift every later latency onto the wrong order.
 *
 * The body handed to `on_response` is a view into the parser's buffer, valid only inside
 * the callback.
 */

export type ResponseHandler = (status: number, data: Buffer, body_start: number, body_length: number) => void;

export class HttpProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HttpProtocolError';
  }
}

/** Longest response head (status line + headers) accepted; guards against a stream that is not HTTP. */
export const MAX_HEAD_BYTES = 16 * 1024;

const HEAD_END = Buffer.from('\r\n\r\n');
const CR = 13;
const LF = 10;
const COLON = 58;
const CONTENT_LENGTH = 'content-length';
const TRANSFER_ENCODING = 'transfer-encoding';

export class HttpResponseParser {
  /** Bytes of an incomplete response carried over to the next chunk. */
  private pending: Buffer | null = null;

  constructor(private readonly on_response: ResponseHandler) {}

  /** Bytes held back waiting for the rest of a response. */
  get buffered_bytes(): number {
    return this.pending === null ? 0 : this.pending.length;
  }

  feed(chunk: Buffer): void {
    const data = this.pending === null ? chunk : Buffer.concat([this.pending, chunk]);
    this.pending = null;
    let at = 0;
    while (at < data.length) {
      const head_end = data.indexOf(HEAD_END, at);
      if (head_end < 0) {
        if (data.length - at > MAX_HEAD_BYTES) throw new HttpProtocolError(`response head longer than ${MAX_HEAD_BYTES} bytes`);
        break;
      }
      const status = parseStatus(data, at, head_end);
      const body_length = parseBodyLength(data, at, head_end, status);
      const body_start = head_end + 4;
      if (body_start + body_length > data.length) break;
      this.on_response(status, data, body_start, body_length);
      at = body_start + body_length;
    }
    if (at < data.length) this.pending = data.subarray(at);
  }
}

/** "HTTP/1.1 200 OK" -> 200. */
function parseStatus(data: Buffer, start: number, head_end: number): number {
  // "HTTP/1.x " is 9 bytes, then three digits.
  if (head_end - start < 12 || data[start] !== 72 /* H */ || data[start + 4] !== 47 /* / */ || data[start + 8] !== 32) {
    throw new HttpProtocolError(`not an HTTP/1.x status line: ${JSON.stringify(data.toString('latin1', start, Math.min(head_end, start + 40)))}`);
  }
  let status = 0;
  for (let k = 9; k < 12; k++) {
    const digit = data[start + k] - 48;
    if (digit < 0 || digit > 9) throw new HttpProtocolError('status code is not three digits');
    status = status * 10 + digit;
  }
  return status;
}

function parseBodyLength(data: Buffer, start: number, head_end: number, status: number): number {
  let line = data.indexOf(LF, start) + 1; // skip the status line
  let length = -1;
  while (line > 0 && line < head_end) {
    const line_end = data.indexOf(CR, line);
    if (headerNameIs(data, line, line_end, CONTENT_LENGTH)) {
      length = parseDecimal(data, line + CONTENT_LENGTH.length + 1, line_end);
    } else if (headerNameIs(data, line, line_end, TRANSFER_ENCODING)) {
      throw new HttpProtocolError('transfer-encoding is not supported by the benchmark client (it needs Content-Length)');
    }
    line = line_end + 2;
  }
  if (length >= 0) return length;
  // These never carry a body (RFC 9112 section 6.3).
  if ((status >= 100 && status < 200) || status === 204 || status === 304) return 0;
  throw new HttpProtocolError(`response ${status} has no Content-Length`);
}

function headerNameIs(data: Buffer, line: number, line_end: number, lower_name: string): boolean {
  const n = lower_name.length;
  if (line_end - line <= n || data[line + n] !== COLON) return false;
  for (let k = 0; k < n; k++) {
    // ASCII lower-casing: letters differ from their capitals by 0x20.
    if ((data[line + k] | 0x20) !== lower_name.charCodeAt(k)) return false;
  }
  return true;
}

function parseDecimal(data: Buffer, from: number, to: number): number {
  let value = 0;
  let digits = 0;
  for (let k = from; k < to; k++) {
    const c = data[k];
    if (c === 32 || c === 9) {
      if (digits > 0) break;
      continue;
    }
    const digit = c - 48;
    if (digit < 0 || digit > 9) throw new HttpProtocolError('Content-Length is not a number');
    value = value * 10 + digit;
    if (++digits > 12) throw new HttpProtocolError('Content-Length too large');
  }
  if (digits === 0) throw new HttpProtocolError('Content-Length is empty');
  return value;
}
