/**
 * Starts the echo server (echo_server.ts) as a child process on a free loopback port.
 * With a durability mode it is the durable echo: ECHO_DURABILITY and ECHO_DATA_DIR (a
 * fresh temporary directory, removed on stop) make it journal every request before it
 * answers; without one it is the plain echo, started exactly as before.
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

export async function startEchoServer(verbose = false, durability: Durability | null = null): Promise<EchoServer> {
  const host = '127.0.0.1';
  if (durability === null) {
    const server = await ServerProcess.start({ name: 'echo', entry: ECHO_ENTRY, host, port: await freePort(host), verbose });
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
