/**
 * A journal write or fsync that failed is fatal, never retried (PostgreSQL's fsync lesson,
 * 2018): after a failed fsync the kernel may already have dropped the dirty pages and
 * marked them clean, so a second fsync "succeeds" without the data ever reaching the disk;
 * and a retried write lands after whatever part of the first one got through, duplicating
 * records. A full disk (ENOSPC) or a file-size limit (EFBIG) is the same: the bytes on disk
 * no longer match what the writer believes it wrote.
 *
 * So the writer stops for good at the first failed operation, the journal worker reports
 * FAILED and exits non-zero, and the process's supervisor restarts it: recovery then reads
 * what the journal really holds (cutting a torn tail) and carries on from there.
 */

/** The journal operation that failed. */
export type JournalOperation = 'write' | 'fdatasync' | 'create segment' | 'close segment';

export class JournalFailedError extends Error {
  /** The errno code (ENOSPC, EFBIG, EIO...), or 'unknown'. */
  readonly code: string;
  readonly operation: JournalOperation;

  constructor(operation: JournalOperation, cause: unknown) {
    const code = errnoCode(cause);
    super(`journal ${operation} failed: ${describe(code)} (${cause instanceof Error ? cause.message : String(cause)}); `
      + 'the journal stops without retrying, and nothing after the last durable sequence was acknowledged', { cause });
    this.name = 'JournalFailedError';
    this.code = code;
    this.operation = operation;
  }
}

function errnoCode(cause: unknown): string {
  const code = (cause as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown';
}

function describe(code: string): string {
  switch (code) {
    case 'ENOSPC': return 'the disk is full (ENOSPC)';
    case 'EDQUOT': return 'the disk quota is exhausted (EDQUOT)';
    case 'EFBIG': return 'the file size limit was reached (EFBIG)';
    case 'EIO': return 'an I/O error (EIO)';
    default: return code;
  }
}
