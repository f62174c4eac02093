/**
 * The soak run's own brokers: `nats-server -js` and `redis-server`, each on a free loopback
 * port with its files in the run's directory, ready once the port accepts a connection,
 * killed at the end. A missing binary is an error that says which.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { freePort } from '../servers/free_port.js';

const READY_TIMEOUT_MS = 15_000;

export interface Broker {
  readonly url: string;
  stop(): Promise<void>;
}

export async function startNats(dir: string): Promise<Broker> {
  const port = await freePort();
  const store = path.join(dir, 'nats');
  fs.mkdirSync(store, { recursive: true });
  return start('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', store], port, `nats://127.0.0.1:${port}`);
}

export async function startRedis(dir: string): Promise<Broker> {
  const port = await freePort();
  const store = path.join(dir, 'redis');
  fs.mkdirSync(store, { recursive: true });
  // No persistence: the soak checks what the sink wrote into a Redis that stays up.
  return start('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', store, '--save', '', '--appendonly', 'no',
    '--protected-mode', 'no', '--daemonize', 'no', '--logfile', ''], port, `redis://127.0.0.1:${port}`);
}

async function start(binary: string, args: string[], port: number, url: string): Promise<Broker> {
  const child: ChildProcess = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => { output = (output + chunk.toString()).slice(-4000); };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let failure: string | null = null;
  child.once('error', (error) => { failure = `could not start ${binary}: ${error.message} (is it on PATH?)`; });
  child.once('exit', (code, signal) => { failure ??= `${binary} exited while starting (code ${code}, signal ${signal}):\n${output}`; });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await accepts(port))) {
    if (failure !== null) throw new Error(failure);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${binary} did not accept connections on port ${port} within ${READY_TIMEOUT_MS} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    url,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}
