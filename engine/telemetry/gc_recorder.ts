/**
 * Records each garbage collection of the current thread with its wall-clock time, so a
 * benchmark can tell collections during its measured window from those during start-up
 * and warm-up (JIT feedback and first allocations of a fresh worker).
 *
 * V8's GCProfiler gives pauses but no times; a PerformanceObserver gives both. A thread
 * whose loop never yields (the engine's hot loop) gets its entries once it does yield,
 * with the times they happened: `stop()` yields to collect them.
 */
import { PerformanceObserver, performance } from 'node:perf_hooks';

export interface GcRecord {
  /** When the collection started, ms since the Unix epoch (comparable across threads). */
  readonly at_epoch_ms: number;
  readonly pause_us: number;
}

export class GcRecorder {
  private readonly records: GcRecord[] = [];
  private readonly observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      this.records.push({ at_epoch_ms: performance.timeOrigin + entry.startTime, pause_us: Math.round(entry.duration * 1000) });
    }
  });

  start(): this {
    this.observer.observe({ entryTypes: ['gc'] });
    return this;
  }

  /** Yields so entries queued while the thread was busy are delivered, then stops. */
  async stop(): Promise<GcRecord[]> {
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 5));
    this.observer.disconnect();
    return this.records;
  }
}
