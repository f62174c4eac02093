/** OrderStore (the io read model) <-> a snapshot section, one column per record field. */
import { asciiText } from '../../engine/protocol/ascii_text.js';
import { CLIENT_ORDER_ID_MAX_BYTES } from '../../engine/protocol/command_layout.js';
import { LIST_ORDERS_MAX } from '../../engine/protocol/order_list_rules.js';
import { OrderListRecord, OrderNumberField, OrderRecord, OrderStore } from '../read_model/order_store.js';
import { ColumnarFile, ColumnarWriter, FilledColumn } from './columnar_file.js';

const F64 = ['order_id', 'orig_order_id', 'replaced_by', 'qty_lots', 'price_ticks', 'stop_price_ticks', 'filled_qty_lots',
  'fill_notional', 'last_fill_qty_lots', 'last_fill_price_ticks', 'expire_at_ms', 'created_us', 'updated_us', 'last_seq'] as const;
const I32 = ['account', 'symbol', 'session_id'] as const;
const U8 = ['side', 'order_type', 'time_in_force', 'status', 'reason', 'triggered'] as const;
/** Added after snapshots were first written: an older file lacks it (and its orders had none). */
const EXEC_INST = 'exec_inst' as const;
/** Trailing orders' terms, added later still: absent in older files (no trailing orders then). */
const TRAILING_F64 = ['trailing_offset', 'limit_offset_ticks'] as const;
const TRAILING_OFFSET_TYPE = 'trailing_offset_type' as const;
/** Each order's contingent list: absent in files written before lists (no order had one). */
const LIST_ID = 'list_id' as const;
/** A reduce-only order trimmed on acceptance: absent in older files (read as not trimmed). */
const TRIMMED = 'trimmed' as const;
const SECTION = 'orders';
/** The lists themselves (header and member ids), a section of its own, absent in older files. */
const LISTS_SECTION = 'order_lists';

/**
 * Column by column straight from the store's own columns (no object per order: a store
 * holds up to OMS_ORDER_HISTORY orders), each written in pieces as the file is written
 * (FilledColumn), so the section never exists whole in memory. Returns how many orders
 * the section holds.
 */
export function writeOrderStoreSection(writer: ColumnarWriter, store: OrderStore): number {
  const ids = store.orderIds();
  const slots = store.locate(ids);
  const n = ids.length;
  const column = (field: OrderNumberField): FilledColumn => ({
    rows: n,
    row_elements: 1,
    fill: (into, first) => store.copyColumn(field, ids.subarray(first, first + into.length), slots.subarray(first, first + into.length), into),
  });
  const section = writer.section(SECTION, n);
  for (const field of F64) section.add(field, 'f64', field === 'order_id' ? ids : column(field));
  for (const field of I32) section.add(field, 'i32', column(field));
  for (const field of U8) section.add(field, 'u8', column(field));
  section.add(EXEC_INST, 'u8', column(EXEC_INST));
  for (const field of TRAILING_F64) section.add(field, 'f64', column(field));
  section.add(TRAILING_OFFSET_TYPE, 'u8', column(TRAILING_OFFSET_TYPE));
  section.add('reject_code', 'u16', column('reject_code'));
  section.add(LIST_ID, 'f64', column(LIST_ID));
  section.add(TRIMMED, 'u8', column(TRIMMED));
  const lengths = new Uint8Array(n);
  store.copyClientOrderIdLengths(ids, slots, lengths);
  section.add('cl_ord_id_length', 'u8', lengths);
  const client_order_ids: FilledColumn = {
    rows: n,
    row_elements: CLIENT_ORDER_ID_MAX_BYTES,
    fill: (into, first) => {
      const rows = into.length / CLIENT_ORDER_ID_MAX_BYTES;
      store.copyClientOrderIds(ids.subarray(first, first + rows), slots.subarray(first, first + rows), into as Uint8Array);
    },
  };
  section.add('cl_ord_id', 'u8', client_order_ids);
  writeListSection(writer, store.listRecords());
  return n;
}

function writeListSection(writer: ColumnarWriter, lists: readonly OrderListRecord[]): void {
  const n = lists.length;
  const members = new Float64Array(n * LIST_ORDERS_MAX);
  const lengths = new Uint8Array(n);
  const ids = new Uint8Array(n * CLIENT_ORDER_ID_MAX_BYTES);
  lists.forEach((list, i) => {
    list.order_ids.forEach((id, k) => { members[i * LIST_ORDERS_MAX + k] = id; });
    lengths[i] = list.list_client_id.length;
    for (let k = 0; k < list.list_client_id.length; k++) ids[i * CLIENT_ORDER_ID_MAX_BYTES + k] = list.list_client_id.charCodeAt(k);
  });
  writer.section(LISTS_SECTION, n)
    .add('list_id', 'f64', Float64Array.from(lists, (l) => l.list_id))
    .add('account', 'i32', Int32Array.from(lists, (l) => l.account))
    .add('contingency', 'u8', Uint8Array.from(lists, (l) => l.contingency))
    .add('created_us', 'f64', Float64Array.from(lists, (l) => l.created_us))
    .add('order_ids', 'f64', members)
    .add('list_client_id_length', 'u8', lengths)
    .add('list_client_id', 'u8', ids);
}

