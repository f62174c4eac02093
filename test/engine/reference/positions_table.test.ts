/**
 * The shared positions table's geometry, and the view functions over it: flat positions
 * with realized PnL still show, untouched cells do not unless asked, exact decimals.
 */
import t from 'tap';
import { AccountTable, DEMO_ACCOUNTS } from '../../../engine/reference/accounts.js';
import { DEMO_INSTRUMENTS, InstrumentTable } from '../../../engine/reference/instruments.js';
import { allocatePnlTable } from '../../../engine/reference/pnl_table.js';
import { seqlockRecordBytes, seqlockTableBytes } from '../../../engine/reference/seqlock_table_layout.js';
import { allocateOmsBuffers } from '../../../engine/shared_memory.js';
import { DEFAULT_ENGINE_CONFIG } from '../../../engine/config/engine_config.js';
import { SeqlockTable } from '../../../engine/reference/seqlock_table.js';
import { allocatePositionsTable, POSITION_FIELD_COUNT, PositionField, positionIndex } from '../../../engine/reference/positions_table.js';
import { renderPositions } from '../../../services/pnl/positions_view.js';

const instruments = new InstrumentTable(DEMO_INSTRUMENTS);
const accounts = new AccountTable(DEMO_ACCOUNTS, instruments);

t.test('one 128-byte record per account and symbol, in the OMS buffers', async (t) => {
  const table = allocatePositionsTable(2, 3);
  t.equal(table.record_count, 6);
  t.equal(table.field_count, POSITION_FIELD_COUNT);
  t.equal(seqlockRecordBytes(POSITION_FIELD_COUNT), 128, 'eight f64 fields plus the version: two cache lines');
  t.equal(table.buffer.byteLength, seqlockTableBytes(6, POSITION_FIELD_COUNT));
  t.equal(positionIndex(1, 2, 3), 5);
  const buffers = allocateOmsBuffers({ ...DEFAULT_ENGINE_CONFIG, event_ring_capacity: 1024, command_ring_capacity: 256, reply_ring_capacity: 256 }, 2, 3);
  t.equal(new SeqlockTable(buffers.positions).record_count, 6);
  t.equal(new SeqlockTable(buffers.journal_progress).record_count, 1);
  t.throws(() => allocatePositionsTable(0, 3));
});

t.test('the view shows open and closed-with-PnL positions in exact decimals, and skips untouched cells', async (t) => {
  const positions = allocatePositionsTable(accounts.count, instruments.count);
  const row = new Float64Array(POSITION_FIELD_COUNT);
  row[PositionField.POSITION_LOTS] = -3;
  row[PositionField.COST_LOTS_TICKS] = -3 * 10_001 - 1; // short 0.03 SOL, average 10001.333... ticks = 100.01333...
  row[PositionField.UNREALIZED_MICROS] = -1_234_567;
  row[PositionField.MARK_TICKS] = 10_050;
  row[PositionField.LAST_SEQ] = 7;
  row[PositionField.UPDATED_AT_MS] = Date.UTC(2026, 0, 5);
  positions.write(positionIndex(0, 2, instruments.count), row);
  row.fill(0);
  row[PositionField.REALIZED_MICROS] = 2_500_000;
  row[PositionField.LAST_SEQ] = 9;
  positions.write(positionIndex(1, 0, instruments.count), row);
  const view = { positions, pnl: allocatePnlTable(accounts.count), instruments, account_names: accounts.accounts.map((a) => a.name) };
  const rows = renderPositions(view);
  t.equal(rows.length, 2);
  t.same(rows[0], {
    account: 'test', symbol: 'SOLUSDT', quantity: -0.03, average_price: 100.0133333333, realized_pnl: 0, realized_pnl_today: 0,
    unrealized_pnl: -1.234567, mark_price: 100.5, quote_currency: 'USDT', last_sequence: 7, updated_at: '2026-01-05T00:00:00.000Z',
  });
  t.equal(rows[1].quantity, 0);
  t.equal(rows[1].average_price, null, 'flat: no average price');
  t.equal(rows[1].realized_pnl, 2.5);
  t.equal(renderPositions(view, { include_untouched: true }).length, 6);
  t.equal(renderPositions(view, { account: 1 }).length, 1);
  t.equal(renderPositions(view, { account: 0, symbol: 0 }).length, 0);
});
