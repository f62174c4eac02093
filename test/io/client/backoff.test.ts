/**
 * Reconnect delays (io/client/backoff.ts): doubling from the initial delay, never above
 * the maximum, each within the upper half of its step.
 */
import t from 'tap';
import { reconnectDelayMs } from '../../../io/client/backoff.js';

const options = { initial_delay_ms: 100, max_delay_ms: 2000 };

t.test('delays double per attempt up to the maximum, with jitter in the upper half of each step', async (t) => {
  t.same([1, 2, 3, 4, 5, 6, 50].map((a) => reconnectDelayMs(a, options, () => 1)), [100, 200, 400, 800, 1600, 2000, 2000], 'the top of each step');
  t.same([1, 2, 3, 4, 5, 6, 50].map((a) => reconnectDelayMs(a, options, () => 0)), [50, 100, 200, 400, 800, 1000, 1000], 'the bottom of each step');
  for (let attempt = 1; attempt < 1000; attempt++) {
    const delay = reconnectDelayMs(attempt, options);
    if (!(delay >= 50 && delay <= 2000)) t.fail(`attempt ${attempt}: ${delay} ms`);
  }
});
