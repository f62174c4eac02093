/**
 * Every piece of shared memory the OMS threads use, created once on the main thread and
 * handed to workers as SharedArrayBuffers. This file is the map of who writes what:
 *
 *   command ring   io -> engine                     (1 consumer: engine)
 *   event ring     engine -> journal, io, PnL       (io and PnL read only what the journal released)
 *   reply ring     engine -> io                     (1 consumer: io)
 *   doorbells      one per thread that parks: engine, journal, io, pnl
 *   mark table     market data -> engine, io, PnL
 *   PnL table      PnL -> engine (daily loss), io
 *   positions      PnL -> io (GET /positions, GET /pnl)   (services/pnl/positions_table.ts)
 *   journal progress journal -> sinks, PnL, health     (services/journal/journal_progress.ts)
 *   limits banks   io/admin -> engine (double-buffered, swapped by command)
 *   health block   every worker its own line; supervisor restarts/state
 *   engine counters engine -> metrics
 *   flush log      journal -> io (each group commit's times, for stage timing)
 */
import { EngineConfig } from './config/engine_config.js';
import { COMMAND_SLOT_BYTES } from './protocol/command_layout.js';
import { EVENT_SLOT_BYTES } from './protocol/event_layout.js';
import { REPLY_SLOT_BYTES } from './protocol/reply_layout.js';
import { allocateMarkTable } from './reference/mark_table.js';
import { allocatePnlTable } from './reference/pnl_table.js';
import { RiskLimits } from './reference/risk_limits.js';
import { Doorbell } from './ring/doorbell.js';
import { SharedRing } from './ring/ring.js';
import { allocateEngineCounters } from './telemetry/engine_counters.js';
import { FlushLog } from './telemetry/flush_log.js';
import { WorkerHealthBlock } from './telemetry/worker_health.js';
import { allocateJournalProgress } from './reference/journal_progress.js';
import { allocatePositionsTable } from './reference/positions_table.js';

/** Consumers of the event ring, in their fixed positions. */
export const EventConsumer = { JOURNAL: 0, IO: 1, PNL: 2 } as const;
export const EVENT_CONSUMER_COUNT = 3;

export interface RingThreads {
  readonly producer: string;
  /** By consumer index. */
  readonly consumers: readonly string[];
}

/** The map above for the rings, by thread name: the labels of the rings' counters on /metrics. */
export const RING_THREADS: Readonly<Record<'commands' | 'events' | 'replies', RingThreads>> = {
  commands: { producer: 'io', consumers: ['engine'] },
  events: { producer: 'engine', consumers: ['journal', 'io', 'pnl'] },
  replies: { producer: 'engine', consumers: ['io'] },
};

if (RING_THREADS.events.consumers.length !== EVENT_CONSUMER_COUNT
  || RING_THREADS.events.consumers[EventConsumer.JOURNAL] !== 'journal'
  || RING_THREADS.events.consumers[EventConsumer.IO] !== 'io'
  || RING_THREADS.events.consumers[EventConsumer.PNL] !== 'pnl') {
  throw new Error('the event ring\'s consumer names disagree with EventConsumer');
}

export interface OmsBuffers {
  readonly commands: SharedArrayBuffer;
  readonly events: SharedArrayBuffer;
  readonly replies: SharedArrayBuffer;
  readonly engine_doorbell: SharedArrayBuffer;
  readonly journal_doorbell: SharedArrayBuffer;
  readonly io_doorbell: SharedArrayBuffer;
  readonly pnl_doorbell: SharedArrayBuffer;
  readonly marks: SharedArrayBuffer;
  readonly pnl: SharedArrayBuffer;
  /** accounts * symbols position records, written by the PnL worker. */
  readonly positions: SharedArrayBuffer;
  /** "Durable up to seq", written by the journal worker. */
  readonly journal_progress: SharedArrayBuffer;
  readonly limits: readonly [SharedArrayBuffer, SharedArrayBuffer];
  readonly health: SharedArrayBuffer;
  readonly engine_counters: SharedArrayBuffer;
  /** The journal's last flushes' times, written by the journal worker (stage timing). */
  readonly flush_log: SharedArrayBuffer;
}

export function allocateOmsBuffers(config: EngineConfig, accounts: number, symbols: number): OmsBuffers {
  return {
    commands: SharedRing.create(config.command_ring_capacity, COMMAND_SLOT_BYTES, 1).buffer,
    events: SharedRing.create(config.event_ring_capacity, EVENT_SLOT_BYTES, EVENT_CONSUMER_COUNT).buffer,
    replies: SharedRing.create(config.reply_ring_capacity, REPLY_SLOT_BYTES, 1).buffer,
    engine_doorbell: new Doorbell().buffer,
    journal_doorbell: new Doorbell().buffer,
    io_doorbell: new Doorbell().buffer,
    pnl_doorbell: new Doorbell().buffer,
    marks: allocateMarkTable(symbols).buffer,
    pnl: allocatePnlTable(accounts).buffer,
    positions: allocatePositionsTable(accounts, symbols).buffer,
    journal_progress: allocateJournalProgress().buffer,
    limits: [RiskLimits.allocate({ accounts, symbols }).buffer, RiskLimits.allocate({ accounts, symbols }).buffer],
    health: new WorkerHealthBlock().buffer,
    engine_counters: allocateEngineCounters().buffer as SharedArrayBuffer,
    flush_log: new FlushLog().buffer,
  };
}
