/**
 * The dependency rule (engine <- services <- io <- bench, and io/client a leaf that
 * imports only the protocol codec and constants) holds for every product file,
 * and the check would catch a new upward import: it is run on a small tree made here
 * with one planted in each layer.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { describeViolation, findLayerViolations, relativeSpecifiers } from '../support/layer_rule.js';

// dist/test/architecture/ -> the repository root, where the .ts sources are.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

t.test('no product file imports a layer above its own, and the client imports nothing of the server', async (t) => {
  t.ok(fs.existsSync(path.join(ROOT, 'engine', 'engine_agent.ts')), `the sources are found under ${ROOT}`);
  const violations = findLayerViolations(ROOT);
  t.same(violations.map(describeViolation), [], 'engine imports only engine; services only engine; io engine and services; io/client only the codec and protocol constants');
  t.ok(fs.existsSync(path.join(ROOT, 'io', 'client', 'oms_client.ts')), 'the client is where the rule looks for it');
});

t.test('the check names the file and import of every upward dependency', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'layers-'));
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  };
  write('engine/ring/ring.ts', "import { x } from './ring_layout.js';\nexport const ring = 1;\n");
  write('engine/bad_engine.ts', "import { OrderStore } from '../services/read_model/order_store.js';\n");
  write('engine/bad_worker_url.ts', "const url = new URL('../io/process/engine_worker.js', import.meta.url);\n");
  write('services/bad_service.ts', "import type { OmsConfig } from '../io/config/oms_config.js';\n");
  write('services/good_service.ts', "import { SharedRing } from '../engine/ring/ring.js';\n");
  write('io/good_io.ts', "import { a } from '../engine/a.js';\nimport { b } from '../services/b.js';\n");
  write('io/bad_io.ts', "\n\nexport { run } from '../bench/cli.js';\n");
  write('bench/good_bench.ts', "import { startOms } from '../io/process/oms_process.js';\n");
  write('io/client/good_client.ts', "import { encodeNewOrder } from '../binary/index.js';\nimport { Side } from '../../engine/protocol/enums.js';\n"
    + "import { parseDecimal } from '../../engine/reference/decimal.js';\nimport { X } from './x.js';\n");
  write('io/client/bad_client.ts', "import { WsGateway } from '../ws/ws_gateway.js';\nimport { Ring } from '../../engine/ring/ring.js';\n");
  write('io/process/bad_user.ts', "import { OmsClient } from '../client/index.js';\n");
  write('bench/good_user.ts', "import { OmsClient } from '../io/client/index.js';\n");

  const found = findLayerViolations(root).map(describeViolation).sort();
  t.same(found, [
    "engine/bad_engine.ts:1 imports '../services/read_model/order_store.js' (services/), which its layer may not depend on",
    "engine/bad_worker_url.ts:1 imports '../io/process/engine_worker.js' (io/), which its layer may not depend on",
    "io/bad_io.ts:3 imports '../bench/cli.js' (bench/), which its layer may not depend on",
    "io/client/bad_client.ts:1 imports '../ws/ws_gateway.js' (io/ws/), which io/client may not depend on",
    "io/client/bad_client.ts:2 imports '../../engine/ring/ring.js' (engine/ring/), which io/client may not depend on",
    "io/process/bad_user.ts:1 imports '../client/index.js' (io/client/), which only bench and tests may depend on",
    "services/bad_service.ts:1 imports '../io/config/oms_config.js' (io/), which its layer may not depend on",
  ]);
});

t.test('every form of relative specifier is read', async (t) => {
  const source = [
    "import a from './a.js';",
    "import type { B } from \"../b.js\";",
    "export * from './c.js';",
    "import './d.js';",
    "const e = await import('./e.js');",
    "new URL('./f_worker.js', import.meta.url);",
    "new URL('../../results/', import.meta.url);",
    "import fs from 'node:fs';",
  ].join('\n');
  t.same(relativeSpecifiers(source).map((s) => s.specifier), ['./a.js', '../b.js', './c.js', './d.js', './e.js', './f_worker.js']);
});
