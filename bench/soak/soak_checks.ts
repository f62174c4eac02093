/**
 * The soak's end checks, each a PASS or a FAIL with what it found:
 *  - the state hash: a marker placed just before the kill -9 (POST /admin/state-hash) is
 *    reproduced by the restarted engine as it replays the journal (GET /admin/state-hash);
 *  - every order the OMS acknowledged, before or after the restart, is there
 *    (GET /orders/{id}, under its client order id);
 *  - the NATS stream holds every order event of the journal once: no gap, no double, no
 *    event that is not an order event (against the journal follower's record);
 *  - Redis holds every acknowledged order with the OMS's status, every position equal to
 *    the OMS's, and the journal head as its last sequence;
 *  - snapshots retired journal segments; stop orders triggered; the OMS neither exited
 *    unasked nor logged an error.
 * Memory is memory_check.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { connect } from 'nats';
import { Redis } from 'ioredis';
import { listSegments } from '../../services/journal/journal_reader.js';
import { REDIS_LAST_SEQ_KEY } from '../../services/sinks/redis_sink.js';
import type { HttpJsonClient } from './http_client.js';
import { JournalFollower, SEQ_ORDER_EVENT, SEQ_OTHER_EVENT } from './journal_follower.js';
import type { AckedOrder } from './order_driver.js';
import { SOAK_ADMIN_TOKEN, SoakAccount } from './soak_oms.js';

export interface CheckResult {
  readonly name: string;
  readonly pass: boolean;
  readonly detail: string;
  /** Not judged (the run was too short for it): printed SKIP, not a failure. */
  readonly skipped?: boolean;
}

const LOOKUP_CONCURRENCY = 32;

export interface StateHashMarker {
  readonly sequence: number;
  readonly state_hash: number;
}

/** GET /admin/state-hash's `recovery`: what the restarted engine's replay found at the STATE_HASH markers. */
export interface RecoveryMarkers {
  readonly last_marker: StateHashMarker | null;
  readonly markers_matched: number;
  readonly markers_mismatched: number;
}

export async function stateHashCheck(client: HttpJsonClient, marker: StateHashMarker): Promise<CheckResult> {
  const answer = await client.request('GET', '/admin/state-hash', { 'x-admin-token': SOAK_ADMIN_TOKEN });
  return judgeStateHash(marker, answer.body?.recovery);
}

/**
 * Passes when the replay reproduced the state the engine had at the marker asked for just
 * before the kill: the replay's last marker is that one, with its hash, or a later one
 * (the snapshot scheduler asks for markers too, and one can land between the soak's and
 * the kill), and no marker replayed mismatched. A later marker that matched proves the
 * same state at a later point, computed by the engine before the kill.
 */
export function judgeStateHash(marker: StateHashMarker, recovery: RecoveryMarkers | undefined): CheckResult {
  const name = 'state hash after the restart equals the one before the kill';
  const last = recovery?.last_marker;
  const reached = last !== null && last !== undefined
    && (last.sequence > marker.sequence || (last.sequence === marker.sequence && last.state_hash === marker.state_hash));
  const pass = reached && recovery !== undefined && recovery.markers_mismatched === 0;
  return {
    name, pass,
    detail: `before the kill: ${marker.state_hash} at sequence ${marker.sequence}; the restarted engine's replay: `
      + `${last === null || last === undefined ? 'no marker' : `${last.state_hash} at sequence ${last.sequence}`}, `
      + `${recovery?.markers_matched} markers matched, ${recovery?.markers_mismatched} mismatched`,
  };
}

export interface AckedLookup {
  readonly result: CheckResult;
  /** The OMS's status of each acknowledged order, by order id. */
  readonly statuses: Map<string, string>;
  /** Acknowledged stop orders that triggered. */
  readonly stops_triggered: number;
  readonly stops: number;
}

export async function ackedOrdersCheck(client: HttpJsonClient, accounts: readonly SoakAccount[], acked: readonly AckedOrder[]): Promise<AckedLookup> {
  const statuses = new Map<string, string>();
  const missing: string[] = [];
  let stops_triggered = 0;
  let stops = 0;
  let next = 0;
  const reader = async (): Promise<void> => {
    while (next < acked.length) {
      const order = acked[next++];
      const answer = await client.request('GET', `/orders/${order.order_id}`, { 'x-api-key': accounts[order.account].api_key });
      if (answer.status !== 200 || answer.body.client_order_id !== order.client_order_id) {
        missing.push(`${order.order_id} (${order.client_order_id}): ${answer.status}`);
        continue;
      }
      statuses.set(order.order_id, answer.body.status);
      if (order.kind === 'stop' || order.kind === 'stop_limit') {
        stops++;
        if (answer.body.triggered === true) stops_triggered++;
      }
    }
  };
  await Promise.all(Array.from({ length: LOOKUP_CONCURRENCY }, reader));
  return {
    result: {
      name: 'every acknowledged order is there after the restart',
      pass: missing.length === 0 && acked.length > 0,
      detail: `${acked.length - missing.length} of ${acked.length} found${missing.length > 0 ? `; missing: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''}` : ''}`,
    },
    statuses, stops_triggered, stops,
  };
}

