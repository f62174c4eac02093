/**
 * Which order instructions (ExecInst bits) an order may carry, one rule for both front
 * ends (the JSON validation and the binary decoder's cross-field rules), so the engine
 * never sees a combination it does not handle.
 *
 * Post-only is for LIMIT orders resting on the book: a market or stop order exists to
 * take, a triggered stop-limit would arrive at the venue later against a touch nobody can
 * foresee, and an IOC or FOK order that may not take could only ever be canceled.
 */
import { ExecInst, OrderType, TimeInForce } from './enums.js';

export function postOnlyAllowed(order_type: number, time_in_force: number): boolean {
  return order_type === OrderType.LIMIT && time_in_force !== TimeInForce.IOC && time_in_force !== TimeInForce.FOK;
}

/** The instruction bits an order asks for that its type and time in force do not allow (0: none). */
export function disallowedExecInst(exec_inst: number, order_type: number, time_in_force: number): number {
  if ((exec_inst & ExecInst.POST_ONLY) !== 0 && !postOnlyAllowed(order_type, time_in_force)) return ExecInst.POST_ONLY;
  return 0;
}
