/**
 * The orders the engine benchmark sends: marketable limit IOC orders, cycling over the
 * demo symbols, buy then sell on each, so every order fills at the touch (or expires)
 * and nothing rests: the engine's state does not grow with the run, and positions swing
 * around zero so no risk limit is ever approached. Each order has a unique client order
 * id (prefix + index digits), so none is answered as a duplicate.
 *
 * Writing allocates nothing: one mutable terms object is reused and, because a string
 * per order would be garbage, the id is written once as a fixed-width placeholder by
 * CommandWriter and its digits are then patched in the slot (CMD_CL_ORD_ID is the id's
 * offset in the command layout).
 */
import { CLIENT_ORDER_ID_MAX_BYTES, CMD_CL_ORD_ID } from '../../engine/protocol/command_layout.js';
import { CommandWriter, OrderTerms } from '../../engine/protocol/command_writer.js';
import { OrderType, Side, TimeInForce } from '../../engine/protocol/enums.js';
import { RingProducer } from '../../engine/ring/ring.js';

export interface EngineOrderLeg {
  readonly symbol: number;
  /** Marketable limit prices: above the ask for buys, below the bid for sells. */
  readonly buy_price_ticks: number;
  readonly sell_price_ticks: number;
  readonly qty_lots: number;
}

export interface EngineOrderPlan {
  readonly account: number;
  readonly legs: readonly EngineOrderLeg[];
  readonly id_prefix: string;
}

export const ENGINE_ID_DIGITS = 12;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class EngineOrderStream {
  /** Public so the generator can set `writer.batch_us` (see engine_load.ts). */
  readonly writer: CommandWriter;
  private readonly terms: Mutable<OrderTerms>;
  private readonly digits_at: number;

  constructor(private readonly producer: RingProducer, private readonly plan: EngineOrderPlan) {
    if (plan.legs.length === 0) throw new Error('the engine order plan needs at least one symbol');
    if (plan.id_prefix.length + ENGINE_ID_DIGITS > CLIENT_ORDER_ID_MAX_BYTES) throw new Error('engine id prefix too long');
    this.writer = new CommandWriter(producer);
    this.digits_at = CMD_CL_ORD_ID + plan.id_prefix.length;
    this.terms = {
      request_id: 0,
      account: plan.account,
      symbol: 0,
      side: Side.BUY,
      order_type: OrderType.LIMIT,
      time_in_force: TimeInForce.IOC,
      qty_lots: 0,
      price_ticks: 0,
      stop_price_ticks: 0,
      expire_at_ms: 0,
      session_id: 0,
      client_order_id: plan.id_prefix + '0'.repeat(ENGINE_ID_DIGITS),
    };
  }

  /** Writes order `index` with request id index + 1; false if the command ring is full. Call publish() per batch. */
  write(index: number): boolean {
    const leg = this.plan.legs[Math.floor(index / 2) % this.plan.legs.length];
    const buy = (index & 1) === 0;
    const t = this.terms;
    t.request_id = (index + 1) >>> 0;
    t.symbol = leg.symbol;
    t.side = buy ? Side.BUY : Side.SELL;
    t.qty_lots = leg.qty_lots;
    t.price_ticks = buy ? leg.buy_price_ticks : leg.sell_price_ticks;
    const slot = this.producer.ring.slotOffset(this.producer.nextPosition());
    if (!this.writer.newOrder(t)) return false;
    const u8 = this.producer.ring.u8;
    let v = index;
    for (let k = ENGINE_ID_DIGITS - 1; k >= 0; k--) {
      u8[slot + this.digits_at + k] = 48 + (v % 10);
      v = Math.floor(v / 10);
    }
    return true;
  }

  publish(): void {
    this.writer.publish();
  }
}
