/**
 * The /metrics registry (prom-client 15). Every value but the latency histogram is read
 * from shared memory when Prometheus scrapes (each metric's `collect`), so no worker is
 * asked anything and nothing is counted twice.
 *
 * Naming (Prometheus conventions): `oms_` prefix, base units, `_total` for counters,
 * durations in `_seconds` (the latency histogram's buckets go down to 5 microseconds, so
 * sub-millisecond latencies keep their resolution), sizes in `_bytes`, queue lengths in
 * `_events`.
 *
 *  engine (engine/telemetry/engine_counters.ts)
 *   oms_engine_events_total{type}              events emitted, by EventType name
 *   oms_engine_commands_total{type}            commands handled, by CommandType name
 *   oms_engine_rejects_total{code,name,stage}  refusals by RejectCode (the engine's; edge refusals are the io thread's)
 *   oms_engine_batches_total, oms_engine_parks_total, oms_engine_output_full_waits_total
 *   oms_engine_open_orders, oms_engine_last_sequence
 *  rings (engine/ring/ring_layout.ts; thread names from RING_THREADS in engine/shared_memory.ts)
 *   oms_ring_depth_events{ring}                published slots not yet released by the slowest consumer
 *   oms_ring_full_total{ring,producer}         times the producer wanted room and found none: a refused claim
 *                                              (commands: the io thread answers ENGINE_BUSY) or an engine
 *                                              iteration held back by the event or reply ring
 *   oms_ring_doorbell_total{ring,rung_by}      wake-ups (Atomics.notify) of a parked thread: by the producer
 *                                              (new slots for a parked reader) or by a consumer (room for a
 *                                              parked producer, or released slots for a parked downstream reader)
 *  journal (engine/reference/journal_progress.ts)
 *   oms_journal_durable_sequence, oms_journal_lag_events (engine last sequence - durable)
 *   oms_journal_flushes_total, oms_journal_written_bytes_total, oms_journal_last_flush_seconds
 *   oms_journal_segments_total{kind}           segments started: preallocated (from a ready spare) or appended (no spare was ready)
 *   oms_journal_spare_failures_total           spare segments that could not be prepared (a full disk?)
 *  workers (engine/telemetry/worker_health*.ts), label worker = engine, journal, pnl, market_data, sink_nats, ...
 *   oms_worker_up{worker}                      1 if RUNNING
 *   oms_worker_degraded{worker}                1 if DEGRADED: running but not doing its job (a broker or feed is down,
 *                                              a snapshot failed); readiness stays 200 for it, so alert on this
 *   oms_worker_state{worker}                   WorkerState number (0 stopped .. 6 stopping)
 *   oms_worker_heartbeat_age_seconds{worker}   -1 before the first heartbeat
 *   oms_worker_restarts_total{worker}, oms_worker_processed_total{worker}, oms_worker_errors_total{worker}
 *   oms_worker_lag_events{worker}
 *   oms_worker_heap_used_bytes{worker}         the worker thread's V8 heap in use (sampled each second; 0 before)
 *  sinks (the sink workers' lines, label sink = nats, redis, questdb)
 *   oms_sink_lag_events{sink}                  durable sequence - the sink's cursor
 *   oms_sink_errors_total{sink}                failed delivery attempts
 *   oms_sink_cursor_sequence{sink}
 *   oms_questdb_dropped_ticks_total            tick rows the QuestDB sink dropped, its queue full (services/sinks/questdb_sink.ts)
 *  latency (observed by the io thread)
 *   oms_order_latency_seconds{operation}       request in -> reply out, histogram (HTTP order placement: operation place_order)
 *   oms_request_latency_seconds{protocol,type} the same for every request type on both protocols (io/request_latency.ts)
 *  io thread (io/process/io_metrics.ts)
 *   oms_engine_link_busy_refusals_total, oms_engine_link_timeouts_total
 *   oms_ws_sessions_opened_total, oms_ws_sessions, oms_ws_slow_consumer_disconnects_total, oms_ws_reports_sent_total
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { FixedHistogram } from './fixed_histogram.js';
import { CommandType, EventType } from '../../engine/protocol/enums.js';
import { allRejectCodes, rejectStage } from '../../engine/protocol/reject_codes.js';
import { SeqlockTable } from '../../engine/reference/seqlock_table.js';
import { SharedRing } from '../../engine/ring/ring.js';
import { RING_THREADS, RingThreads } from '../../engine/shared_memory.js';
import {
  COMMANDS_BY_TYPE_OFFSET, EngineCounter, EVENTS_BY_TYPE_OFFSET, REJECTS_BY_CODE_OFFSET,
} from '../../engine/telemetry/engine_counters.js';
import { WorkerHealthBlock } from '../../engine/telemetry/worker_health.js';
import { WORKER_COUNT, WORKER_NAMES, WorkerId, WorkerState } from '../../engine/telemetry/worker_health_layout.js';
import { JournalProgressField } from '../../engine/reference/journal_progress.js';

/** Latency buckets in seconds: 5 us .. 1 s, roughly 1-2.5-5 per decade. */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [
  0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005,
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
];

