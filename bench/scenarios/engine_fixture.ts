/**
 * Everything the engine benchmark sets up around the engine worker, as the OMS main
 * thread would: the shared buffers (allocateOmsBuffers, so ring sizes and the three
 * event-ring consumer positions are the production ones), the risk limits of the demo
 * accounts, and one market-data tick per demo symbol with touch sizes so large that the
 * run never exhausts them (the simulated venue only refills touch liquidity on a tick,
 * and nothing ticks during the benchmark).
 *
 * Also starts and stops worker threads: the engine (dist/io/process/engine_worker.js) or
 * the ring-echo baseline in its place.
 */
import { Worker } from 'node:worker_threads';
import { disableMemoryReducer } from '../../engine/agent/quiet_heap.js';
import { EngineConfig, engineConfigFromEnv } from '../../engine/config/engine_config.js';
import { EngineInit, engineInitFor } from '../../engine/engine_factory.js';
import { AccountTable, DEMO_ACCOUNTS } from '../../engine/reference/accounts.js';
import { decimalOf } from '../../engine/reference/decimal.js';
import { DEMO_INSTRUMENTS, InstrumentTable } from '../../engine/reference/instruments.js';
import { MARK_FIELD_COUNT, MarkField } from '../../engine/reference/mark_table.js';
import { buildRiskLimits, RiskLimits } from '../../engine/reference/risk_limits.js';
import { SeqlockTable } from '../../engine/reference/seqlock_table.js';
import { Doorbell } from '../../engine/ring/doorbell.js';
import { allocateOmsBuffers, OmsBuffers } from '../../engine/shared_memory.js';
import type { GcRecord } from '../../engine/telemetry/gc_recorder.js';
import { WorkerHealthBlock } from '../../engine/telemetry/worker_health.js';
import { WorkerId, WorkerState } from '../../engine/telemetry/worker_health_layout.js';
import { EngineOrderLeg, EngineOrderPlan } from '../load/engine_order_stream.js';

/** Touch size per tick, in lots: far more than any run can fill. */
const TOUCH_SIZE_LOTS = 1e12;
/** Marketable limit prices sit this far through the touch (well inside the 10% collar). */
const THROUGH_TOUCH = 0.005;
/** Per-order quantity per demo symbol (small notionals, whole lots). */
const ORDER_QTY: Readonly<Record<string, string>> = { BTCUSDT: '0.001', ETHUSDT: '0.01', SOLUSDT: '0.1' };
const ACCOUNT = 'test';

export interface EngineFixture {
  readonly config: EngineConfig;
  readonly buffers: OmsBuffers;
  readonly init: EngineInit & { readonly profile_gc: boolean };
  readonly plan: EngineOrderPlan;
}

export function prepareEngineFixture(id_prefix: string, env: NodeJS.ProcessEnv = process.env): EngineFixture {
  const instruments = new InstrumentTable(DEMO_INSTRUMENTS);
  const accounts = new AccountTable(DEMO_ACCOUNTS, instruments);
  const config = engineConfigFromEnv(env);
  const buffers = allocateOmsBuffers(config, accounts.count, instruments.count);
  buildRiskLimits(new RiskLimits(buffers.limits[0]), instruments, accounts, 1);

  const marks = new SeqlockTable(buffers.marks);
  const legs: EngineOrderLeg[] = [];
  const values = new Float64Array(MARK_FIELD_COUNT);
  for (const instrument of instruments.instruments) {
    const ref = ticks(instruments, instrument.index, instrument.spec.reference_price);
    const bid = ref - 1;
    const ask = ref + 1;
    values.fill(0);
    values[MarkField.BID_TICKS] = bid;
    values[MarkField.ASK_TICKS] = ask;
    values[MarkField.LAST_TICKS] = ref;
    values[MarkField.BID_SIZE_LOTS] = TOUCH_SIZE_LOTS;
    values[MarkField.ASK_SIZE_LOTS] = TOUCH_SIZE_LOTS;
    values[MarkField.UPDATED_AT_MS] = Date.now();
    marks.write(instrument.index, values);
    const qty = instruments.qtyToLots(instrument.index, decimalOf(ORDER_QTY[instrument.spec.symbol] ?? instrument.spec.lot_size)!);
    if (!qty.ok) throw new Error(`bad benchmark quantity for ${instrument.spec.symbol}`);
    legs.push({
      symbol: instrument.index,
      buy_price_ticks: Math.ceil(ask * (1 + THROUGH_TOUCH)),
      sell_price_ticks: Math.floor(bid * (1 - THROUGH_TOUCH)),
      qty_lots: qty.units,
    });
  }

  const init = {
    ...engineInitFor(buffers, {
      config,
      accounts: accounts.count,
      notional_scale: instruments.instruments.map((i) => i.notional_scale),
      active_limits_bank: 0,
      // Nothing parks on the event ring here: the load generator plays the io thread and
      // parks on the io doorbell, which the engine rings after replies.
      event_wake: [],
    }),
    profile_gc: true,
  };
  return { config, buffers, init, plan: { account: accounts.indexOf(ACCOUNT), legs, id_prefix } };
}

