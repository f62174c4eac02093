/**
 * Garbage never crashes the process. Random JSON values, order-shaped records with wild
 * fields, random strings and random bytes are posted to POST /orders, PATCH
 * /orders/:id and POST /check; every answer must be a well-formed JSON success or a
 * JSON error with a code from the catalogue, never a 500 and never a dropped connection.
 * A few hundred requests, reproducible from the seed fast-check prints on failure.
 */
import fc from 'fast-check';
import t from 'tap';
import { OmsServer } from '../../support/oms_server.js';
import { errorShapeProblems, restingBuy, setKnownMarket } from './fixtures/http_fixtures.js';
import { checkAnswers, OpenApiContract, recordAnswers } from './fixtures/openapi_contract.js';

const RUNS = 300;

const oms = await OmsServer.start();
t.teardown(() => oms.cleanup());
const answers = recordAnswers(oms);
await setKnownMarket(oms);
const resting = await oms.request('POST', '/orders', { body: restingBuy({ quantity: 1 }) });

/** Something in every field's place: valid values most of the time, so requests get past the first check. */
const anything = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom('', ' ', 'NaN', 'Infinity', '-0', '1e400', '1e-400', '0x10', '1_000', '9007199254740993', '.5', '5.', '+1', '\u0000', '🙂'),
);
const decimal = fc.oneof(
  fc.double(), fc.integer(), fc.double().map(String),
  fc.constantFrom('0.01', '0.0001', '44000', '44000.00', '45001', '1e2', '0.00000001', '123456789012345678901234567890'),
);
const likely = <T>(...values: T[]) => fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: anything });
const orderish = fc.record({
  symbol: likely('BTCUSDT', 'ethusdt', 'SOLUSDT'),
  side: likely('buy', 'sell', 'BUY'),
  quantity: fc.oneof(decimal, anything),
  price: fc.oneof(decimal, anything),
  stop_price: fc.oneof(decimal, anything),
  order_type: likely('LIMIT', 'MARKET', 'STOP', 'STOP_LIMIT', 'market'),
  type: likely('LIMIT', 'MARKET'),
  time_in_force: likely('GTC', 'IOC', 'FOK', 'DAY', 'GTD'),
  expire_time: fc.oneof(fc.integer(), anything, fc.date({ noInvalidDate: true }).map((d) => d.toISOString())),
  client_order_id: fc.oneof(fc.string({ maxLength: 45 }), anything),
  account: likely('test', 'demo2'),
}, { requiredKeys: [] });

/** A sensible order with at most one field replaced by anything: these get past validation and reach the engine. */
const plausible = fc.tuple(
  fc.record({
    symbol: fc.constantFrom('BTCUSDT', 'ETHUSDT'),
    side: fc.constantFrom('buy', 'sell'),
    quantity: fc.constantFrom(0.01, '0.02', 0.5, 1),
    price: fc.constantFrom(44000, '44990.5', 45001, 2400, 2501),
    order_type: fc.constantFrom('LIMIT', 'MARKET'),
    time_in_force: fc.constantFrom('GTC', 'IOC', 'FOK'),
    client_order_id: fc.stringMatching(/^[a-z0-9-]{1,12}$/),
  }, { requiredKeys: ['symbol', 'side', 'quantity'] }),
  fc.option(fc.tuple(fc.constantFrom('symbol', 'side', 'quantity', 'price', 'order_type', 'time_in_force', 'client_order_id', 'stop_price', 'account'), anything)),
).map(([order, mutation]) => (mutation === null ? order : { ...order, [mutation[0]]: mutation[1] }));

const body = fc.oneof(
  { weight: 2, arbitrary: plausible.map((o) => Buffer.from(JSON.stringify(o))) },
  { weight: 2, arbitrary: orderish.map((o) => Buffer.from(JSON.stringify(o))) },
  { weight: 1, arbitrary: fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? 'null')) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }).map((s) => Buffer.from(s)) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)) },
);
const route = fc.oneof(
  fc.constant(['POST', '/orders'] as const),
  fc.constant(['POST', '/check'] as const),
  fc.constant(['PATCH', `/orders/${resting.body.order_id}`] as const),
  // Any id at all, except the ones fetch normalises away as dot segments or an empty segment (another route).
  fc.oneof(fc.nat(), fc.string({ minLength: 1, maxLength: 12 }).filter((id) => id !== '.' && id !== '..'))
    .map((id) => ['PATCH', `/orders/${encodeURIComponent(String(id))}`] as const),
);

const ALLOWED = new Set([200, 400, 403, 404, 409, 413, 422]);

t.test('every random body gets a well-formed JSON answer with a catalogue code, never a 500 or a dropped connection', async (t) => {
  const statuses = new Map<number, number>();
  await fc.assert(fc.asyncProperty(route, body, async ([method, path], raw) => {
    const result = await oms.request(method, path, { raw }); // throws (and fails the property) if the connection drops
    statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);
    if (!ALLOWED.has(result.status)) throw new Error(`status ${result.status}: ${result.text}`);
    if (result.body === undefined) throw new Error(`not JSON: ${result.text}`);
    if (result.status === 200) {
      const ok = path === '/check' ? typeof result.body.approved === 'boolean' : result.body.success === true && typeof result.body.order_id === 'string';
      if (!ok) throw new Error(`a 200 that is not a success: ${result.text}`);
    } else {
      const problems = errorShapeProblems(path, result.status, result.body);
      if (result.body.success !== false || problems.length > 0) throw new Error(`a bad error answer (${problems.join('; ')}): ${result.text}`);
    }
  }), { numRuns: RUNS });
  t.pass(`answers by status: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
});

t.test('the process survived all of it and logged no errors', async (t) => {
  t.ok(oms.alive, 'running');
  t.equal((await oms.request('GET', '/health/ready', { key: null })).status, 200, 'ready');
  t.equal((await oms.request('POST', '/orders', { body: restingBuy() })).status, 200, 'takes orders');
  t.same(oms.problems(), [], 'no error lines');
});

t.test('every answer in these scenarios matches io/openapi.json and the reject catalogue', async (t) => {
  checkAnswers(t, OpenApiContract.load(), answers);
});
