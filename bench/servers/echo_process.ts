/** Starts the echo server (echo_server.ts) as a child process on a free loopback port. */
import { fileURLToPath } from 'node:url';
import { freePort } from './free_port.js';
import { ServerProcess } from './server_process.js';

export const ECHO_ENTRY = fileURLToPath(new URL('./echo_server.js', import.meta.url));

export async function startEchoServer(verbose = false): Promise<ServerProcess> {
  const host = '127.0.0.1';
  return ServerProcess.start({ name: 'echo', entry: ECHO_ENTRY, host, port: await freePort(host), verbose });
}