export async function natsCheck(url: string, follower: JournalFollower, durable_seq: number): Promise<CheckResult> {
  const name = 'the NATS stream holds every order event once';
  if (follower.failure !== null) return { name, pass: false, detail: follower.failure };
  if (follower.read_to < durable_seq) return { name, pass: false, detail: `the journal was followed to ${follower.read_to}, not to ${durable_seq}` };
  const nc = await connect({ servers: url });
  try {
    const info = await (await nc.jetstreamManager()).streams.info('ORDERS');
    const total = info.state.messages;
    const counts = new Uint8Array(durable_seq + 1);
    let beyond = 0;
    if (total > 0) {
      const consumer = await nc.jetstream().consumers.get('ORDERS');
      const messages = await consumer.consume({ max_messages: 2000 });
      let seen = 0;
      for await (const m of messages) {
        const seq = m.json<{ sequence: number }>().sequence;
        if (seq > durable_seq) beyond++;
        else if (counts[seq] < 255) counts[seq]++;
        if (++seen === total) break;
      }
    }
    let gaps = 0;
    let doubles = 0;
    let extras = 0;
    const examples: string[] = [];
    for (let seq = 1; seq <= durable_seq; seq++) {
      const kind = follower.kindOf(seq);
      const n = counts[seq];
      if (kind === SEQ_ORDER_EVENT && n === 0) { gaps++; if (examples.length < 5) examples.push(`${seq} missing`); }
      if (kind === SEQ_ORDER_EVENT && n > 1) { doubles++; if (examples.length < 5) examples.push(`${seq} ${n} times`); }
      if (kind === SEQ_OTHER_EVENT && n > 0) { extras++; if (examples.length < 5) examples.push(`${seq} is not an order event`); }
    }
    return {
      name, pass: gaps === 0 && doubles === 0 && extras === 0 && beyond === 0 && follower.order_events > 0,
      detail: `${total} messages for ${follower.order_events} order events in ${durable_seq} journal records: `
        + `${gaps} missing, ${doubles} doubled, ${extras} not order events, ${beyond} past the journal head${examples.length > 0 ? ` (${examples.join(', ')})` : ''}`,
    };
  } finally {
    await nc.close();
  }
}

export async function redisCheck(url: string, client: HttpJsonClient, accounts: readonly SoakAccount[], statuses: Map<string, string>, durable_seq: number): Promise<CheckResult> {
  const redis = new Redis(url, { maxRetriesPerRequest: 3 });
  try {
    const problems: string[] = [];
    // The engine can journal an event after the head the run waited for (a state-hash
    // marker of the snapshot schedule): Redis must be at that head or past it, and never
    // past the journal's head as it is now.
    const last_seq = Number(await redis.get(REDIS_LAST_SEQ_KEY));
    const workers = (await client.request('GET', '/health/workers', {})).body.workers as { name: string; position: number }[];
    const head_now = workers.find((w) => w.name === 'journal')?.position ?? durable_seq;
    if (!(last_seq >= durable_seq && last_seq <= head_now)) problems.push(`last_seq ${last_seq}, journal head ${durable_seq} (now ${head_now})`);
    let order_mismatches = 0;
    const ids = [...statuses.keys()];
    for (let i = 0; i < ids.length; i += 2000) {
      const batch = ids.slice(i, i + 2000);
      const pipeline = redis.pipeline();
      for (const id of batch) pipeline.hget(`order:${id}`, 'status');
      const results = (await pipeline.exec()) ?? [];
      results.forEach(([, value], k) => {
        if (value !== statuses.get(batch[k])) {
          if (order_mismatches++ < 3) problems.push(`order ${batch[k]}: Redis ${value}, OMS ${statuses.get(batch[k])}`);
        }
      });
    }
    let positions = 0;
    let position_mismatches = 0;
    for (const account of accounts) {
      const answer = await client.request('GET', '/positions', { 'x-api-key': account.api_key });
      for (const p of answer.body.positions) {
        positions++;
        const hash = await redis.hgetall(`position:${p.account}:${p.symbol}`);
        if (Number(hash.quantity) !== p.quantity || Number(hash.realized_pnl) !== p.realized_pnl || Number(hash.last_sequence) !== p.last_sequence) {
          if (position_mismatches++ < 3) problems.push(`${p.account} ${p.symbol}: OMS ${p.quantity} / ${p.realized_pnl}, Redis ${hash.quantity} / ${hash.realized_pnl}`);
        }
      }
    }
    const redis_positions = (await redis.keys('position:*')).length;
    if (redis_positions !== positions) problems.push(`Redis has ${redis_positions} positions, the OMS ${positions}`);
    return {
      name: 'Redis holds every acknowledged order and the OMS\'s positions',
      pass: problems.length === 0 && statuses.size > 0,
      detail: `${statuses.size - order_mismatches} of ${statuses.size} orders with the OMS's status, ${positions - position_mismatches} of ${positions} positions equal, last_seq ${last_seq}`
        + `${problems.length > 0 ? `; ${problems.join('; ')}` : ''}`,
    };
  } finally {
    redis.disconnect();
  }
}

export function retirementCheck(data_dir: string): CheckResult {
  const segments = listSegments(path.join(data_dir, 'journal'));
  const snapshots_dir = path.join(data_dir, 'snapshots');
  const snapshots = fs.existsSync(snapshots_dir) ? fs.readdirSync(snapshots_dir).length : 0;
  const first = segments[0]?.first_seq ?? 0;
  return {
    name: 'snapshots retired journal segments',
    pass: first > 1 && snapshots > 0,
    detail: `the journal now starts at sequence ${first} (${segments.length} segments); ${snapshots} snapshot files kept`,
  };
}

export function stopsCheck(stops: number, triggered: number): CheckResult {
  return { name: 'stop orders triggered as the marks moved', pass: triggered > 0, detail: `${triggered} of ${stops} acknowledged stop orders triggered` };
}

export function processCheck(unexpected_exits: number, problems: readonly string[]): CheckResult {
  return {
    name: 'the OMS did not exit unasked and logged no error',
    pass: unexpected_exits === 0 && problems.length === 0,
    detail: `${unexpected_exits} unexpected exits, ${problems.length} error or fatal log lines${problems.length > 0 ? `: ${problems.slice(0, 3).join(' | ').slice(0, 800)}` : ''}`,
  };
}
