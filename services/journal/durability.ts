/**
 * OMS_DURABILITY: when is an event "durable", the point after which its order may be
 * acknowledged to the client?
 *
 *  - fsync (default): written to the journal file and fdatasync'd, with group commit. A
 *    crash or power loss loses nothing that was acknowledged.
 *  - write: written to the OS (page cache) but not fsync'd. Survives a process crash
 *    (kill -9), not a kernel crash or power loss: acknowledged orders can be lost then.
 *  - none: nothing is written; events live only in memory. Any crash loses everything,
 *    restarts begin empty and the sinks (which replay from the journal) cannot run. For
 *    benchmarks only.
 */

export const Durability = { FSYNC: 'fsync', WRITE: 'write', NONE: 'none' } as const;
export type Durability = (typeof Durability)[keyof typeof Durability];

export function parseDurability(text: string | undefined): Durability {
  if (text === undefined || text === '') return Durability.FSYNC;
  if (text === Durability.FSYNC || text === Durability.WRITE || text === Durability.NONE) return text;
  throw new Error(`OMS_DURABILITY must be fsync, write or none, got ${JSON.stringify(text)}`);
}
