/**
 * The trading session's clock: the session ends every day at OMS_SESSION_END_UTC (minutes
 * after midnight UTC). That one instant is both when DAY orders expire (the io layer stamps
 * it on every DAY order) and when the PnL book rolls its daily figures, so it is computed
 * here, in one place, where both the io layer and the PnL worker may import it.
 */

export const DAY_MS = 86_400_000;

/**
 * Epoch ms of the first session end strictly after `now_ms`: when a DAY order placed now
 * expires, and when the current trading day's PnL rolls over.
 */
export function sessionEndAfterMs(now_ms: number, session_end_utc_minutes: number): number {
  if (!Number.isInteger(session_end_utc_minutes) || session_end_utc_minutes < 0 || session_end_utc_minutes >= 24 * 60) {
    throw new RangeError(`session end must be minutes after midnight UTC (0..1439), got ${session_end_utc_minutes}`);
  }
  const start_of_day = Math.floor(now_ms / DAY_MS) * DAY_MS;
  let end = start_of_day + session_end_utc_minutes * 60_000;
  if (end <= now_ms) end += DAY_MS;
  return end;
}
