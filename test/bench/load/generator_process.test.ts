/**
 * Generator processes run at the nice value their run asks for: open-loop runs renice
 * their spinning pacer below the server under test (bench/harness/run_spec.ts).
 */
import t from 'tap';
import { runGeneratorProcess } from '../../../bench/load/generator_process.js';

const ENTRY = new URL('./fixtures/priority_reporter.js', import.meta.url);

t.test('a generator runs at the nice value asked for, and at the parent\'s by default', async (t) => {
  const reniced = await runGeneratorProcess(ENTRY, {}, () => {}, 10_000, 10) as unknown as { nice: number };
  t.equal(reniced.nice, 10);
  const plain = await runGeneratorProcess(ENTRY, {}, () => {}, 10_000) as unknown as { nice: number };
  t.equal(plain.nice, 0);
});
