/**
 * The harness measures what is there: a server that holds every order a known time must
 * show that time at the right percentiles. setTimeout fires at the delay or later (much
 * later on a busy machine), so the test server records how long it really held each
 * request, and the harness's percentiles must match those hold times: never below them
 * (the harness cannot see less than the server did: checked on every attempt), and above
 * them by no more than loopback, parsing and scheduling. That upper bound depends on
 * whether the generator got a core when the answer came; on a shared, busy 2-core
 * machine it sometimes does not, so a run that breaks only the upper bound is retried
 * (at most three attempts in all).
 */
import t, { Test } from 'tap';
import { RunSummary } from '../../../bench/harness/run_summary.js';
import { Histogram } from '../../../bench/harness/latency_histogram.js';
import { startTestServer, TestServer, TestServerOptions } from '../support/test_servers.js';
import { httpRun } from '../support/http_run.js';
import { ItemSpec } from '../../../bench/harness/bench_plan.js';

/** Loopback, HTTP parsing and two event loops take well under 1 ms; the rest is room for a busy shared machine. */
const ALLOWANCE_US = 5000;
const ATTEMPTS = 3;

function heldAt(server: TestServer, percentile: number): number {
  const held = [...server.service_ms()].sort((a, b) => a - b);
  return held[Math.min(held.length - 1, Math.floor((percentile / 100) * held.length))] * 1000;
}

interface Attempt {
  readonly server: TestServer;
  readonly summary: RunSummary;
  readonly latency: Histogram;
}

/** Runs until `within_bounds` holds (or attempts run out); `strict` is asserted on every attempt. */
async function measure(
  t: Test, options: TestServerOptions, spec: Partial<ItemSpec>,
  strict: (a: Attempt) => void, within_bounds: (a: Attempt) => [boolean, string],
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const server = await startTestServer(options);
    try {
      const { summary, latency } = await httpRun(server.port, spec);
      const a = { server, summary, latency };
      strict(a);
      const [ok, message] = within_bounds(a);
      if (ok || attempt === ATTEMPTS) {
        t.ok(ok, message);
        return;
      }
      t.comment(`attempt ${attempt}: ${message} is out of bounds (busy machine?); retrying`);
    } finally {
      await server.close();
    }
  }
}

t.test('a fixed 2 ms server delay shows up as a p50 of about 2 ms', async (t) => {
  await measure(t, { delay_ms: 2 }, { rate_per_s: 200, duration_s: 2, warmup_s: 0.2 }, ({ server, summary }) => {
    t.equal(summary.sent, 400, 'every scheduled order was sent');
    t.equal(summary.completed, 400, 'every order was answered');
    t.equal(summary.errors, 0);
    // Node timers may fire up to ~1 ms early against performance.now() (libuv caches the loop
    // time), so the exact lower bound is the server's own record, not the nominal 2 ms.
    t.ok(summary.p50_us >= 1500, `p50 ${summary.p50_us} µs is not below the 2 ms delay`);
    t.ok(summary.p50_us >= heldAt(server, 50) - 100, `p50 ${summary.p50_us} µs is not below the server's own hold time`);
    t.ok(summary.p90_us >= summary.p50_us && summary.p99_us >= summary.p90_us && summary.max_us >= summary.p99_us, 'percentiles rise');
    t.ok(summary.throughput > 190 && summary.throughput < 210, `throughput ${summary.throughput}/s matches the 200/s rate`);
  }, ({ server, summary }) => {
    const held = heldAt(server, 50);
    return [summary.p50_us <= held + ALLOWANCE_US, `p50 ${summary.p50_us} µs within ${ALLOWANCE_US} µs of the server's hold time ${held.toFixed(0)} µs`];
  });
});

t.test('half the orders held 2 ms and half 12 ms put p25 near 2 ms and p75 near 12 ms', async (t) => {
  // Buys (even orders) are held 2 ms, sells 12 ms. Two connections carry one side each, so a
  // quick answer never waits behind a slow one on the same connection (HTTP/1.1 answers in order).
  const options = { delay_ms_for: (body: string) => (body.includes('"side":"buy"') ? 2 : 12) };
  await measure(t, options, { rate_per_s: 100, duration_s: 2, warmup_s: 0, connections: 2 }, ({ server, summary, latency }) => {
    t.equal(summary.completed, 200);
    t.ok(latency.getValueAtPercentile(25) >= heldAt(server, 25) - 100, 'p25 is not below the server\'s own p25');
    t.ok(latency.getValueAtPercentile(75) >= heldAt(server, 75) - 100, 'p75 is not below the server\'s own p75');
  }, ({ server, latency }) => {
    const p25 = latency.getValueAtPercentile(25);
    const p75 = latency.getValueAtPercentile(75);
    // The discriminating property: p25 lies in the quick half, p75 in the slow half (how far
    // above the server's hold time the harness may be is the test above).
    const ok = p25 < 11_000 && p75 >= 11_000 && p75 <= heldAt(server, 75) + 2 * ALLOWANCE_US;
    return [ok, `p25 ${p25} µs in the 2 ms half and p75 ${p75} µs in the 12 ms half (server held ${heldAt(server, 25).toFixed(0)} / ${heldAt(server, 75).toFixed(0)} µs)`];
  });
});
