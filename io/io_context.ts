/**
 * What the io thread's routes and sessions share: configuration, reference tables, the
 * read model, the link to the engine, and the shared tables they read. Built once in
 * io/process/start_servers.ts; routes receive it and keep no other globals.
 */
import { AccountTable } from '../engine/reference/accounts.js';
import { InstrumentTable } from '../engine/reference/instruments.js';
import { SeqlockTable } from '../engine/reference/seqlock_table.js';
import { Authenticator } from './auth/authenticator.js';
import { OmsConfig } from './config/oms_config.js';
import { EngineLink } from './engine_link/engine_link.js';
import { OrderRenderer } from './orders/order_json.js';
import { OrderStore } from '../services/read_model/order_store.js';
import { RequestLatency } from './request_latency.js';

export interface IoContext {
  readonly config: OmsConfig;
  readonly instruments: InstrumentTable;
  readonly accounts: AccountTable;
  readonly auth: Authenticator;
  readonly store: OrderStore;
  readonly renderer: OrderRenderer;
  readonly link: EngineLink;
  readonly marks: SeqlockTable;
  /** False once shutdown began: new orders are refused with SHUTTING_DOWN. */
  accepting(): boolean;
  /** Generates a client order id for requests that did not send one (not idempotent). */
  generatedClientOrderId(): string;
  /** Records one request's latency (seconds) for /metrics. */
  observeLatency(route: string, seconds: number): void;
  /** Request latency by protocol and type (oms_request_latency_seconds); allocation-free. */
  readonly latency: RequestLatency;
}

let generated = 0;

export function makeClientOrderIdGenerator(): () => string {
  const prefix = `oms-${Date.now().toString(36)}-`;
  return () => `${prefix}${(++generated).toString(36)}`;
}
