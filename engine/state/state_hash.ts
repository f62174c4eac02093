/**
 * A hash of everything replay must reproduce: open orders, positions, open exposure,
 * idempotency entries, contingent order lists, kill switches, trading states, halts and the sequence counters. Open orders are
 * combined with order-independent sums of per-order hashes, so the hash does not depend
 * on which slab slot an order happens to occupy (a snapshot restore and a full replay may
 * lay the slab out differently); the idempotency window contributes the running sum the
 * DedupeIndex keeps, so hashing costs time in proportion to open orders only. Transient
 * rate-limit state is left out on purpose: it is not recovered.
 *
 * Returns a 53-bit integer (safe in an f64 event field).
 */
import { CLIENT_ORDER_ID_MAX_BYTES } from '../protocol/command_layout.js';
import { FNV_OFFSET, mixNumber } from '../protocol/content_hash.js';
import { TradingState } from '../protocol/enums.js';
import { EngineState } from './engine_state.js';

export function stateHash(state: EngineState): number {
  const slab = state.slab;
  const lists = state.lists;
  let orders_sum = 0;
  let orders_xor = 0;
  for (let account = 0; account < slab.account_head.length; account++) {
    for (let slot = slab.account_head[account]; slot >= 0; slot = slab.nextInAccount(slot)) {
      let h = FNV_OFFSET;
      h = mixNumber(h, slab.order_id[slot]);
      h = mixNumber(h, account);
      h = mixNumber(h, slab.symbol[slot]);
      h = mixNumber(h, slab.side[slot] | (slab.order_type[slot] << 8) | (slab.time_in_force[slot] << 16) | (slab.status[slot] << 24));
      // exec_inst above the triggered bit: an order without instructions hashes as before.
      h = mixNumber(h, slab.triggered[slot] | (slab.exec_inst[slot] << 8));
      h = mixNumber(h, slab.qty_lots[slot]);
      h = mixNumber(h, slab.price_ticks[slot]);
      h = mixNumber(h, slab.stop_price_ticks[slot]);
      h = mixNumber(h, slab.filled_qty_lots[slot]);
      h = mixNumber(h, slab.fill_notional[slot]);
      h = mixNumber(h, slab.expire_at_ms[slot]);
      h = mixNumber(h, slab.ref_price_ticks[slot]);
      h = mixNumber(h, slab.content_hash[slot]);
      // Only trailing orders mix their terms in, so every other order hashes as before they existed.
      if (slab.trailing_offset_type[slot] !== 0) {
        h = mixNumber(h, slab.trailing_offset_type[slot]);
        h = mixNumber(h, slab.trailing_offset[slot]);
        h = mixNumber(h, slab.limit_offset_ticks[slot]);
      }
      // Likewise only list members mix in their list (its id and kind, their place, held).
      const list = lists.list_of[slot];
      if (list >= 0) {
        h = mixNumber(h, lists.id[list]);
        h = mixNumber(h, 0x7700 + lists.contingency[list] + (lists.member[slot] << 4) + (lists.held[slot] << 8));
      }
      const start = slot * CLIENT_ORDER_ID_MAX_BYTES;
      for (let k = 0; k < slab.cl_ord_id_length[slot]; k++) h = mixNumber(h, slab.cl_ord_id[start + k]);
      orders_sum = (orders_sum + (h >>> 0)) >>> 0;
      orders_xor = (orders_xor ^ Math.imul(h, 0x9e3779b1)) >>> 0;
    }
  }

  const book = state.book;
  let h = FNV_OFFSET;
  h = mixNumber(h, orders_sum);
  h = mixNumber(h, orders_xor);
  h = mixNumber(h, state.dedupe.content_sum);
  h = mixNumber(h, state.dedupe.count);
  h = mixNumber(h, slab.live);
  for (let cell = 0; cell < book.position_lots.length; cell++) {
    if (book.position_lots[cell] !== 0 || book.open_buy_lots[cell] !== 0 || book.open_sell_lots[cell] !== 0) {
      h = mixNumber(h, cell);
      h = mixNumber(h, book.position_lots[cell]);
      h = mixNumber(h, book.open_buy_lots[cell]);
      h = mixNumber(h, book.open_sell_lots[cell]);
    }
  }
  for (let account = 0; account < book.accounts; account++) {
    h = mixNumber(h, book.open_orders[account]);
    h = mixNumber(h, book.open_notional_micros[account]);
    h = mixNumber(h, book.kill_switch[account]);
    // Only a restriction is mixed in, so a state where every account is ACTIVE hashes as before trading states existed.
    if (book.trading_state[account] !== TradingState.ACTIVE) h = mixNumber(h, 0x7500 + book.trading_state[account]);
  }
  for (let symbol = 0; symbol < state.halted.length; symbol++) h = mixNumber(h, state.halted[symbol]);
  h = mixNumber(h, state.global_kill);
  if (state.global_trading_state !== TradingState.ACTIVE) h = mixNumber(h, 0x7600 + state.global_trading_state);
  h = mixNumber(h, state.last_seq);
  h = mixNumber(h, state.next_order_id);
  // 21 more bits from the order sum keep the result a 53-bit integer.
  return (orders_sum & 0x1fffff) * 4294967296 + (h >>> 0);
}
