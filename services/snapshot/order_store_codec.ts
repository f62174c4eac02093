/** OrderStore (the io read model) <-> a snapshot section, one column per record field. */
import { CLIENT_ORDER_ID_MAX_BYTES } from '../../engine/protocol/command_layout.js';
import { OrderNumberField, OrderRecord, OrderStore } from '../read_model/order_store.js';
import { ColumnarFile, ColumnarWriter } from './columnar_file.js';

const F64 = ['order_id', 'orig_order_id', 'replaced_by', 'qty_lots', 'price_ticks', 'stop_price_ticks', 'filled_qty_lots',
  'fill_notional', 'last_fill_qty_lots', 'last_fill_price_ticks', 'expire_at_ms', 'created_us', 'updated_us', 'last_seq'] as const;
const I32 = ['account', 'symbol', 'session_id'] as const;
const U8 = ['side', 'order_type', 'time_in_force', 'status', 'reason', 'triggered'] as const;
/** Added after snapshots were first written: an older file lacks it (and its orders had none). */
const EXEC_INST = 'exec_inst' as const;
/** Trailing orders' terms, added later still: absent in older files (no trailing orders then). */
const TRAILING_F64 = ['trailing_offset', 'limit_offset_ticks'] as const;
const TRAILING_OFFSET_TYPE = 'trailing_offset_type' as const;
const SECTION = 'orders';

/**
 * Column by column straight from the store's own columns (no object per order: a store
 * holds up to OMS_ORDER_HISTORY orders). Returns how many orders the section holds.
 */
export function writeOrderStoreSection(writer: ColumnarWriter, store: OrderStore): number {
  const ids = store.orderIds();
  const n = ids.length;
  const column = <T extends Float64Array | Int32Array | Uint16Array | Uint8Array>(field: OrderNumberField, into: T): T => {
    store.copyColumn(field, ids, into);
    return into;
  };
  const section = writer.section(SECTION, n);
  for (const field of F64) section.add(field, 'f64', field === 'order_id' ? ids : column(field, new Float64Array(n)));
  for (const field of I32) section.add(field, 'i32', column(field, new Int32Array(n)));
  for (const field of U8) section.add(field, 'u8', column(field, new Uint8Array(n)));
  section.add(EXEC_INST, 'u8', column(EXEC_INST, new Uint8Array(n)));
  for (const field of TRAILING_F64) section.add(field, 'f64', column(field, new Float64Array(n)));
  section.add(TRAILING_OFFSET_TYPE, 'u8', column(TRAILING_OFFSET_TYPE, new Uint8Array(n)));
  section.add('reject_code', 'u16', column('reject_code', new Uint16Array(n)));
  const lengths = new Uint8Array(n);
  const cl = new Uint8Array(n * CLIENT_ORDER_ID_MAX_BYTES);
  store.copyClientOrderIds(ids, lengths, cl);
  section.add('cl_ord_id_length', 'u8', lengths);
  section.add('cl_ord_id', 'u8', cl);
  return n;
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
    let id = '';
    for (let k = 0; k < cl_length[i]; k++) id += String.fromCharCode(cl[i * CLIENT_ORDER_ID_MAX_BYTES + k]);
    record.client_order_id = id;
    store.restore(record);
  }
  store.last_seq = Number((file.meta as { seq: number }).seq);
}
