/**
 * A message the codec refused: what a Reject to the client needs (code from the reject
 * catalogue, reason, the refused message's seq and template when its header was
 * readable) plus where it was and whether the stream can go on.
 *
 * Refusals are returned, never thrown: decoding never throws on any input.
 */
import type { RejectCode } from '../../engine/protocol/reject_codes.js';

export class Refusal {
  constructor(
    /** A code from engine/protocol/reject_codes.ts, never OK. */
    readonly code: RejectCode,
    /** Short human reason, printable ASCII. */
    readonly reason: string,
    /** The refused message's seq, or undefined if its 12-byte header did not arrive whole. */
    readonly seq: number | undefined,
    /** The refused message's template id, under the same condition as seq. */
    readonly template_id: number | undefined,
    /** Byte offset of the refused message in the payload (or stream). */
    readonly offset: number,
    /**
     * True when framing is lost (a length field that cannot be right, or bytes missing
     * at the end): nothing after this point was or can be decoded, and the peer should
     * be disconnected. False when only this message is refused and decoding went on.
     */
    readonly fatal: boolean,
  ) {}
}

export function isRefusal(item: unknown): item is Refusal {
  return item instanceof Refusal;
}
