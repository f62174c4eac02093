/**
 * The OMS under soak: `node dist/io/main.js` with the soak's environment on a port chosen
 * once, so that clients keep their URL across the kill -9 and the restart. Ready once GET
 * /health/ready answers 200 (first marks published, PnL running). Keeps the tail of its
 * log, and every log line that is an error or fatal.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DEMO_ACCOUNT_LIMITS } from '../../engine/reference/accounts.js';
import { MALLOC_ENV } from '../../io/process/malloc_env.js';
import { OMS_ENTRY } from '../servers/oms_process.js';
import { isReady } from '../servers/server_process.js';

const READY_TIMEOUT_MS = 120_000;
export const SOAK_ADMIN_TOKEN = 'soak-admin-token';

export interface SoakAccount {
  readonly name: string;
  readonly api_key: string;
}

/** An accounts file with `count` accounts on the demo limits (generous: the soak measures the OMS, not its limits). */
export function writeAccountsFile(file: string, count: number): SoakAccount[] {
  const accounts = Array.from({ length: count }, (_, i) => ({ name: `soak${i + 1}`, api_key: `soak-key-${i + 1}` }));
  fs.writeFileSync(file, JSON.stringify({ defaults: DEMO_ACCOUNT_LIMITS, accounts }, null, 2));
  return accounts;
}

export class SoakOms {
  private child: ChildProcess | null = null;
  private tail = '';
  /** Log lines at error (50) or fatal (60), across restarts. */
  readonly problems: string[] = [];
  /** Exits nobody asked for (the kill -9 is asked for). */
  unexpected_exits = 0;
  private expecting_exit = false;
  starts = 0;

  constructor(readonly host: string, readonly port: number, private readonly env: Record<string, string>, private readonly verbose: boolean) {}

  get url(): string {
    return `http://${this.host}:${this.port}`;
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  get running(): boolean {
    return this.child !== null;
  }

  logTail(): string {
    return this.tail;
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, [OMS_ENTRY], {
      env: { ...process.env, ...MALLOC_ENV, ...this.env, OMS_HOST: this.host, OMS_PORT: String(this.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.starts++;
    this.expecting_exit = false;
    let partial = '';
    const keep = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      if (this.verbose) process.stderr.write(text);
      this.tail = (this.tail + text).slice(-16_000);
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (/"level":(50|60)\b/.test(line)) this.problems.push(line);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', () => {
      if (this.child === child) this.child = null;
      if (!this.expecting_exit) this.unexpected_exits++;
    });
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!(await isReady(this.host, this.port))) {
      if (this.child !== child) throw new Error(`the OMS exited while starting; its log ends with:\n${this.tail.slice(-3000)}`);
      if (Date.now() > deadline) throw new Error(`the OMS was not ready within ${READY_TIMEOUT_MS} ms; its log ends with:\n${this.tail.slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The crash: SIGKILL, and wait for the process to be gone. */
  async kill9(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** Graceful stop at the end of the run. */
  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (child === null) return;
    this.expecting_exit = true;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
  }
}

/** Bytes of every file under `dir` (0 if it does not exist), and how many files. */
export function directorySize(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  if (!fs.existsSync(dir)) return { bytes, files };
  for (const name of fs.readdirSync(dir)) {
    try {
      const stat = fs.statSync(path.join(dir, name));
      if (stat.isFile()) {
        bytes += stat.size;
        files++;
      }
    } catch {
      // Retired between the listing and the stat.
    }
  }
  return { bytes, files };
}