export interface MetricsSources {
  readonly health: WorkerHealthBlock;
  readonly engine_counters?: Float64Array | null;
  readonly journal_progress?: SeqlockTable | null;
  /** Rings to report depth for, by name (e.g. {commands, events, replies}). */
  readonly rings?: Readonly<Record<string, SharedRing>>;
}

export interface OmsMetrics {
  readonly registry: Registry;
  /** Observe in seconds; bind a series once (`.series([operation])`), never per request. */
  readonly order_latency: FixedHistogram;
  /** Every request type on both protocols; bind series once (`.series([protocol, type])`), never per request. */
  readonly request_latency: FixedHistogram;
}

const SINKS: readonly [string, number][] = [['nats', WorkerId.SINK_NATS], ['redis', WorkerId.SINK_REDIS], ['questdb', WorkerId.SINK_QUESTDB]];

export function createMetricsRegistry(sources: MetricsSources, options: { default_metrics?: boolean } = {}): OmsMetrics {
  const registry = new Registry();
  const { health } = sources;
  const counters = sources.engine_counters ?? null;
  const progress = sources.journal_progress ?? null;
  const registers = [registry];

  if (counters !== null) {
    const mirror = (name: string, help: string, index: number) => new Counter({
      name, help, registers,
      collect() { this.reset(); this.inc(counters[index]); },
    });
    mirror('oms_engine_batches_total', 'Command batches the engine handled', EngineCounter.BATCHES);
    mirror('oms_engine_parks_total', 'Times the engine parked idle', EngineCounter.PARKS);
    mirror('oms_engine_output_full_waits_total', 'Engine iterations that found the event or reply ring full', EngineCounter.OUTPUT_FULL_WAITS);
    new Gauge({ name: 'oms_engine_open_orders', help: 'Open orders in the engine', registers,
      collect() { this.set(counters[EngineCounter.OPEN_ORDERS]); } });
    new Gauge({ name: 'oms_engine_last_sequence', help: 'Last event sequence the engine emitted', registers,
      collect() { this.set(counters[EngineCounter.LAST_SEQ]); } });
    const by_name = (table: Record<string, number>, offset: number) => Object.entries(table).map(([name, value]) => [name, offset + value] as const);
    const events = by_name(EventType, EVENTS_BY_TYPE_OFFSET);
    new Counter({ name: 'oms_engine_events_total', help: 'Events the engine emitted, by type', labelNames: ['type'], registers,
      collect() { this.reset(); for (const [type, i] of events) this.inc({ type }, counters[i]); } });
    const commands = by_name(CommandType, COMMANDS_BY_TYPE_OFFSET);
    new Counter({ name: 'oms_engine_commands_total', help: 'Commands the engine handled, by type', labelNames: ['type'], registers,
      collect() { this.reset(); for (const [type, i] of commands) this.inc({ type }, counters[i]); } });
    const rejects = allRejectCodes().filter((r) => r.code !== 0);
    new Counter({ name: 'oms_engine_rejects_total', help: 'Orders and commands the engine refused, by reject code',
      labelNames: ['code', 'name', 'stage'], registers,
      collect() {
        this.reset();
        for (const r of rejects) {
          const value = counters[REJECTS_BY_CODE_OFFSET + r.code];
          if (value > 0) this.inc({ code: String(r.code), name: r.name, stage: rejectStage(r.code) }, value);
        }
      } });
  }

  const rings = Object.entries(sources.rings ?? {});
  if (rings.length > 0) {
    new Gauge({ name: 'oms_ring_depth_events', help: 'Slots published but not yet released by the slowest consumer', labelNames: ['ring'], registers,
      collect() { for (const [ring, r] of rings) this.set({ ring }, r.depth()); } });
    // Label values are worked out once here, not at each scrape.
    const named = rings.map(([ring, r]) => {
      const threads: RingThreads | undefined = (RING_THREADS as Record<string, RingThreads>)[ring];
      const consumers = Array.from({ length: r.consumer_count }, (_, c) => threads?.consumers[c] ?? `consumer_${c}`);
      return { ring, r, producer: threads?.producer ?? 'producer', consumers };
    });
    new Counter({ name: 'oms_ring_full_total', help: 'Times the ring\'s producer wanted room and found none (a refused claim, or the engine held back)',
      labelNames: ['ring', 'producer'], registers,
      collect() { this.reset(); for (const { ring, r, producer } of named) this.inc({ ring, producer }, r.fullCount()); } });
    new Counter({ name: 'oms_ring_doorbell_total',
      help: 'Times a side of the ring woke a parked thread (Atomics.notify): the producer a reader, or a consumer the producer or a downstream reader',
      labelNames: ['ring', 'rung_by'], registers,
      collect() {
        this.reset();
        for (const { ring, r, producer, consumers } of named) {
          this.inc({ ring, rung_by: producer }, r.producerDoorbells());
          for (let c = 0; c < consumers.length; c++) this.inc({ ring, rung_by: consumers[c] }, r.consumerDoorbells(c));
        }
      } });
  }

  if (progress !== null) {
    const field = (f: number) => progress.readField(0, f);
    new Gauge({ name: 'oms_journal_durable_sequence', help: 'Highest event sequence written and fsynced', registers,
      collect() { this.set(field(JournalProgressField.DURABLE_SEQ)); } });
    new Counter({ name: 'oms_journal_flushes_total', help: 'Journal group commits', registers,
      collect() { this.reset(); this.inc(field(JournalProgressField.FLUSHES)); } });
    new Counter({ name: 'oms_journal_written_bytes_total', help: 'Bytes the journal wrote', registers,
      collect() { this.reset(); this.inc(field(JournalProgressField.BYTES_WRITTEN)); } });
    new Gauge({ name: 'oms_journal_last_flush_seconds', help: 'Duration of the last journal write + fsync', registers,
      collect() { this.set(field(JournalProgressField.LAST_FLUSH_US) / 1e6); } });
    new Counter({ name: 'oms_journal_segments_total',
      help: 'Journal segments started: preallocated (a ready spare renamed into place) or appended (no spare was ready: a burst)',
      labelNames: ['kind'], registers,
      collect() {
        this.reset();
        this.inc({ kind: 'preallocated' }, field(JournalProgressField.SEGMENTS_PREALLOCATED));
        this.inc({ kind: 'appended' }, field(JournalProgressField.SEGMENTS_APPENDED));
      } });
    new Counter({ name: 'oms_journal_spare_failures_total', help: 'Spare journal segments that could not be prepared (the disk full, an I/O error)', registers,
      collect() { this.reset(); this.inc(field(JournalProgressField.SPARE_FAILURES)); } });
    if (counters !== null) {
      new Gauge({ name: 'oms_journal_lag_events', help: 'Events the engine emitted that are not durable yet', registers,
        collect() { this.set(Math.max(0, counters[EngineCounter.LAST_SEQ] - field(JournalProgressField.DURABLE_SEQ))); } });
    }
  }

  const workers = Array.from({ length: WORKER_COUNT }, (_, w) => [WORKER_NAMES[w], w] as const);
  new Gauge({ name: 'oms_worker_up', help: '1 if the worker is running', labelNames: ['worker'], registers,
    collect() { for (const [worker, w] of workers) this.set({ worker }, health.state(w) === WorkerState.RUNNING ? 1 : 0); } });
  new Gauge({ name: 'oms_worker_degraded', help: '1 if the worker is degraded: running, but its broker, feed or task is failing (see /health/workers)',
    labelNames: ['worker'], registers,
    collect() { for (const [worker, w] of workers) this.set({ worker }, health.state(w) === WorkerState.DEGRADED ? 1 : 0); } });
  new Gauge({ name: 'oms_worker_state', help: 'Worker state (0 stopped, 1 starting, 2 running, 3 degraded, 4 failed, 5 disabled, 6 stopping)',
    labelNames: ['worker'], registers,
    collect() { for (const [worker, w] of workers) this.set({ worker }, health.state(w)); } });
  new Gauge({ name: 'oms_worker_heartbeat_age_seconds', help: 'Time since the worker last beat (-1 before its first)', labelNames: ['worker'], registers,
    collect() {
      const now = Date.now();
      for (const [worker, w] of workers) {
        const age = health.heartbeatAgeMs(w, now);
        this.set({ worker }, age === null ? -1 : age / 1000);
      }
    } });
  const perWorker = (name: string, help: string, pick: (w: number) => number) => new Counter({ name, help, labelNames: ['worker'], registers,
    collect() { this.reset(); for (const [worker, w] of workers) this.inc({ worker }, Math.max(0, pick(w))); } });
  perWorker('oms_worker_restarts_total', 'Times the supervisor restarted the worker', (w) => health.view(w).restarts);
  perWorker('oms_worker_processed_total', 'Items the worker handled since it started (resets when it restarts)', (w) => health.view(w).processed);
  perWorker('oms_worker_errors_total', 'Errors the worker counted since it started (resets when it restarts)', (w) => health.view(w).errors);
  new Gauge({ name: 'oms_worker_lag_events', help: 'Items the worker is behind its source', labelNames: ['worker'], registers,
    collect() { for (const [worker, w] of workers) this.set({ worker }, health.view(w).lag); } });

  new Gauge({ name: 'oms_worker_heap_used_bytes', help: 'V8 heap in use on the worker thread (sampled each second by the worker)', labelNames: ['worker'], registers,
    collect() { for (const [worker, w] of workers) this.set({ worker }, health.view(w).heap_used_bytes ?? 0); } });

  new Gauge({ name: 'oms_sink_lag_events', help: 'Durable events the sink has not delivered yet (its backlog)', labelNames: ['sink'], registers,
    collect() { for (const [sink, w] of SINKS) this.set({ sink }, health.view(w).lag); } });
  new Counter({ name: 'oms_sink_errors_total', help: 'Failed sink delivery attempts (since the sink worker started)', labelNames: ['sink'], registers,
    collect() { this.reset(); for (const [sink, w] of SINKS) this.inc({ sink }, Math.max(0, health.view(w).errors)); } });
  new Gauge({ name: 'oms_sink_cursor_sequence', help: 'Last sequence the sink delivered', labelNames: ['sink'], registers,
    collect() { for (const [sink, w] of SINKS) this.set({ sink }, health.view(w).position); } });
  new Counter({ name: 'oms_questdb_dropped_ticks_total', help: 'Tick rows the QuestDB sink dropped because its queue was full (QuestDB slow or stalled)', registers,
    collect() { this.reset(); this.inc(Math.max(0, health.view(WorkerId.SINK_QUESTDB).dropped)); } });

  const order_latency = new FixedHistogram('oms_order_latency_seconds',
    'Time from a request reaching the io thread to its reply being sent', ['operation'], LATENCY_BUCKETS_SECONDS);
  registry.registerMetric(order_latency.metric());
  const request_latency = new FixedHistogram('oms_request_latency_seconds',
    'Time from a request reaching the io thread to its answer, by protocol (http, ws) and request type', ['protocol', 'type'], LATENCY_BUCKETS_SECONDS);
  registry.registerMetric(request_latency.metric());

  if (options.default_metrics) {
    // Process metrics (CPU, heap, event loop lag) under the same prefix.
    collectDefaultMetrics({ register: registry, prefix: 'oms_process_' });
  }
  return { registry, order_latency, request_latency };
}
