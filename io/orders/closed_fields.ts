/**
 * The closed set of field names a JSON request body may carry (JSON Schema's
 * `additionalProperties: false`), compiled once when the module that owns the body loads,
 * never per request.
 *
 * Why refuse rather than ignore: a client that sends an instruction this API does not
 * know (say `"iceberg_quantity": 1`, or `"post_only": true` before post-only existed) would
 * otherwise get an order without it, and it would fill. An order entry API must not guess what a client meant, so
 * the first field it does not know refuses the whole request with UNKNOWN_FIELD, named.
 *
 * The check is one pass over the body's own keys with a Set lookup each: no array of keys
 * (`for...in` walks V8's enum cache), nothing allocated unless the body is refused.
 */
import { RejectCode } from '../../engine/protocol/reject_codes.js';

export interface ClosedFields {
  /** What the body is, for the reason: "an order", "a replace". */
  readonly body_name: string;
  readonly fields: ReadonlySet<string>;
}

export interface UnknownFieldRefusal {
  readonly code: typeof RejectCode.UNKNOWN_FIELD;
  readonly reason: string;
}

/** The compiled field set of one kind of body. Call at module load. */
export function closedFields(body_name: string, fields: readonly string[]): ClosedFields {
  const set = new Set(fields);
  if (set.size !== fields.length) throw new Error(`${body_name}: a field is listed twice`);
  return Object.freeze({ body_name, fields: set });
}

/**
 * The refusal for the first field of `body` outside `closed`, or null when every field is
 * known. `body` is a parsed JSON object: its keys are all own and enumerable.
 */
export function unknownField(closed: ClosedFields, body: Record<string, unknown>): UnknownFieldRefusal | null {
  for (const key in body) {
    if (!closed.fields.has(key)) return { code: RejectCode.UNKNOWN_FIELD, reason: unknownFieldReason(closed, key) };
  }
  return null;
}

function unknownFieldReason(closed: ClosedFields, key: string): string {
  const known = closed.fields.size === 0 ? 'it takes no fields' : `its fields are ${[...closed.fields].join(', ')}`;
  // The name is quoted as JSON and cut, so a hostile key cannot make the reason unbounded.
  const name = JSON.stringify(key.length > 64 ? `${key.slice(0, 64)}...` : key);
  return `unknown field ${name} in ${closed.body_name}: ${known}; nothing was done`;
}
