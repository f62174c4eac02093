/**
 * A contingent order list's status as both protocols show it (FIX ListOrderStatus, 431):
 * EXECUTING while a member is open, ALL_DONE once every member is final. From the read
 * model, which answers after the event that changed it is durable.
 */
import { isFinalStatus, ListOrderStatus } from '../../engine/protocol/enums.js';
import type { OrderListRecord, OrderStore } from '../../services/read_model/order_store.js';

/** Every member final (a member the read model has forgotten is long final). */
export function listAllDone(store: OrderStore, list: OrderListRecord): boolean {
  return list.order_ids.every((id) => {
    const status = store.statusOf(id);
    return status === 0 || isFinalStatus(status);
  });
}

export function listOrderStatus(store: OrderStore, list: OrderListRecord): ListOrderStatus {
  return listAllDone(store, list) ? ListOrderStatus.ALL_DONE : ListOrderStatus.EXECUTING;
}
