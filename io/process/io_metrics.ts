/**
 * The io thread's own counters on /metrics: the engine link's busy refusals and timeouts,
 * and the WebSocket gateway's sessions, slow-consumer disconnects and reports sent. The
 * counters stay plain numbers on their owners (incrementing one costs nothing); they are
 * read here only when Prometheus scrapes.
 */
import { Counter, Gauge, Registry } from 'prom-client';

export interface IoCounterSources {
  readonly link: { readonly busy_refusals: number; readonly timeouts: number };
  readonly gateway: {
    readonly sessions_opened: number;
    readonly openSessions: number;
    readonly slow_consumer_disconnects: number;
    readonly reports_sent: number;
  };
}

export function registerIoMetrics(registry: Registry, sources: IoCounterSources): void {
  const registers = [registry];
  const counter = (name: string, help: string, read: () => number) => new Counter({
    name, help, registers, collect() { this.reset(); this.inc(read()); },
  });
  const { link, gateway } = sources;
  counter('oms_engine_link_busy_refusals_total', 'Requests refused ENGINE_BUSY (command ring full or journal too far behind)', () => link.busy_refusals);
  counter('oms_engine_link_timeouts_total', 'Requests the engine did not answer within OMS_REQUEST_TIMEOUT_MS', () => link.timeouts);
  counter('oms_ws_sessions_opened_total', 'WebSocket sessions opened', () => gateway.sessions_opened);
  new Gauge({ name: 'oms_ws_sessions', help: 'WebSocket sessions open now', registers, collect() { this.set(gateway.openSessions); } });
  counter('oms_ws_slow_consumer_disconnects_total', 'WebSocket sessions closed for not reading fast enough', () => gateway.slow_consumer_disconnects);
  counter('oms_ws_reports_sent_total', 'ExecutionReports sent over WebSocket', () => gateway.reports_sent);
}
