/**
 * Bounds a promise that a stalled peer could keep pending forever (a write to a socket
 * whose reader stopped reading never calls back). On timeout the promise is abandoned,
 * not cancelled: the caller must tear down what it was waiting on (close the socket) so
 * nothing completes behind its back.
 */
export class TimeoutError extends Error {
  constructor(what: string, timeout_ms: number) {
    super(`${what} did not finish within ${timeout_ms} ms`);
    this.name = 'TimeoutError';
  }
}

export async function withTimeout<T>(promise: Promise<T>, timeout_ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(what, timeout_ms)), timeout_ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}
