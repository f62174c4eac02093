/**
 * GET /instruments: everything a client needs to build a valid order for every traded
 * symbol, so nobody has to read tick sizes out of refusal reasons: the tick and lot grids,
 * the smallest and largest quantity, the largest notional and the price collar (with any
 * operator override applied: the limits the engine checks against now), how many decimals
 * prices and quantities have, and whether the symbol is trading or halted.
 *
 * Reference data, public like /tickers: no API key needed. Quantities and sizes are exact
 * decimal strings (a JSON number would round 0.1 to the nearest double).
 */
import { formatUnits } from '../../../engine/reference/decimal.js';
import { MICRO } from '../../../engine/reference/instruments.js';
import { AdminState } from '../../admin/admin_state.js';
import { LimitsManager } from '../../admin/limits_manager.js';
import { IoContext } from '../../io_context.js';
import { sendJson } from '../json_reply.js';
import { Router } from '../router.js';

export function addInstrumentRoutes(router: Router, ctx: IoContext, admin: AdminState, limits: LimitsManager): void {
  router.add('GET', '/instruments', (_req, res) => {
    const bank = limits.activeLimits();
    const instruments = ctx.instruments.instruments.map((i) => ({
      symbol: i.spec.symbol,
      base: i.spec.base,
      quote: i.spec.quote,
      status: admin.halted_symbols.has(i.index) ? 'HALTED' : 'TRADING',
      tick_size: formatUnits(1, i.tick),
      lot_size: formatUnits(1, i.lot),
      min_quantity: formatUnits(1, i.lot),
      max_quantity: ctx.instruments.lotsToText(i.index, bank.max_order_qty_lots[i.index]),
      max_notional: formatUnits(bank.max_order_notional_micros[i.index], MICRO),
      collar_bps: bank.collar_bps[i.index],
      price_decimals: i.tick.scale,
      quantity_decimals: i.lot.scale,
    }));
    sendJson(res, 200, {
      success: true, quote_currency: ctx.instruments.quote_currency, limits_version: limits.version,
      count: instruments.length, instruments,
    });
  });
}
