/**
 * The options of OmsClient.connect, their defaults, and the URL rule: a URL without a
 * path gets the protocol's `/ws`, and http(s) becomes ws(s), so the OMS's base URL works
 * as well as its WebSocket URL.
 */
import type { ClientEvent } from './client_events.js';
import type { ExecutionReport } from './execution_report.js';

export interface ReconnectOptions {
  /** Attempts after a session ends before the client gives up (ConnectionLost). */
  readonly max_attempts: number;
  /** Delay before the first attempt; it doubles per attempt up to max_delay_ms (with jitter). */
  readonly initial_delay_ms: number;
  readonly max_delay_ms: number;
}

export interface OmsClientOptions {
  /** ws://host:port/ws (or the OMS's http://host:port). */
  readonly url: string;
  readonly api_key: string;
  /** Cancel this session's open DAY orders when it ends (PROTOCOL.md §11). Default false. */
  readonly cancel_on_disconnect?: boolean;
  /** Connecting and logging on, per attempt, and waiting for the server's close after a Logout. Default 5000. */
  readonly timeout_ms?: number;
  /** How long close() waits for the answers to requests in flight. Default 5000. */
  readonly drain_timeout_ms?: number;
  /** Reconnect after a session ends for a reason a new session can cure; false: never. */
  readonly reconnect?: false | Partial<ReconnectOptions>;
  /** Connection events: connected, disconnected, reconnecting, closed, unmatched_reject. */
  readonly on_event?: (event: ClientEvent) => void;
  /** Every ExecutionReport the session receives: this client's orders and every other order of the account. */
  readonly on_report?: (report: ExecutionReport) => void;
}

export const DEFAULT_RECONNECT: ReconnectOptions = { max_attempts: 60, initial_delay_ms: 100, max_delay_ms: 2000 };
const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_DRAIN_TIMEOUT_MS = 5000;

export interface ResolvedOptions {
  readonly url: string;
  readonly api_key: string;
  readonly cancel_on_disconnect: boolean;
  readonly timeout_ms: number;
  readonly drain_timeout_ms: number;
  readonly reconnect: ReconnectOptions | null;
  readonly on_event: (event: ClientEvent) => void;
  readonly on_report: (report: ExecutionReport) => void;
}

export function resolveOptions(options: OmsClientOptions): ResolvedOptions {
  const reconnect = options.reconnect === false ? null : { ...DEFAULT_RECONNECT, ...options.reconnect };
  if (reconnect !== null && !(reconnect.max_attempts >= 0 && reconnect.initial_delay_ms > 0 && reconnect.max_delay_ms >= reconnect.initial_delay_ms)) {
    throw new RangeError('reconnect needs max_attempts >= 0 and 0 < initial_delay_ms <= max_delay_ms');
  }
  return {
    url: endpointUrl(options.url),
    api_key: options.api_key,
    cancel_on_disconnect: options.cancel_on_disconnect ?? false,
    timeout_ms: positive(options.timeout_ms ?? DEFAULT_TIMEOUT_MS, 'timeout_ms'),
    drain_timeout_ms: positive(options.drain_timeout_ms ?? DEFAULT_DRAIN_TIMEOUT_MS, 'drain_timeout_ms'),
    reconnect,
    on_event: options.on_event ?? (() => {}),
    on_report: options.on_report ?? (() => {}),
  };
}

/** ws://host:port/ws from any of ws://host:port, http://host:port/, ws://host:port/ws. */
export function endpointUrl(text: string): string {
  const url = new URL(text);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new RangeError(`not a WebSocket URL: ${text}`);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/ws';
  return url.toString();
}

function positive(value: number, name: string): number {
  if (!(value > 0)) throw new RangeError(`${name} must be above 0`);
  return value;
}
