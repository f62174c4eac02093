/**
 * The C allocator setting the OMS is meant to run with, set in its environment before it
 * starts (glibc reads it once, at process start: Makefile `run`, docs/DEPLOYMENT.md, the
 * benchmark and the soak run all pass it).
 *
 * Why: a snapshot's passing buffers (the file read back, its columns being written) are
 * blocks of many MB that are freed once it is done. glibc raises its mmap threshold each
 * time such a block is freed, so later blocks come from its heaps and stay resident after
 * they are freed: the soak run saw resident memory climb from 390 to 670 MiB in a minute
 * of snapshots (when each snapshot also allocated its engine states afresh). A fixed
 * threshold keeps every block of 1 MiB or more in a mapping of its own, which goes back to
 * the operating system when freed (same soak: 260 to 320 MiB). The engine state and read
 * model a snapshot rebuilds are kept and reused instead (services/snapshot/snapshot_workspace.ts).
 */
export const MALLOC_ENV: Readonly<Record<string, string>> = Object.freeze({ MALLOC_MMAP_THRESHOLD_: '1048576' });

/** The setting this process started without (empty: all set), for a warning at start. */
export function missingMallocEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return Object.keys(MALLOC_ENV).filter((name) => env[name] === undefined);
}
