/**
 * io/PROTOCOL.md is checked against the codec so the specification cannot drift: every
 * hex example is what the encoder writes and decodes back to the message it describes,
 * every annotated byte is where the layout puts it, every template table is the
 * template's layout, every enum table lists the enum, the decoder's reject-code
 * table lists exactly the codes the decoder can produce, and the close-code tables list
 * exactly the close codes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { ContingencyType, ExecReason, OrderType, Side, TimeInForce } from '../../../engine/protocol/enums.js';
import { RejectCode, rejectInfo } from '../../../engine/protocol/reject_codes.js';
import {
  ClientMessage, CLIENT_MESSAGE_SCHEMAS, decodeClientMessages, decodeServerMessages, encodeClientBatch,
  encodeServerBatch, ExecType, hexDump, LogonFeature, ReportFlag, HEADER_BYTES, OrdStatus, parseHexDump, Refusal, rejectForRefusal,
  SERVER_MESSAGE_SCHEMAS, ServerMessage, TemplateId, WsCloseCode,
} from '../../../io/binary/index.js';
import { HEADER_FIELDS } from '../../../io/binary/header.js';
import { ORDER_RULE_FAULTS } from '../../../io/binary/order_rules.js';

function findDoc(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'io', 'PROTOCOL.md'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('io/PROTOCOL.md not found above the test');
    dir = parent;
  }
  return readFileSync(join(dir, 'io', 'PROTOCOL.md'), 'utf8');
}

const doc = findDoc();
const schemas = [...CLIENT_MESSAGE_SCHEMAS, ...SERVER_MESSAGE_SCHEMAS];

/** Body rows (cells trimmed) of the first table at or after `heading`: header and separator rows dropped. */
function tableAfter(heading: RegExp, from = 0): string[][] {
  const rest = doc.slice(from);
  const match = heading.exec(rest);
  if (match === null) return [];
  const lines = rest.slice(match.index).split('\n');
  const start = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(start)) {
    if (!line.startsWith('|')) break;
    rows.push(line.split('|').slice(1, -1).map((c) => c.trim()));
  }
  return rows.slice(2);
}

const examples: Record<string, ClientMessage | ServerMessage> = {
  logon: { template_id: TemplateId.LOGON, seq: 1, cancel_on_disconnect: true, features: 0, api_key: 'k3y-7d1f0a9c2b' },
  new_order: {
    template_id: TemplateId.NEW_ORDER, seq: 2, side: Side.BUY, order_type: OrderType.LIMIT,
    time_in_force: TimeInForce.GTC, exec_inst: 0, expire_time_ms: 0, quantity: { mantissa: 5n, scale: 1 },
    price: { mantissa: 4500012n, scale: 2 }, stop_price: undefined, symbol: 'BTCUSDT', client_order_id: 'ord-0001',
  },
  cancel: { template_id: TemplateId.CANCEL, seq: 3, order_id: 1001 },
  replace: {
    template_id: TemplateId.REPLACE, seq: 4, orig_order_id: 1001, quantity: undefined,
    price: { mantissa: 450105n, scale: 1 }, stop_price: undefined, client_order_id: 'ord-0002',
  },
  execution_report: {
    template_id: TemplateId.EXECUTION_REPORT, seq: 7, reject_code: RejectCode.OK, exec_type: ExecType.TRADE,
    ord_status: OrdStatus.FILLED, exec_id: 5123, order_id: 1001, orig_order_id: 0,
    transact_time_us: Date.UTC(2026, 0, 5, 12) * 1000 + 123456,
    order_qty: { mantissa: 5n, scale: 1 }, price: { mantissa: 4500012n, scale: 2 }, stop_price: undefined,
    cum_qty: { mantissa: 5n, scale: 1 }, leaves_qty: { mantissa: 0n, scale: 0 }, avg_px: { mantissa: 4500012n, scale: 2 },
    last_qty: { mantissa: 5n, scale: 1 }, last_px: { mantissa: 4500012n, scale: 2 }, side: Side.BUY,
    order_type: OrderType.LIMIT, time_in_force: TimeInForce.GTC, exec_reason: ExecReason.NONE,
    symbol: 'BTCUSDT', client_order_id: 'ord-0001', report_flags: 0,
  },
  reject: {
    template_id: TemplateId.REJECT, seq: 8, ref_seq: 9, code: RejectCode.INVALID_SIDE,
    ref_template_id: TemplateId.NEW_ORDER, reason: 'side must be one of 1=BUY, 2=SELL',
  },
  new_order_list: { template_id: TemplateId.NEW_ORDER_LIST, seq: 5, contingency: ContingencyType.OCO, member_count: 2, list_client_id: 'oco-0001' },
  list_status: {
    template_id: TemplateId.LIST_STATUS, seq: 12, ref_seq: 5, list_id: 1201, order_id_0: 1202, order_id_1: 1203, order_id_2: 0, order_id_3: 0,
    ref_template_id: TemplateId.NEW_ORDER_LIST, contingency: ContingencyType.OCO, list_order_status: 3, member_count: 2, duplicate: false,
    canceled_orders: 0, list_client_id: 'oco-0001',
  },
};

