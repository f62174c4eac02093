/**
 * Writing JSON answers and refusals in the one error shape:
 * {success: false, code: <name>, reject_code: <number>, reason: <text>}.
 */
import { RejectCode, rejectInfo } from '../../engine/protocol/reject_codes.js';
import { HttpResponder } from './http_types.js';

export function sendJson(res: HttpResponder, status: number, body: unknown, headers?: readonly (readonly [string, string])[]): void {
  res.send(status, JSON.stringify(body), headers);
}

/**
 * Refuses with the catalogue's HTTP status for `code`. When the refusal concerns an order
 * (a risk reject, an order already final), the order rides along under `order`. Busy and
 * throttled answers carry Retry-After so a well-behaved client backs off.
 */
export function sendRefusal(res: HttpResponder, code: number, reason?: string, order?: { order_id: string }): void {
  const info = rejectInfo(code);
  const headers: [string, string][] = [];
  if (code === RejectCode.ENGINE_BUSY || code === RejectCode.NOT_READY || code === RejectCode.SHUTTING_DOWN
    || code === RejectCode.THROTTLED || code === RejectCode.ORDER_CAPACITY_EXHAUSTED) {
    headers.push(['retry-after', '1']);
  }
  const body: Record<string, unknown> = { success: false, code: info.name, reject_code: info.code, reason: reason ?? info.reason };
  if (order !== undefined) {
    body.order_id = order.order_id;
    body.order = order;
  }
  sendJson(res, info.http_status, body, headers);
}
