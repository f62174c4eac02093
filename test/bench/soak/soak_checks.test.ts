/**
 * The soak's state-hash check: the restarted engine's replay must reproduce the state the
 * engine had at the marker the soak asked for just before its kill -9, or at a later
 * marker (the snapshot scheduler's can land between the soak's and the kill; a CI run
 * failed on exactly that, sequences 10504 and 10505), with no marker mismatched.
 */
import t from 'tap';
import { judgeStateHash } from '../../../bench/soak/soak_checks.js';

const marker = { sequence: 10_504, state_hash: 5_561_772_248_959_054 };

t.test("the soak's own marker, replayed with its hash, passes", async (t) => {
  const result = judgeStateHash(marker, { last_marker: { ...marker }, markers_matched: 1, markers_mismatched: 0 });
  t.equal(result.pass, true, result.detail);
});

t.test('a later marker that replay matched passes: the snapshot scheduler asked for one before the kill', async (t) => {
  const result = judgeStateHash(marker, {
    last_marker: { sequence: 10_505, state_hash: 5_561_773_800_742_451 }, markers_matched: 2, markers_mismatched: 0,
  });
  t.equal(result.pass, true, result.detail);
});

t.test('the same sequence with another hash fails', async (t) => {
  const result = judgeStateHash(marker, { last_marker: { sequence: 10_504, state_hash: 1 }, markers_matched: 1, markers_mismatched: 0 });
  t.equal(result.pass, false);
});

t.test('any mismatched marker fails, even when the last one is later', async (t) => {
  const result = judgeStateHash(marker, {
    last_marker: { sequence: 10_505, state_hash: 7 }, markers_matched: 1, markers_mismatched: 1,
  });
  t.equal(result.pass, false);
  t.match(result.detail, /1 mismatched/);
});

t.test("a replay that stopped before the soak's marker, or found none, fails", async (t) => {
  t.equal(judgeStateHash(marker, { last_marker: { sequence: 10_000, state_hash: 3 }, markers_matched: 1, markers_mismatched: 0 }).pass, false);
  const none = judgeStateHash(marker, { last_marker: null, markers_matched: 0, markers_mismatched: 0 });
  t.equal(none.pass, false);
  t.match(none.detail, /no marker/);
  t.equal(judgeStateHash(marker, undefined).pass, false);
});