const EXAMPLE = /```hex example=(\w+)\n([\s\S]*?)```/g;
const dumps = new Map([...doc.matchAll(EXAMPLE)].map((m) => [m[1], { bytes: parseHexDump(m[2]), at: m.index }]));

const encode = (m: ClientMessage | ServerMessage) => m.template_id < 100
  ? encodeClientBatch([m as ClientMessage])
  : encodeServerBatch([m as ServerMessage]);
const decode = (bytes: Uint8Array, server: boolean) => (server ? decodeServerMessages(bytes) : decodeClientMessages(bytes));

t.test('the document has the worked examples the brief asks for, plus a batch', (t) => {
  t.same([...dumps.keys()].sort(), [...Object.keys(examples), 'batch'].sort());
  t.end();
});

t.test('every hex example is byte for byte what the codec writes, and decodes back to its message', (t) => {
  for (const [name, message] of Object.entries(examples)) {
    const dump = dumps.get(name)?.bytes;
    t.ok(dump, `${name} dump parses`);
    if (dump === undefined) continue;
    t.equal(hexDump(dump), hexDump(encode(message)), `${name} bytes`);
    t.same(decode(dump, message.template_id > 100), [message], `${name} decodes`);
  }
  const batch = dumps.get('batch')?.bytes ?? new Uint8Array(0);
  t.same(decodeClientMessages(batch), [examples.cancel, { template_id: TemplateId.HEARTBEAT, seq: 4 }], 'batch');
  t.end();
});

t.test('the Reject example is what the server sends for a NewOrder with side 3', (t) => {
  const bad = encode({ ...(examples.new_order as ClientMessage), seq: 9 });
  bad[12] = 3;
  const [refusal] = decodeClientMessages(bad);
  t.ok(refusal instanceof Refusal);
  t.same(encodeServerBatch([{ template_id: TemplateId.REJECT, ...rejectForRefusal(8, refusal as Refusal) }]), dumps.get('reject')?.bytes);
  t.end();
});

t.test('every annotated byte in an example breakdown is where the layout puts it', (t) => {
  for (const [name, message] of Object.entries(examples)) {
    const { bytes, at } = dumps.get(name)!;
    const schema = schemas.find((s) => s.template_id === message.template_id)!;
    const rows = tableAfter(/\| Offset \| Bytes \| Field \| Value \|/, at);
    t.same(rows.map((r) => [Number(r[0]), r[2]]), schema.layout.map((f) => [f.offset, f.name]), `${name} rows`);
    for (const [offset, cell] of rows) {
      const [, listed, zeros] = /^((?:[0-9a-f]{2} ?)*?)\s*(?:00×(\d+))?$/.exec(cell) ?? [];
      const expected = [...(listed ?? '').split(' ').filter(Boolean), ...new Array(Number(zeros ?? 0)).fill('00')];
      const size = schema.layout.find((f) => f.offset === Number(offset))!.size;
      t.same(expected, [...bytes!.subarray(Number(offset), Number(offset) + size)].map((b) => b.toString(16).padStart(2, '0')),
        `${name} @${offset}`);
    }
  }
  t.end();
});

