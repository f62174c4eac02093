/**
 * The PnL agent re-stamps every account's PnL record each confirm interval, traded or not,
 * so the engine can tell a quiet account from a stopped PnL worker (STALE_PNL).
 */
import t from 'tap';
import { EVENT_SLOT_BYTES } from '../../../engine/protocol/event_layout.js';
import { allocatePnlTable, PnlField } from '../../../engine/reference/pnl_table.js';
import { allocatePositionsTable } from '../../../engine/reference/positions_table.js';
import { RingConsumer, SharedRing } from '../../../engine/ring/ring.js';
import { PnlAgent } from '../../../services/pnl/pnl_agent.js';
import { PnlBook } from '../../../services/pnl/pnl_book.js';

const START_MS = Date.UTC(2026, 0, 5, 12);

t.test('an account that never trades has its PnL record re-stamped every confirm interval', async (t) => {
  const accounts = 3;
  const notional_scale = [1, 1];
  const book = new PnlBook({ accounts, notional_scale, session_end_utc_minutes: 0 });
  const pnl_table = allocatePnlTable(accounts);
  let now = START_MS;
  const agent = new PnlAgent({
    book,
    events: new RingConsumer(SharedRing.create(16, EVENT_SLOT_BYTES, 1), 0),
    marks: null,
    pnl_table,
    positions_table: allocatePositionsTable(accounts, notional_scale.length),
    health: null,
    replayed_through_seq: 0,
    now_ms: () => now,
    tick_interval_ms: 50,
    confirm_interval_ms: 1000,
  });
  const stamps = () => Array.from({ length: accounts }, (_, a) => pnl_table.readField(a, PnlField.UPDATED_AT_MS));

  agent.onStart();
  t.same(stamps(), [START_MS, START_MS, START_MS], 'every account is published at start');
  now += 500;
  agent.doWork();
  t.same(stamps(), [START_MS, START_MS, START_MS], 'not re-stamped before the interval');
  now += 600;
  agent.doWork();
  t.same(stamps(), [now, now, now], 'all re-stamped once the interval passed, with no event and no mark');
  t.equal(pnl_table.readField(1, PnlField.DAILY_PNL_MICROS), 0, 'with the same figure');
  agent.onClose();
});
