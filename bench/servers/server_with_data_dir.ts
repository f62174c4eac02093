/**
 * Starts a server process that owns a fresh temporary data directory: the directory is
 * made first, handed to `start`, and removed when the server stops, or at once if it
 * fails to start, so no run leaves a journal behind in the temp folder.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServerProcess } from './server_process.js';

export interface ServerWithDataDir {
  readonly server: ServerProcess;
  readonly data_dir: string;
  /** Stops the server, then removes its data directory. */
  stop(): Promise<void>;
}

export async function startWithDataDir(prefix: string, start: (data_dir: string) => Promise<ServerProcess>): Promise<ServerWithDataDir> {
  const data_dir = await mkdtemp(join(tmpdir(), prefix));
  try {
    const server = await start(data_dir);
    return {
      server,
      data_dir,
      stop: async () => {
        await server.stop();
        await rm(data_dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(data_dir, { recursive: true, force: true });
    throw error;
  }
}
