/**
 * The machine a result was measured on, recorded with every result: a latency figure
 * means little without the cores it had. The benchmark does not pin processes to cores,
 * so on a small machine the load generator and the server compete for the same cores;
 * `sharing` says so in plain words.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, platform, release, totalmem } from 'node:os';

export interface MachineInfo {
  readonly cores: number;
  readonly cpu_model: string;
  /** cgroup v2 cpu.max ("max 100000" = no quota), when readable. */
  readonly cpu_quota: string | null;
  readonly memory_gb: number;
  readonly platform: string;
  readonly node: string;
  readonly load_average_at_start: readonly number[];
  readonly sharing: string;
}

export function describeMachine(): MachineInfo {
  const cores = availableParallelism();
  return {
    cores,
    cpu_model: cpus()[0]?.model ?? 'unknown',
    cpu_quota: readQuota(),
    memory_gb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    platform: `${platform()} ${release()}`,
    node: process.version,
    load_average_at_start: loadavg().map((v) => Math.round(v * 100) / 100),
    sharing: `no core pinning: load generator(s) and server share all ${cores} cores of this machine`
      + (cores <= 2 ? ' (with 2 cores or fewer, each side gets about one core at best; tails suffer)' : ''),
  };
}

function readQuota(): string | null {
  try {
    return readFileSync('/sys/fs/cgroup/cpu.max', 'utf8').trim();
  } catch {
    return null;
  }
}
