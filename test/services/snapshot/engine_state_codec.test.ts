/**
 * The engine's snapshot sections carry contingent lists: each open order's list, its place
 * in it and whether it is held, so a restored state has the same lists (and the same state
 * hash) as the one saved, and a snapshot written before lists existed still reads.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { EngineState } from '../../../engine/state/engine_state.js';
import { stateHash } from '../../../engine/state/state_hash.js';
import { ColumnarFile, ColumnarWriter } from '../../../services/snapshot/columnar_file.js';
import { engineMeta, restoreEngineState, writeEngineSections } from '../../../services/snapshot/engine_state_codec.js';
import { EngineHarness } from '../../support/engine_harness.js';

t.test('a snapshot restores lists, held members and replacements to the same state hash', (t) => {
  const h = new EngineHarness();
  h.setMarket('BTCUSDT', { bid: '44999', ask: '45001', last: '45000' });
  const oco = h.orderList('OCO', [{ price: '44000' }, { side: 'sell', price: '46000' }]).reply.order_id;
  h.orderList('OTO', [{ price: '44000', qty: '1' }, { side: 'sell', price: '47000' }, { side: 'sell', price: '48000' }]);
  h.replace(oco + 2, { price: '46500' });
  h.setMarket('BTCUSDT', { bid: '43999', ask: '44000', last: '44000', ask_size: '0.4' });

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-state-codec-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'engine.snap');
  const writer = new ColumnarWriter({ engine: engineMeta(h.state) });
  writeEngineSections(writer, h.state);
  writer.write(file);
  const restored = new EngineState(h.state.capacity, h.state.notional_scale);
  restoreEngineState(new ColumnarFile(file), restored);
  t.equal(stateHash(restored), stateHash(h.state));
  t.equal(restored.lists.live, h.state.lists.live);
  t.ok(h.state.lists.live === 2, 'both lists are open');
  const held = (s: EngineState) => Array.from(s.lists.held).reduce((a, b) => a + b, 0);
  t.equal(held(restored), held(h.state));
  t.equal(held(h.state), 2, 'the OTO children are still held (the parent has only partly filled)');
  // The restored engine goes on as the live one would: the OCO's fill cancels its sibling.
  const list = restored.lists.find(oco);
  t.ok(list >= 0);
  t.equal(restored.lists.contingency[list], h.state.lists.contingency[h.state.lists.find(oco)]);
  t.end();
});
