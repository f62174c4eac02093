/**
 * Who the engine wakes after publishing events: the journal when it has something to
 * write; with durability none only the io thread, which then reads behind the engine and
 * is not rung by the journal, so a fill with no reply (a resting order filled by a market
 * move) still wakes it. The journal then only releases slots: it polls in naps that no one
 * rings, and is rung only once it sleeps announced (idle_strategy.ts NapPolicy).
 */
import t from 'tap';
import { allocateOmsBuffers } from '../../../engine/shared_memory.js';
import { DEFAULT_ENGINE_CONFIG } from '../../../engine/config/engine_config.js';
import { eventWake } from '../../../io/process/start_engine.js';

const buffers = allocateOmsBuffers(DEFAULT_ENGINE_CONFIG, 2, 3);

t.test('with a journal to wait for, only the journal is rung: it wakes the io thread once events are durable', async (t) => {
  for (const durability of ['fsync', 'write'] as const) {
    t.same(eventWake({ durability }, buffers), [buffers.journal_doorbell], durability);
  }
});

t.test('with durability none the io thread is rung by the engine itself', async (t) => {
  t.same(eventWake({ durability: 'none' }, buffers), [buffers.io_doorbell, buffers.journal_doorbell],
    'the io thread reads behind the engine; the journal, with nothing to write, polls in naps and is rung only once it sleeps');
});

t.test('the start-up warm-up is logged with what it cost, at warn if any warm-up order was refused', async (t) => {
  const { logEngineWarmUp } = await import('../../../io/process/start_engine.js');
  const lines: { level: string; fields: object; message: string }[] = [];
  const log = {
    info: (fields: object, message: string) => lines.push({ level: 'info', fields, message }),
    warn: (fields: object, message: string) => lines.push({ level: 'warn', fields, message }),
  } as unknown as Parameters<typeof logEngineWarmUp>[1];
  logEngineWarmUp({ orders: 20_000, refused: 0, elapsed_ms: 212.4 }, log);
  logEngineWarmUp({ orders: 20_000, refused: 3, elapsed_ms: 230.6 }, log);
  t.same(lines.map((l) => [l.level, l.fields]), [
    ['info', { orders: 20_000, refused: 0, elapsed_ms: 212 }],
    ['warn', { orders: 20_000, refused: 3, elapsed_ms: 231 }],
  ]);
  t.match(lines[1].message, /refused/);
});
