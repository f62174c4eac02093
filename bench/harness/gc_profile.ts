/**
 * GC statistics of the current thread over a run, from V8's GCProfiler (count, total and
 * longest pause). Generators report their own GC so a reader can tell a generator pause
 * (orders leave late, see lateness) from a pause in the system under test.
 */
import { GCProfiler } from 'node:v8';
import { GcStats } from './load_result.js';

export class GcProfile {
  private readonly profiler = new GCProfiler();

  start(): this {
    this.profiler.start();
    return this;
  }

  stop(): GcStats {
    const result = this.profiler.stop();
    let total_pause_us = 0;
    let max_pause_us = 0;
    // `cost` is the pause in microseconds.
    for (const gc of result.statistics) {
      total_pause_us += gc.cost;
      if (gc.cost > max_pause_us) max_pause_us = gc.cost;
    }
    return { count: result.statistics.length, total_pause_us: Math.round(total_pause_us), max_pause_us: Math.round(max_pause_us) };
  }
}