function ticks(instruments: InstrumentTable, symbol: number, price: string): number {
  const conversion = instruments.priceToTicks(symbol, decimalOf(price)!);
  if (!conversion.ok) throw new Error(`reference price ${price} is off the tick grid`);
  return conversion.units;
}

/** A worker standing where the engine stands: started, awaited until RUNNING, stopped through the health block. */
export class EngineSideWorker {
  private gc: GcRecord[] | null = null;
  private failure: Error | null = null;
  private stopping = false;
  private readonly exited: Promise<void>;

  private constructor(private readonly worker: Worker, private readonly buffers: OmsBuffers) {
    worker.on('message', (message: { type?: string; records?: GcRecord[] }) => {
      if (message.type === 'gc_records' && message.records !== undefined) this.gc = message.records;
    });
    worker.on('error', (error) => { this.failure = error; });
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
  }

  static async start(entry: URL, workerData: unknown, buffers: OmsBuffers, timeout_ms = 10_000): Promise<EngineSideWorker> {
    disableMemoryReducer(); // as the OMS does before its workers start (see quiet_heap.ts)
    const side = new EngineSideWorker(new Worker(entry, { workerData }), buffers);
    const health = new WorkerHealthBlock(buffers.health);
    const deadline = Date.now() + timeout_ms;
    while (health.state(WorkerId.ENGINE) !== WorkerState.RUNNING) {
      if (side.failure !== null) throw new Error(`engine worker failed to start: ${side.failure.message}`);
      if (Date.now() > deadline) throw new Error(`engine worker not running after ${timeout_ms} ms`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    return side;
  }

  get error(): Error | null {
    return this.failure;
  }

  /** The worker's Linux thread id, recorded when it announced STARTING (null: unknown). */
  osTid(): number | null {
    return new WorkerHealthBlock(this.buffers.health).view(WorkerId.ENGINE).os_tid;
  }

  /** Called if the worker fails, or exits without being asked to. */
  onFailure(listener: (reason: string) => void): void {
    this.worker.on('error', (error) => listener(`engine-side worker failed: ${error.message}`));
    this.worker.on('exit', (code) => {
      if (!this.stopping) listener(`engine-side worker exited unasked (code ${code})`);
    });
  }

  /** Asks the worker to stop, waits for it to exit; returns its collections if it reported them. */
  async stop(timeout_ms = 10_000): Promise<GcRecord[] | null> {
    this.stopping = true;
    new WorkerHealthBlock(this.buffers.health).requestStop(WorkerId.ENGINE);
    new Doorbell(this.buffers.engine_doorbell).ringIfParked();
    const timer = setTimeout(() => void this.worker.terminate(), timeout_ms);
    await this.exited;
    clearTimeout(timer);
    if (this.failure !== null) throw new Error(`engine worker failed: ${this.failure.message}`);
    return this.gc;
  }
}
