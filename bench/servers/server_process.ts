/**
 * Starts a server (the echo server or the OMS) as a child process with the OMS's launch
 * contract: `node <entry>` with env OMS_HOST / OMS_PORT (and whatever else the caller
 * adds), ready once GET /health/ready answers 200. Keeps the tail of its output so a
 * failure to start or a crash can be explained, and stops it with SIGTERM, then SIGKILL.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { get } from 'node:http';

export interface ServerProcessOptions {
  readonly name: string;
  /** Absolute path of the compiled entry point. */
  readonly entry: string;
  readonly host: string;
  readonly port: number;
  readonly env?: Readonly<Record<string, string>>;
  readonly ready_timeout_ms?: number;
  /** Echo the server's output to our stderr as it comes. */
  readonly verbose?: boolean;
}

const OUTPUT_TAIL_BYTES = 8 * 1024;
const READY_POLL_MS = 100;

export class ServerProcess {
  private tail = '';
  private exit_code: number | null = null;
  private exit_signal: NodeJS.Signals | null = null;
  private readonly exited: Promise<void>;

  private constructor(readonly options: ServerProcessOptions, private readonly child: ChildProcess) {
    const keep = (chunk: Buffer): void => {
      this.tail = (this.tail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_BYTES);
      if (options.verbose === true) process.stderr.write(`[${options.name}] ${chunk.toString('utf8')}`);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => {
      this.exit_code = code;
      this.exit_signal = signal;
      resolve();
    }));
  }

  static async start(options: ServerProcessOptions): Promise<ServerProcess> {
    const child = spawn(process.execPath, [options.entry], {
      env: { ...process.env, ...options.env, OMS_HOST: options.host, OMS_PORT: String(options.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const server = new ServerProcess(options, child);
    const deadline = Date.now() + (options.ready_timeout_ms ?? 30_000);
    for (;;) {
      if (server.hasExited()) {
        throw new Error(`${options.name} exited before it was ready (${server.exitDescription()}); its output ends with:\n${server.outputTail()}`);
      }
      if (await isReady(options.host, options.port)) return server;
      if (Date.now() > deadline) {
        await server.stop();
        throw new Error(`${options.name} not ready on http://${options.host}:${options.port}/health/ready after ${options.ready_timeout_ms ?? 30_000} ms; its output ends with:\n${server.outputTail()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  hasExited(): boolean {
    return this.exit_code !== null || this.exit_signal !== null;
  }

  exitDescription(): string {
    return this.exit_signal !== null ? `signal ${this.exit_signal}` : `exit code ${this.exit_code}`;
  }

  outputTail(): string {
    return this.tail.trimEnd() || '(no output)';
  }

  async stop(timeout_ms = 5000): Promise<void> {
    if (this.hasExited()) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeout_ms);
    await this.exited;
    clearTimeout(timer);
  }
}

/** One GET /health/ready; true on 200. */
export function isReady(host: string, port: number, timeout_ms = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get({ host, port, path: '/health/ready', agent: false, timeout: timeout_ms }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}
