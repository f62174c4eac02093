/**
 * One request to a server under test, for what the harness reads beside the load (thread
 * names, stage windows): a fresh connection (no agent, so nothing stays open between
 * rounds), no body, a bounded wait, the status and the parsed JSON body (null if none or
 * not JSON).
 */
import { request } from 'node:http';

export interface JsonAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** Large enough for a loaded server to answer, short enough that a hung one fails the round rather than the run. */
const DEFAULT_TIMEOUT_MS = 10_000;

export function getJson(host: string, port: number, path: string, timeout_ms = DEFAULT_TIMEOUT_MS): Promise<JsonAnswer> {
  return requestJson(host, port, 'GET', path, timeout_ms);
}

export function requestJson(host: string, port: number, method: 'GET' | 'POST', path: string, timeout_ms = DEFAULT_TIMEOUT_MS): Promise<JsonAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, method, agent: false, timeout: timeout_ms }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        let body: unknown = null;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          body = null;
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} http://${host}:${port}${path}: no answer within ${timeout_ms} ms`)));
    req.on('error', reject);
    req.end();
  });
}
