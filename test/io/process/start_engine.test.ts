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
