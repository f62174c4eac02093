/**
 * Runs the real OMS (dist/io/main.js) as a child process for tests: its own data
 * directory, a free port (OMS_PORT=0, read back from the "OMS is listening" log line),
 * manual market data and an admin token unless told otherwise. Talks to it over real
 * HTTP on loopback; `observe` sees every answer (the OpenAPI contract tests collect them).
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freeFixedPort } from './servers.js';

export const ADMIN_TOKEN = 'test-admin-token';
const MAIN = new URL('../../io/main.js', import.meta.url);

export interface OmsServerOptions {
  readonly env?: Record<string, string>;
  readonly data_dir?: string;
}

export interface HttpResult {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
  readonly text: string;
}

export type ResponseListener = (method: string, route: string, result: HttpResult) => void;

/** Log lines that mean something went wrong: pino error (50) and fatal (60), node warnings, uncaught errors. */
const PROBLEM_LINE = /"level":(50|60)\b|\(node:\d+\) \w*Warning|Uncaught|FATAL ERROR|^\s+at /;

export class OmsServer {
  readonly data_dir: string;
  private child: ChildProcess | null = null;
  private readonly env: Record<string, string>;
  port = 0;
  /** Everything the process logged (stdout and stderr), across restarts. */
  logs = '';
  exit_code: number | null = null;
  private readonly listeners: ResponseListener[] = [];

  private constructor(options: OmsServerOptions) {
    this.data_dir = options.data_dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'oms-test-'));
    this.env = {
      OMS_HOST: '127.0.0.1',
      OMS_PORT: '0',
      OMS_DATA_DIR: this.data_dir,
      OMS_MARKET_DATA: 'manual',
      OMS_ADMIN_TOKEN: ADMIN_TOKEN,
      OMS_LOG_LEVEL: 'info',
      ...options.env,
    };
  }

  static async start(options: OmsServerOptions = {}): Promise<OmsServer> {
    const server = new OmsServer(options);
    await server.launch();
    return server;
  }

  /**
   * Starts on a port of its own below the ephemeral range (freeFixedPort), so that a
   * restart after kill -9 can listen on the same port again (see freeFixedPort).
   */
  static async startRestartable(options: OmsServerOptions = {}): Promise<OmsServer> {
    for (let attempt = 1; ; attempt++) {
      const server = new OmsServer({ ...options, env: { ...options.env, OMS_PORT: String(await freeFixedPort()) } });
      try {
        await server.launch();
        return server;
      } catch (error) {
        // Another process took the port between the probe and the OMS's listen: try another.
        if (attempt === 3 || !/could not listen/.test((error as Error).message)) throw error;
        await server.cleanup();
      }
    }
  }

  /** The process is running (started and not exited). */
  get alive(): boolean {
    return this.child !== null && this.exit_code === null;
  }

  /** The log lines that report an error, a crash or a node warning (none, in a healthy run). */
  problems(): string[] {
    return this.logs.split('\n').filter((line) => PROBLEM_LINE.test(line));
  }

  /** Calls `listener` with every answer `request()` receives from now on. */
  observe(listener: ResponseListener): void {
    this.listeners.push(listener);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The running process's id (memory checks read /proc/<pid>/status), or undefined. */
  get pid(): number | undefined {
    return this.exit_code === null ? this.child?.pid : undefined;
  }

  /**
   * Starts (again) on the same data directory; on `port` when given (a restart that
   * clients reconnect to), else on the port the options named (a free one by default).
   */
  async launch(options: { port?: number } = {}): Promise<void> {
    this.exit_code = null;
    const port = options.port === undefined ? {} : { OMS_PORT: String(options.port) };
    const child = spawn(process.execPath, [MAIN.pathname], {
      env: { ...process.env, ...this.env, ...port },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.on('exit', (code, signal) => {
      this.exit_code = code ?? (signal === null ? -1 : 128);
    });
    const listening = new Promise<number>((resolve, reject) => {
      let buffered = '';
      const onData = (chunk: Buffer) => {
        const text = chunk.toString('utf8');
        this.logs += text;
        buffered += text;
        const match = /"port":(\d+)[^\n]*"msg":"OMS is listening"/.exec(buffered);
        if (match !== null) resolve(Number(match[1]));
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (chunk: Buffer) => { this.logs += chunk.toString('utf8'); });
      child.once('exit', (code) => reject(new Error(`the OMS exited with code ${code} before listening:\n${this.logs.slice(-3000)}`)));
      setTimeout(() => reject(new Error(`the OMS did not start within 60 s:\n${this.logs.slice(-3000)}`)), 60_000).unref();
    });
    this.port = await listening;
    await this.untilReady(10_000);
  }

  /**
   * The OMS listens before its PnL worker has published a first figure (and, with simulated
   * market data, before the first marks): until then orders are refused STALE_PNL and
   * /health/ready says 503. Tests start sending at once, so wait for ready here, as a load
   * balancer would; a process that does not get ready in time is left for the test to judge.
   */
  private async untilReady(timeout_ms: number): Promise<void> {
    const deadline = Date.now() + timeout_ms;
    while (this.alive && Date.now() < deadline) {
      try {
        const response = await fetch(`${this.url}/health/ready`);
        await response.arrayBuffer();
        if (response.status === 200) return;
      } catch {
        // Not answering yet: try again.
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** SIGKILL: the crash. */
  async kill9(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** SIGSTOP: the process stops answering but keeps its connections open, as a hung server would. */
  pause(): void {
    if (this.alive) this.child!.kill('SIGSTOP');
  }

  /** SIGCONT after pause(). */
  resume(): void {
    if (this.alive) this.child!.kill('SIGCONT');
  }

  /** SIGTERM: graceful shutdown. Resolves with the exit code. */
  async stop(): Promise<number | null> {
    await this.signal('SIGTERM');
    return this.exit_code;
  }

  async cleanup(): Promise<void> {
    if (this.child !== null && this.exit_code === null) await this.kill9();
    fs.rmSync(this.data_dir, { recursive: true, force: true });
  }

  async request(method: string, route: string, options: { body?: unknown; raw?: string | Uint8Array; key?: string | null; admin?: boolean; headers?: Record<string, string> } = {}): Promise<HttpResult> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.key !== null) headers['x-api-key'] = options.key ?? 'test-key';
    if (options.admin === true) headers['x-admin-token'] = ADMIN_TOKEN;
    let body: string | Uint8Array | undefined;
    if (options.raw !== undefined) body = options.raw;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.url}${route}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const result = { status: response.status, headers: response.headers, body: parsed, text };
    for (const listener of this.listeners) listener(method, route, result);
    return result;
  }

  /** Sets a symbol's marks (OMS_MARKET_DATA=manual). */
  async setMarket(symbol: string, marks: Record<string, number>): Promise<void> {
    const result = await this.request('POST', '/admin/market', { key: null, admin: true, body: { symbol, ...marks } });
    if (result.status !== 200) throw new Error(`setMarket failed: ${result.text}`);
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (child === null || this.exit_code !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
  }
}
