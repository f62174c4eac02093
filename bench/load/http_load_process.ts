/**
 * Entry point of an HTTP load-generator process (forked by http_load_client.ts with an
 * IPC channel). It is a process of its own so that the generator never shares an event
 * loop, a heap or a GC with the server it measures.
 *
 * Protocol: the parent sends one `{ type: 'run', config }`; the child answers with
 * `{ type: 'progress', ... }` now and then and one `{ type: 'result', result }` (or
 * `{ type: 'error', message }`), then exits.
 */
import { HttpLoadConfig, runHttpLoad } from './http_load.js';

process.once('message', (message: { type: 'run'; config: HttpLoadConfig }) => {
  if (message.type !== 'run') throw new Error(`unexpected message ${JSON.stringify(message)}`);
  runHttpLoad(message.config, (progress) => process.send?.({ type: 'progress', progress }))
    .then((result) => process.send?.({ type: 'result', result }, () => process.exit(0)))
    .catch((error: Error) => process.send?.({ type: 'error', message: error.message }, () => process.exit(1)));
});