t.test('the header table and every template table match the schemas', (t) => {
  t.same(tableAfter(/^## 4\. Message header$/m).map((r) => [Number(r[0]), r[1], r[2]]),
    HEADER_FIELDS.map((f) => [f.offset, f.name, f.wire_type]), 'header');
  for (const schema of schemas) {
    const heading = new RegExp(`^### [\\d.]+ ${schema.name} — template ${schema.template_id}, ${schema.byte_size} bytes$`, 'm');
    t.ok(heading.test(doc), `${schema.name} has a heading with its id and size`);
    const rows = tableAfter(heading).map((r) => [Number(r[0]), r[1], r[2]]);
    t.same(rows, schema.layout.filter((f) => f.offset >= HEADER_BYTES).map((f) => [f.offset, f.name, f.wire_type]), schema.name);
  }
  t.end();
});

t.test('every enum table lists exactly the enum\'s members', (t) => {
  const tables: [RegExp, Record<string, number | string>][] = [
    [/^### 8\.1 TemplateId$/m, TemplateId], [/^### 8\.2 Side$/m, Side], [/^### 8\.3 OrderType$/m, OrderType],
    [/^### 8\.4 TimeInForce$/m, TimeInForce], [/^### 8\.5 ExecType/m, ExecType], [/^### 8\.6 OrdStatus/m, OrdStatus],
    [/^### 8\.7 ExecReason$/m, ExecReason], [/^### 8\.9 LogonFeature/m, LogonFeature], [/^### 8\.10 ReportFlag/m, ReportFlag],
    [/^### 8\.12 ContingencyType/m, ContingencyType],
  ];
  for (const [heading, table] of tables) {
    const rows = tableAfter(heading).map((r) => [r[0], r[1]]);
    t.same(rows, Object.entries(table).map(([name, value]) => [String(value), name]), heading.source);
  }
  t.end();
});

t.test('the decoder\'s reject-code table lists exactly the codes the decoder produces, as the catalogue numbers them', (t) => {
  const produced = new Set<number>([
    RejectCode.MALFORMED_BODY, RejectCode.BODY_TOO_LARGE, RejectCode.UNSUPPORTED_VERSION, RejectCode.UNKNOWN_MESSAGE_TYPE,
    ...ORDER_RULE_FAULTS.map((f) => f.code),
  ]);
  for (const schema of CLIENT_MESSAGE_SCHEMAS) {
    for (const field of Object.values(schema.fields)) {
      for (const kind of [1, 2, 3, 4]) produced.add(field.fault(kind, 'x').code);
    }
  }
  const rows = tableAfter(/^Codes this protocol's decoder produces:$/m);
  for (const [code, name] of rows) t.equal(rejectInfo(Number(code)).name, name, `${code} is ${name}`);
  t.same(rows.map((r) => Number(r[0])), [...produced].sort((a, b) => a - b));
  t.end();
});

t.test('the close-code table (§12) and the client\'s table of what to do (§16.2) list exactly the close codes', (t) => {
  const codes = Object.values(WsCloseCode).sort((a, b) => a - b);
  t.same(tableAfter(/^## 12\. /m).map((r) => Number(r[0])), codes, '§12: one row per code');
  const actions = [...new Set(tableAfter(/^### 16\.2 /m).map((r) => Number.parseInt(r[0], 10)).filter((n) => !Number.isNaN(n)))].sort((a, b) => a - b);
  t.same(actions, [...codes, 1006].sort((a, b) => a - b), '§16.2: every code, and 1006 (no close frame)');
  t.end();
});

