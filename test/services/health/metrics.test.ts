/**
 * The /metrics registry reads shared memory at scrape time, names everything by
 * Prometheus conventions, and exports a microsecond-resolution latency histogram.
 */
import t from 'tap';
import { EventType, CommandType } from '../../../engine/protocol/enums.js';
import { COMMAND_SLOT_BYTES } from '../../../engine/protocol/command_layout.js';
import { EVENT_SLOT_BYTES } from '../../../engine/protocol/event_layout.js';
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import { Doorbell } from '../../../engine/ring/doorbell.js';
import { RingConsumer, RingProducer, SharedRing } from '../../../engine/ring/ring.js';
import { EventConsumer } from '../../../engine/shared_memory.js';
import {
  allocateEngineCounters, COMMANDS_BY_TYPE_OFFSET, EngineCounter, EVENTS_BY_TYPE_OFFSET, REJECTS_BY_CODE_OFFSET,
} from '../../../engine/telemetry/engine_counters.js';
import { WorkerHealthBlock } from '../../../engine/telemetry/worker_health.js';
import { WorkerId, WorkerState } from '../../../engine/telemetry/worker_health_layout.js';
import { createMetricsRegistry, LATENCY_BUCKETS_SECONDS } from '../../../services/health/metrics.js';
import { allocateJournalProgress, JOURNAL_PROGRESS_FIELDS, JournalProgressField } from '../../../engine/reference/journal_progress.js';

t.test('a scrape shows engine, ring, journal, worker and sink values from shared memory', async (t) => {
  const health = new WorkerHealthBlock();
  const counters = allocateEngineCounters();
  const progress = allocateJournalProgress();
  const events = SharedRing.create(16, EVENT_SLOT_BYTES, 3);
  const producer = new RingProducer(events);
  producer.claim();
  producer.claim();
  producer.publish();
  counters[EVENTS_BY_TYPE_OFFSET + EventType.FILL] = 42;
  counters[COMMANDS_BY_TYPE_OFFSET + CommandType.NEW_ORDER] = 50;
  counters[REJECTS_BY_CODE_OFFSET + RejectCode.CREDIT_LIMIT] = 3;
  counters[EngineCounter.LAST_SEQ] = 120;
  counters[EngineCounter.OPEN_ORDERS] = 7;
  const p = new Float64Array(JOURNAL_PROGRESS_FIELDS);
  p[JournalProgressField.DURABLE_SEQ] = 100;
  p[JournalProgressField.FLUSHES] = 12;
  p[JournalProgressField.BYTES_WRITTEN] = 4096;
  p[JournalProgressField.LAST_FLUSH_US] = 250;
  p[JournalProgressField.SEGMENTS_PREALLOCATED] = 3;
  p[JournalProgressField.SEGMENTS_APPENDED] = 1;
  p[JournalProgressField.SPARE_FAILURES] = 2;
  progress.write(0, p);
  const nats = health.reporter(WorkerId.SINK_NATS);
  nats.setState(WorkerState.DEGRADED);
  nats.heartbeat(Date.now());
  nats.progress(80, 20, 80);
  nats.addErrors(5);
  health.addRestart(WorkerId.SINK_NATS);

  const { registry, order_latency } = createMetricsRegistry({ health, engine_counters: counters, journal_progress: progress, rings: { events } });
  order_latency.observe({ operation: 'new_order' }, 0.000012);
  const text = await registry.metrics();
  const has = (line: string) => t.ok(text.includes(line), line);
  has('oms_engine_events_total{type="FILL"} 42');
  has('oms_engine_commands_total{type="NEW_ORDER"} 50');
  has('oms_engine_rejects_total{code="404",name="CREDIT_LIMIT",stage="risk"} 3');
  has('oms_engine_open_orders 7');
  has('oms_ring_depth_events{ring="events"} 2');
  has('oms_journal_durable_sequence 100');
  has('oms_journal_lag_events 20');
  has('oms_journal_flushes_total 12');
  has('oms_journal_written_bytes_total 4096');
  has('oms_journal_last_flush_seconds 0.00025');
  has('oms_journal_segments_total{kind="preallocated"} 3');
  has('oms_journal_segments_total{kind="appended"} 1');
  has('oms_journal_spare_failures_total 2');
  has('oms_worker_state{worker="sink_nats"} 3');
  has('oms_worker_up{worker="sink_nats"} 0');
  has('oms_worker_degraded{worker="sink_nats"} 1');
  has('oms_worker_degraded{worker="sink_redis"} 0');
  has('oms_worker_restarts_total{worker="sink_nats"} 1');
  has('oms_sink_lag_events{sink="nats"} 20');
  has('oms_sink_errors_total{sink="nats"} 5');
  has('oms_sink_cursor_sequence{sink="nats"} 80');
  has('oms_worker_heartbeat_age_seconds{worker="engine"} -1');
  has('oms_order_latency_seconds_bucket{le="0.000025",operation="new_order"} 1');
  has('oms_order_latency_seconds_bucket{le="0.00001",operation="new_order"} 0');

  counters[EVENTS_BY_TYPE_OFFSET + EventType.FILL] = 43;
  nats.setState(WorkerState.RUNNING);
  const again = await registry.metrics();
  t.ok(again.includes('oms_engine_events_total{type="FILL"} 43'), 'values are read again at each scrape');
  t.ok(again.includes('oms_worker_degraded{worker="sink_nats"} 0'), 'a worker that recovered is no longer degraded');
});

