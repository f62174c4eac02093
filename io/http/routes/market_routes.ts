/**
 * GET /tickers and GET /ticker/:symbol in the seed's shape
 * {symbol, last_price, bid, ask, volume_24h, change_24h, timestamp}, read straight from
 * the shared mark table the engine prices against. change_24h is in percent.
 */
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import { formatUnits } from '../../../engine/reference/decimal.js';
import { MARK_FIELD_COUNT, MarkField } from '../../../engine/reference/mark_table.js';
import { IoContext } from '../../io_context.js';
import { sendJson, sendRefusal } from '../json_reply.js';
import { Router } from '../router.js';

export function addMarketRoutes(router: Router, ctx: IoContext): void {
  router.add('GET', '/tickers', (_req, res) => {
    sendJson(res, 200, ctx.instruments.instruments.map((i) => ticker(ctx, i.index)));
  });
  router.add('GET', '/ticker/:symbol', (_req, res, [symbol]) => {
    const index = ctx.instruments.indexOf(symbol.toUpperCase());
    if (index < 0) {
      return res.send(404, JSON.stringify({ success: false, code: 'UNKNOWN_SYMBOL', reject_code: RejectCode.UNKNOWN_SYMBOL, reason: `unknown symbol ${JSON.stringify(symbol)}` }));
    }
    sendJson(res, 200, ticker(ctx, index));
  });
}

const scratch = new Float64Array(MARK_FIELD_COUNT);

export function ticker(ctx: IoContext, symbol: number) {
  const instrument = ctx.instruments.at(symbol);
  ctx.marks.read(symbol, scratch);
  const price = (ticks: number) => (ticks > 0 ? Number(formatUnits(ticks, instrument.tick)) : null);
  const last = scratch[MarkField.LAST_TICKS];
  const open = scratch[MarkField.OPEN_24H_TICKS];
  const updated = scratch[MarkField.UPDATED_AT_MS];
  return {
    symbol: instrument.spec.symbol,
    last_price: price(last),
    bid: price(scratch[MarkField.BID_TICKS]),
    ask: price(scratch[MarkField.ASK_TICKS]),
    volume_24h: Number(formatUnits(scratch[MarkField.VOLUME_24H_LOTS], instrument.lot)),
    change_24h: open > 0 && last > 0 ? Math.round(((last - open) / open) * 1e6) / 1e4 : 0,
    timestamp: updated > 0 ? new Date(updated).toISOString() : null,
  };
}
