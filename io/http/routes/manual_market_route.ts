/**
 * POST /admin/market (admin token; only with OMS_MARKET_DATA=manual): sets a symbol's
 * marks by hand, for tests and demos that need prices to be exactly what they say.
 * The io thread is then the mark table's only writer, as the market-data worker would
 * be otherwise; the engine is woken so resting orders see the new marks at once.
 */
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import { decimalOf } from '../../../engine/reference/decimal.js';
import { MARK_FIELD_COUNT, MarkField } from '../../../engine/reference/mark_table.js';
import { Doorbell } from '../../../engine/ring/doorbell.js';
import { IoContext } from '../../io_context.js';
import { sendJson, sendRefusal } from '../json_reply.js';
import { Router } from '../router.js';
import { ticker } from './market_routes.js';
import { parseJsonObject, requireAdmin } from './route_helpers.js';

export function addManualMarketRoute(router: Router, ctx: IoContext, engine_doorbell: Doorbell): void {
  router.add('POST', '/admin/market', (req, res) => {
    if (!requireAdmin(ctx, req, res)) return;
    const body = parseJsonObject(req, res);
    if (body === undefined) return;
    if (typeof body.symbol !== 'string') return sendRefusal(res, RejectCode.MISSING_FIELD, 'symbol is required');
    const symbol = ctx.instruments.indexOf(body.symbol.toUpperCase());
    if (symbol < 0) return sendRefusal(res, RejectCode.UNKNOWN_SYMBOL);
    const values = new Float64Array(MARK_FIELD_COUNT);
    ctx.marks.read(symbol, values);
    const fields: [string, number, 'price' | 'qty'][] = [
      ['bid', MarkField.BID_TICKS, 'price'], ['ask', MarkField.ASK_TICKS, 'price'], ['last', MarkField.LAST_TICKS, 'price'],
      ['bid_size', MarkField.BID_SIZE_LOTS, 'qty'], ['ask_size', MarkField.ASK_SIZE_LOTS, 'qty'],
    ];
    for (const [name, field, kind] of fields) {
      const raw = body[name];
      if (raw === undefined || raw === null) continue;
      const decimal = typeof raw === 'number' || typeof raw === 'string' ? decimalOf(raw) : undefined;
      if (decimal === undefined || decimal.mantissa < 0n) return sendRefusal(res, RejectCode.INVALID_PRICE, `${name} must be a decimal >= 0`);
      const units = kind === 'price' ? ctx.instruments.priceToTicks(symbol, decimal) : ctx.instruments.qtyToLots(symbol, decimal);
      if (!units.ok) return sendRefusal(res, kind === 'price' ? RejectCode.OFF_TICK : RejectCode.OFF_LOT, `${name} is off the symbol's grid`);
      values[field] = units.units;
    }
    if (body.last === undefined && body.bid !== undefined && body.ask !== undefined) {
      values[MarkField.LAST_TICKS] = Math.round((values[MarkField.BID_TICKS] + values[MarkField.ASK_TICKS]) / 2);
    }
    if (values[MarkField.OPEN_24H_TICKS] === 0) values[MarkField.OPEN_24H_TICKS] = values[MarkField.LAST_TICKS];
    values[MarkField.UPDATED_AT_MS] = Date.now();
    ctx.marks.write(symbol, values);
    engine_doorbell.ringIfParked();
    sendJson(res, 200, { success: true, ...ticker(ctx, symbol) });
  });
}