t.test('metric names follow the conventions: oms_ prefix, _total counters, base units', async (t) => {
  const { registry } = createMetricsRegistry({ health: new WorkerHealthBlock(), engine_counters: allocateEngineCounters(), journal_progress: allocateJournalProgress() });
  const metrics = await registry.getMetricsAsJSON();
  for (const m of metrics) {
    t.match(m.name, /^oms_[a-z0-9_]+$/, m.name);
    if (String(m.type) === 'counter') t.match(m.name, /_total$/, `${m.name} is a counter named _total`);
    else t.notMatch(m.name, /_total$/, `${m.name} is not a counter and not named _total`);
  }
  t.same(LATENCY_BUCKETS_SECONDS.slice(0, 3), [0.000005, 0.00001, 0.000025], 'latency buckets start at 5 microseconds');
});

t.test('a scrape shows each ring\'s full refusals and wake-ups, labelled by ring and the thread that counted them', async (t) => {
  const commands = SharedRing.create(2, COMMAND_SLOT_BYTES, 1);
  const events = SharedRing.create(8, EVENT_SLOT_BYTES, 3);
  const engine_bell = new Doorbell();
  const io = new RingProducer(commands, [engine_bell]);
  const engine = new RingConsumer(commands, 0);
  const engine_out = new RingProducer(events);
  const journal = new RingConsumer(events, EventConsumer.JOURNAL, [], undefined, engine_bell);
  const { registry } = createMetricsRegistry({ health: new WorkerHealthBlock(), rings: { commands, events } });
  const zero = await registry.metrics();
  t.ok(zero.includes('oms_ring_full_total{ring="commands",producer="io"} 0'), 'every ring is listed from the start');
  t.ok(zero.includes('oms_ring_doorbell_total{ring="events",rung_by="pnl"} 0'), 'and every consumer by name');

  new Doorbell(engine_bell.buffer).prepareToPark();
  io.claim();
  io.claim();
  t.equal(io.tryClaim(), -1, 'the command ring is full: the io thread would answer ENGINE_BUSY');
  t.equal(io.tryClaim(), -1);
  io.publish();
  engine.release(2);
  for (let i = 0; i < 8; i++) engine_out.claim();
  engine_out.publish();
  engine_out.countFull();
  new Doorbell(engine_bell.buffer).prepareToPark();
  journal.release(8);

  const text = await registry.metrics();
  const has = (line: string) => t.ok(text.includes(line), line);
  has('oms_ring_full_total{ring="commands",producer="io"} 2');
  has('oms_ring_full_total{ring="events",producer="engine"} 1');
  has('oms_ring_doorbell_total{ring="commands",rung_by="io"} 1');
  has('oms_ring_doorbell_total{ring="commands",rung_by="engine"} 0');
  has('oms_ring_doorbell_total{ring="events",rung_by="engine"} 0');
  has('oms_ring_doorbell_total{ring="events",rung_by="journal"} 1');
});

t.test('a scrape shows the QuestDB sink\'s dropped ticks from its health line', async (t) => {
  const health = new WorkerHealthBlock();
  const { registry } = createMetricsRegistry({ health });
  t.ok((await registry.metrics()).includes('oms_questdb_dropped_ticks_total 0'));
  const questdb = health.reporter(WorkerId.SINK_QUESTDB);
  questdb.addDropped(5);
  questdb.addDropped(2);
  t.ok((await registry.metrics()).includes('oms_questdb_dropped_ticks_total 7'));
});
