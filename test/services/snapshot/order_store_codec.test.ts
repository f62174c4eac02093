/**
 * The io read model's snapshot section: written column by column from the store's own
 * columns (no object per order), it holds every order the store knows, pinned ones (whose
 * ring slot a newer order took) included, and reads back as restoring those records does.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { EVENT_SLOT_BYTES } from '../../../engine/protocol/event_layout.js';
import { slotViewsOver } from '../../../engine/protocol/slot_views.js';
import { OrderRecord, OrderStore } from '../../../services/read_model/order_store.js';
import { CLIENT_ORDER_ID_MAX_BYTES } from '../../../engine/protocol/command_layout.js';
import { ColumnarFile, ColumnarWriter } from '../../../services/snapshot/columnar_file.js';
import { readOrderStore, writeOrderStoreSection } from '../../../services/snapshot/order_store_codec.js';
import { EngineHarness } from '../../support/engine_harness.js';

function records(store: OrderStore): OrderRecord[] {
  const all: OrderRecord[] = [];
  store.forEach((r) => all.push(r));
  return all.sort((a, b) => a.order_id - b.order_id);
}

t.test('a store written to its section holds every order, pinned ones included, field by field, and reads back as its records restore', (t) => {
  const h = new EngineHarness();
  h.setMarket('BTCUSDT', { bid: '44999', ask: '45001', last: '45000', ask_size: '0.5' });
  // A ring of 8: the open orders among the first ones are pinned as newer orders take their slots.
  const store = new OrderStore(8);
  const ids = [];
  for (let k = 0; k < 20; k++) {
    ids.push(h.order({ side: 'buy', qty: '0.1', price: String(44000 + k), account: k % 2 === 0 ? 'alice' : 'bob', post_only: k % 3 === 0, id: `order-${k}` }).reply.order_id);
  }
  h.order({ side: 'buy', type: 'MARKET', tif: 'IOC', qty: '0.2' });
  const trimmed = h.order({ side: 'sell', price: '46000', qty: '1', reduce_only: true, id: 'trimmed' }).reply.order_id;
  h.cancel(ids[2]);
  h.replace(ids[4], { price: '44100' });
  const views = slotViewsOver(h.journalBytes().buffer);
  for (let i = 0; i < h.all_events.length; i++) store.apply(views, i * EVENT_SLOT_BYTES);
  const before = records(store);
  t.equal(before.find((r) => r.order_id === trimmed)?.trimmed, 1, 'a reduce-only order trimmed to the position');
  t.ok(before.length > 8, `orders beyond the ring's 8 slots are kept (pinned): ${before.length}`);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'order-store-codec-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'store.snap');
  const writer = new ColumnarWriter({ seq: store.last_seq });
  t.equal(writeOrderStoreSection(writer, store), before.length, 'the section counts every order');
  writer.write(file);

  const snapshot = new ColumnarFile(file);
  const section = 'orders';
  const numeric = Object.keys(before[0]).filter((f) => f !== 'client_order_id') as (keyof OrderRecord)[];
  const type = (f: string) => (['account', 'symbol', 'session_id'].includes(f) ? 'i32' : f === 'reject_code' ? 'u16'
    : ['side', 'order_type', 'time_in_force', 'status', 'reason', 'triggered', 'exec_inst', 'trailing_offset_type', 'trimmed'].includes(f) ? 'u8' : 'f64');
  for (const field of numeric) {
    const values = Array.from(snapshot[type(field)](section, field));
    t.same(values, before.map((r) => r[field]), `column ${field}`);
  }
  const lengths = snapshot.u8(section, 'cl_ord_id_length');
  const bytes = snapshot.u8(section, 'cl_ord_id');
  const client_ids = before.map((_, i) => Buffer.from(bytes.subarray(i * CLIENT_ORDER_ID_MAX_BYTES, i * CLIENT_ORDER_ID_MAX_BYTES + lengths[i])).toString('latin1'));
  t.same(client_ids, before.map((r) => r.client_order_id), 'client order ids');

  // Reading back restores oldest first, as restoring the records one by one does.
  const copy = new OrderStore(8);
  readOrderStore(snapshot, copy);
  const expected = new OrderStore(8);
  for (const record of before) expected.restore(record);
  t.same(records(copy), records(expected), 'read back: the same records as restoring them');
  t.equal(copy.last_seq, store.last_seq);
  for (const account of ['alice', 'bob']) {
    const index = h.account(account);
    t.same(copy.activeOrders(index).sort((a, b) => a - b), store.activeOrders(index).sort((a, b) => a - b), `${account}'s active orders`);
  }
  t.end();
});

t.test('the read model\'s contingent lists are written to their own section and read back, members in order', (t) => {
  const h = new EngineHarness();
  h.setMarket('BTCUSDT', { bid: '44999', ask: '45001', last: '45000' });
  const oco = h.orderList('OCO', [{ price: '44000' }, { side: 'sell', price: '46000' }], 'list-oco').reply.order_id;
  const oto = h.orderList('OTO', [{ price: '44000' }, { side: 'sell', price: '47000' }, { side: 'sell', price: '48000' }], 'list-oto').reply.order_id;
  const replacement = h.replace(oco + 2, { price: '46500' }).reply.order_id;
  const store = new OrderStore(64);
  const views = slotViewsOver(h.journalBytes().buffer);
  for (let i = 0; i < h.all_events.length; i++) store.apply(views, i * EVENT_SLOT_BYTES);
  t.match(store.getList(oco), { list_client_id: 'list-oco', order_ids: [oco + 1, replacement] }, 'a replaced member\'s replacement takes its place');
  t.equal(store.get(replacement)?.list_id, oco);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'order-store-lists-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'store.snap');
  const writer = new ColumnarWriter({ seq: store.last_seq });
  writeOrderStoreSection(writer, store);
  writer.write(file);
  const restored = new OrderStore(64);
  readOrderStore(new ColumnarFile(file), restored);
  t.same(restored.getList(oco), store.getList(oco));
  t.same(restored.getList(oto), store.getList(oto));
  t.equal(restored.get(oto + 3)?.list_id, oto);
  t.end();
});
