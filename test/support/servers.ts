/**
 * Real broker processes for service tests: `nats-server -js` and `redis-server`, each on a
 * free loopback port with its own temporary directory, started, probed until they accept
 * connections, stopped (SIGKILL by default: a crash, not a polite shutdown) and restarted
 * on the same port with the same data directory, and cleaned up on teardown.
 *
 * A missing binary is a failure, not a skip: `start` rejects with the spawn error.
 * Children are also killed if the test process exits without tearing down.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface ManagedServer {
  readonly kind: 'nats' | 'redis';
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  readonly running: boolean;
  /** Starts the process (again) on the same port and directory; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Kills the process (SIGKILL unless told otherwise) and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  restart(signal?: NodeJS.Signals): Promise<void>;
  /** Stops the process and removes its directory. */
  cleanup(): Promise<void>;
  /** The process's output so far (for failure messages). */
  output(): string;
}

interface Teardown {
  teardown(fn: () => unknown): void;
}

const STARTUP_TIMEOUT_MS = 15_000;
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** A TCP port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A free TCP port below the kernel's ephemeral range, for a server that is restarted on
 * the same port. A port the kernel chose (listen on 0) cannot be listened on again without
 * SO_REUSEPORT while connections of the dead process linger in TIME_WAIT, and the OMS
 * listens exclusively (io/http/http_server.ts); a port asked for by number can.
 */
export async function freeFixedPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.unref();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port between 20000 and 32000');
}

export interface ServerOptions {
  /** Listen here instead of on a fresh free port (a client was told the port before the server existed). */
  readonly port?: number;
}

export async function startNatsServer(t?: Teardown, options: ServerOptions = {}): Promise<ManagedServer> {
  const port = options.port ?? await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oms-nats-'));
  const server = new ProcessServer('nats', port, `nats://127.0.0.1:${port}`, dir, 'nats-server',
    ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', path.join(dir, 'jetstream'), '-n', `oms-test-${port}`],
    /Server is ready/);
  t?.teardown(() => server.cleanup());
  await startOrClean(server);
  return server;
}

/** Redis with an append-only file fsynced on every write, so a SIGKILL loses nothing acknowledged. */
export async function startRedisServer(t?: Teardown, database = 0, options: ServerOptions = {}): Promise<ManagedServer> {
  const port = options.port ?? await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oms-redis-'));
  const server = new ProcessServer('redis', port, `redis://127.0.0.1:${port}/${database}`, dir, 'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes',
      '--appendfsync', 'always', '--protected-mode', 'no', '--daemonize', 'no', '--logfile', ''],
    /Ready to accept connections/);
  t?.teardown(() => server.cleanup());
  await startOrClean(server);
  return server;
}

async function startOrClean(server: ManagedServer): Promise<void> {
  try {
    await server.start();
  } catch (error) {
    await server.cleanup();
    throw error;
  }
}

class ProcessServer implements ManagedServer {
  private child: ChildProcess | null = null;
  private log = '';

  constructor(
    readonly kind: 'nats' | 'redis',
    readonly port: number,
    readonly url: string,
    readonly dir: string,
    private readonly binary: string,
    private readonly args: readonly string[],
    private readonly ready_line: RegExp,
  ) {}

  get running(): boolean {
    return this.child !== null;
  }

  output(): string {
    return this.log;
  }

  async start(): Promise<void> {
    if (this.child !== null) throw new Error(`${this.kind} server is already running`);
    const child = spawn(this.binary, [...this.args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    live.add(child);
    let seen_ready = false;
    const on_output = (chunk: Buffer) => {
      const text = chunk.toString();
      this.log += text;
      if (this.log.length > 200_000) this.log = this.log.slice(-100_000);
      if (this.ready_line.test(text)) seen_ready = true;
    };
    child.stdout?.on('data', on_output);
    child.stderr?.on('data', on_output);
    const failed = new Promise<never>((_, reject) => {
      child.once('error', (error) => reject(new Error(`could not start ${this.binary}: ${error.message} (is it installed?)`)));
      child.once('exit', (code, signal) => reject(new Error(`${this.binary} exited while starting (code ${code}, signal ${signal}):\n${this.log}`)));
    });
    failed.catch(() => {});
    child.once('exit', () => {
      live.delete(child);
      if (this.child === child) this.child = null;
    });
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    const ready = (async () => {
      while (!(seen_ready && await accepts(this.port))) {
        if (Date.now() > deadline) throw new Error(`${this.binary} did not become ready within ${STARTUP_TIMEOUT_MS} ms:\n${this.log}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    try {
      await Promise.race([ready, failed]);
    } catch (error) {
      child.kill('SIGKILL');
      live.delete(child);
      this.child = null;
      throw error;
    }
  }

  async stop(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (child === null) return;
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) {
      this.child = null;
      return;
    }
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
    this.child = null;
  }

  async restart(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.stop(signal);
    await this.start();
  }

  async cleanup(): Promise<void> {
    await this.stop('SIGKILL');
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
