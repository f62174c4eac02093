/**
 * The one session clock: when DAY orders expire and when the PnL day rolls. Both the io
 * layer (DAY order expiry) and the PnL book depend on these instants being the same.
 */
import t from 'tap';
import { DAY_MS, sessionEndAfterMs } from '../../../services/pnl/session_clock.js';

const JAN_2 = Date.parse('2030-01-02T00:00:00Z');
const MINUTE_MS = 60_000;

t.test('before the session end, the session ends the same day at that minute', async (t) => {
  t.equal(sessionEndAfterMs(JAN_2 + 9 * 60 * MINUTE_MS, 22 * 60), Date.parse('2030-01-02T22:00:00Z'));
  t.equal(sessionEndAfterMs(JAN_2 + 22 * 60 * MINUTE_MS - 1, 22 * 60), Date.parse('2030-01-02T22:00:00Z'), 'one millisecond before');
});

t.test('at or after the session end, the next session ends the next day', async (t) => {
  t.equal(sessionEndAfterMs(Date.parse('2030-01-02T22:00:00Z'), 22 * 60), Date.parse('2030-01-03T22:00:00Z'), 'exactly at the end');
  t.equal(sessionEndAfterMs(Date.parse('2030-01-02T23:30:00Z'), 22 * 60), Date.parse('2030-01-03T22:00:00Z'));
});

t.test('a session ending at midnight UTC (the default) ends at the next midnight', async (t) => {
  t.equal(sessionEndAfterMs(JAN_2, 0), JAN_2 + DAY_MS, 'at midnight itself, the session that just began');
  t.equal(sessionEndAfterMs(JAN_2 + 1, 0), JAN_2 + DAY_MS);
  t.equal(sessionEndAfterMs(JAN_2 + DAY_MS - 1, 0), JAN_2 + DAY_MS);
});

t.test('a session end that is not a minute of the day is refused', async (t) => {
  for (const minutes of [-1, 24 * 60, 90.5, Number.NaN]) {
    t.throws(() => sessionEndAfterMs(JAN_2, minutes), RangeError, String(minutes));
  }
});