function readListSection(file: ColumnarFile, store: OrderStore): void {
  if (!file.hasSection(LISTS_SECTION)) return;
  const list_id = file.f64(LISTS_SECTION, 'list_id');
  const account = file.i32(LISTS_SECTION, 'account');
  const contingency = file.u8(LISTS_SECTION, 'contingency');
  const created_us = file.f64(LISTS_SECTION, 'created_us');
  const members = file.f64(LISTS_SECTION, 'order_ids');
  const lengths = file.u8(LISTS_SECTION, 'list_client_id_length');
  const ids = file.u8(LISTS_SECTION, 'list_client_id');
  for (let i = 0; i < file.count(LISTS_SECTION); i++) {
    const order_ids: number[] = [];
    for (let k = 0; k < LIST_ORDERS_MAX && members[i * LIST_ORDERS_MAX + k] > 0; k++) order_ids.push(members[i * LIST_ORDERS_MAX + k]);
    const list_client_id = asciiText(ids, i * CLIENT_ORDER_ID_MAX_BYTES, i * CLIENT_ORDER_ID_MAX_BYTES + lengths[i]);
    store.restoreList({ list_id: list_id[i], account: account[i], contingency: contingency[i], list_client_id, order_ids, created_us: created_us[i] });
  }
}

export function readOrderStore(file: ColumnarFile, store: OrderStore): void {
  const count = file.count(SECTION);
  const f64 = Object.fromEntries(F64.map((f) => [f, file.f64(SECTION, f)])) as Record<(typeof F64)[number], Float64Array>;
  const i32 = Object.fromEntries(I32.map((f) => [f, file.i32(SECTION, f)])) as Record<(typeof I32)[number], Int32Array>;
  const u8 = Object.fromEntries(U8.map((f) => [f, file.u8(SECTION, f)])) as Record<(typeof U8)[number], Uint8Array>;
  const exec_inst = file.hasColumn(SECTION, EXEC_INST) ? file.u8(SECTION, EXEC_INST) : new Uint8Array(count);
  const has_trailing = file.hasColumn(SECTION, TRAILING_OFFSET_TYPE);
  const trailing_type = has_trailing ? file.u8(SECTION, TRAILING_OFFSET_TYPE) : new Uint8Array(count);
  const trailing_offset = has_trailing ? file.f64(SECTION, 'trailing_offset') : new Float64Array(count);
  const limit_offset = has_trailing ? file.f64(SECTION, 'limit_offset_ticks') : new Float64Array(count);
  const reject = file.u16(SECTION, 'reject_code');
  const list_ids = file.hasColumn(SECTION, LIST_ID) ? file.f64(SECTION, LIST_ID) : new Float64Array(count);
  const trimmed = file.hasColumn(SECTION, TRIMMED) ? file.u8(SECTION, TRIMMED) : new Uint8Array(count);
  const cl_length = file.u8(SECTION, 'cl_ord_id_length');
  const cl = file.u8(SECTION, 'cl_ord_id');
  // One record object for every order: the store copies it into its columns (a snapshot
  // holds up to OMS_ORDER_HISTORY orders, and an object each would be that much garbage).
  const record = {} as OrderRecord;
  for (let i = 0; i < count; i++) {
    for (const field of F64) record[field] = f64[field][i];
    for (const field of I32) record[field] = i32[field][i];
    for (const field of U8) record[field] = u8[field][i];
    record.exec_inst = exec_inst[i];
    record.trailing_offset_type = trailing_type[i];
    record.trailing_offset = trailing_offset[i];
    record.limit_offset_ticks = limit_offset[i];
    record.reject_code = reject[i];
    record.list_id = list_ids[i];
    record.trimmed = trimmed[i];
    record.client_order_id = asciiText(cl, i * CLIENT_ORDER_ID_MAX_BYTES, i * CLIENT_ORDER_ID_MAX_BYTES + cl_length[i]);
    store.restore(record);
  }
  readListSection(file, store);
  store.last_seq = Number((file.meta as { seq: number }).seq);
}
