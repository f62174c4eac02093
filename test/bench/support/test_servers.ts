/**
 * Tiny HTTP servers with known behaviour, run in the test process, for checking that
 * the harness measures what it should. They answer every request with 200 and a small
 * JSON body, after a fixed delay, and can freeze their whole event loop once (a stand-in
 * for a GC pause or a stuck disk) a given time after the first request.
 */
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';

export interface TestServerOptions {
  /** Answer each request this many ms after it arrived (0 = at once). */
  readonly delay_ms?: number;
  /** Per request, from its body; overrides delay_ms. */
  readonly delay_ms_for?: (body: string) => number;
  /** Freeze the event loop for stall_ms on the first request that arrives stall_at_ms or later after the first one. */
  readonly stall_at_ms?: number;
  readonly stall_ms?: number;
}

export interface TestServer {
  readonly port: number;
  readonly requests: () => number;
  /** Per answered request: ms from the request's arrival to its answer, as the server saw it. */
  readonly service_ms: () => readonly number[];
  close(): Promise<void>;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  let requests = 0;
  let first_request_ms = -1;
  let stalled = false;
  const service_ms: number[] = [];
  const body = '{"success":true,"order_id":1,"status":"FILLED"}';
  const server: Server = createServer((req, res) => {
    requests++;
    const now = performance.now();
    if (first_request_ms < 0) first_request_ms = now;
    if (!stalled && options.stall_at_ms !== undefined && now - first_request_ms >= options.stall_at_ms) {
      stalled = true;
      // Busy-wait on purpose: nothing on this event loop runs meanwhile, as in a real stall.
      const until = performance.now() + (options.stall_ms ?? 300);
      while (performance.now() < until) { /* stall */ }
    }
    let request_body = '';
    req.setEncoding('latin1');
    req.on('data', (chunk: string) => { request_body += chunk; });
    req.on('end', () => {
      const delay_ms = options.delay_ms_for?.(request_body) ?? options.delay_ms ?? 0;
      const answer = () => {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length }).end(body);
        service_ms.push(performance.now() - now);
      };
      if (delay_ms > 0) setTimeout(answer, delay_ms);
      else answer();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests: () => requests,
    service_ms: () => service_ms,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
