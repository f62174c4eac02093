import t from 'tap';
import { MALLOC_ENV, missingMallocEnv } from '../../../io/process/malloc_env.js';

t.test('the OMS names the allocator setting it started without, and nothing once it is set', async (t) => {
  t.same(missingMallocEnv({}), ['MALLOC_MMAP_THRESHOLD_']);
  t.same(missingMallocEnv({ ...MALLOC_ENV }), []);
  t.equal(MALLOC_ENV.MALLOC_MMAP_THRESHOLD_, '1048576', 'blocks of 1 MiB and more are mapped on their own and unmapped when freed');
});
