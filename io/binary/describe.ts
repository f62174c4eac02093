/**
 * Text views of the protocol for PROTOCOL.md and its tests: hex dumps in the document's
 * format and the layout table of a template. Not used on the hot path.
 */
import type { FieldLayout } from './message_schema.js';

/** "0000  70 00 02 00 01 00 00 00  02 00 00 00 01 02 02 00" lines, 16 bytes each. */
export function hexDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let at = 0; at < bytes.length; at += 16) {
    const row: string[] = [];
    for (let k = at; k < Math.min(at + 16, bytes.length); k++) {
      row.push(bytes[k].toString(16).padStart(2, '0') + (k - at === 7 ? ' ' : ''));
    }
    lines.push(`${at.toString(16).padStart(4, '0')}  ${row.join(' ').trimEnd()}`);
  }
  return lines.join('\n');
}

/** Reads a hexDump back (offset column first, then byte pairs); undefined if malformed. */
export function parseHexDump(text: string): Uint8Array | undefined {
  const out: number[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.length === 0) continue;
    const [offset, ...pairs] = line.split(/\s+/);
    if (!/^[0-9a-f]{4}$/i.test(offset) || parseInt(offset, 16) !== out.length) return undefined;
    for (const pair of pairs) {
      if (!/^[0-9a-f]{2}$/i.test(pair)) return undefined;
      out.push(parseInt(pair, 16));
    }
  }
  return Uint8Array.from(out);
}

/** A template's layout as markdown table rows: | offset | field | type | (meaning left to the doc). */
export function layoutRows(layout: readonly FieldLayout[]): string[] {
  return layout.map((f) => `| ${f.offset} | ${f.name} | ${f.wire_type} |`);
}
