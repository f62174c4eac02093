/**
 * A TCP port that was free a moment ago on `host`: the OS picks one for a throw-away
 * listener, which is closed before the server is started on it. A race with another
 * process is possible but harmless: the server then fails to listen and says so.
 */
import { createServer } from 'node:net';

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('could not find a free port'))));
    });
  });
}
