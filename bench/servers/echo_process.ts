/**
 * Starts the echo server (echo_server.ts) as a child process on a free loopback port.
 * With a durability mode it is the durable echo: ECHO_DURABILITY and ECHO_DATA_DIR (a
 * fresh temporary directory, removed on stop) make it journal every request before it
 * answers. With `hop` it is the hop echo (ECHO_HOP=1): every request goes through a
 * worker standing where the engine stands. With neither it is the plain echo.
 */
import { fileURLToPath } from 'node:url';
import { Durability } from '../scenarios/scenario.js';
import { freePort } from './free_port.js';
import { ServerProcess } from './server_process.js';
import { startWithDataDir } from './server_with_data_dir.js';

export const ECHO_ENTRY = fileURLToPath(new URL('./echo_server.js', import.meta.url));

export interface EchoServer {
  readonly process: ServerProcess;
  /** The durable echo's data directory (its journal is `<data_dir>/journal`); null for the plain echo. */
  readonly data_dir: string | null;
  /** Stops the server, then removes its data directory. */
  stop(): Promise<void>;
}

export async function startEchoServer(verbose = false, durability: Durability | null = null, hop = false): Promise<EchoServer> {
  const host = '127.0.0.1';
  if (durability !== null && hop) throw new Error('the durable echo and the hop echo are two servers: ask for one');
  if (durability === null) {
    const server = await ServerProcess.start({ name: hop ? 'hop-echo' : 'echo', entry: ECHO_ENTRY, host, port: await freePort(host),
      ...(hop ? { env: { ECHO_HOP: '1' } } : {}), verbose });
    return { process: server, data_dir: null, stop: () => server.stop() };
  }
  const started = await startWithDataDir('durable-echo-', async (data_dir) => ServerProcess.start({
    name: 'durable-echo',
    entry: ECHO_ENTRY,
    host,
    port: await freePort(host),
    env: { ECHO_DURABILITY: durability, ECHO_DATA_DIR: data_dir },
    verbose,
  }));
  return { process: started.server, data_dir: started.data_dir, stop: started.stop };
}
