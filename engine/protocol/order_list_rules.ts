/**
 * What each kind of contingent order list is, in one table for the engine, the edge and
 * the docs (docs/ORDER_MODEL.md, "Contingent order lists").
 *
 *   OCO      2 members; a fill of either (a partial one too) cancels the other.
 *   OUO      2 members; a fill of either reduces the other by the quantity filled (the
 *            other is canceled when nothing is left of it).
 *   OTO      a parent (member 0) and 1 to LIST_ORDERS_MAX - 1 children, held (accepted,
 *            counted as exposure, not working) until the parent leaves the book; then
 *            released, each at most the quantity the parent filled, or canceled if it
 *            filled nothing.
 *   BRACKET  an entry (member 0) and two exits (a take-profit limit and a stop-loss), held
 *            as OTO children; once released the two exits are an OCO pair.
 */
import { ContingencyType } from './enums.js';

/** The most members a list may have. Bounds the events one fill can cause (see venue.ts). */
export const LIST_ORDERS_MAX = 4;

/** Whether `count` members make a list of this kind. */
export function listSizeAllowed(contingency: number, count: number): boolean {
  switch (contingency) {
    case ContingencyType.OCO:
    case ContingencyType.OUO: return count === 2;
    case ContingencyType.OTO: return count >= 2 && count <= LIST_ORDERS_MAX;
    case ContingencyType.BRACKET: return count === 3;
    default: return false;
  }
}

/** Members held until the parent leaves the book: every member but the first of an OTO or a bracket. */
export function isHeldMember(contingency: number, member: number): boolean {
  return member > 0 && (contingency === ContingencyType.OTO || contingency === ContingencyType.BRACKET);
}

/** Whether a fill of `member` cancels the list's other open members that are not held. */
export function fillCancelsOthers(contingency: number, member: number): boolean {
  return contingency === ContingencyType.OCO || (contingency === ContingencyType.BRACKET && member > 0);
}

/** Whether the list has a parent (member 0) whose leaving the book releases or cancels the rest. */
export function hasParent(contingency: number): boolean {
  return contingency === ContingencyType.OTO || contingency === ContingencyType.BRACKET;
}
