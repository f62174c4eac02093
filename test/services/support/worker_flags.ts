/**
 * Node flags for worker threads started by service tests. A Worker inherits the test
 * process's flags, and under tap those include its module loader hooks, which add about
 * half a second to every thread start (and the supervisor tests start dozens). The
 * services do not need them, so their threads start with source maps only.
 */
export const FAST_THREAD: string[] = ['--enable-source-maps'];
