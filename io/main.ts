/**
 * `make run` starts this: the OMS on its embedded defaults (demo accounts on loopback,
 * simulated market, fsync'd journal under ./data), configured by environment variables
 * (io/config/oms_config.ts lists them).
 */
import pino from 'pino';
import { ConfigError, loadOmsConfig } from './config/oms_config.js';
import { startOms } from './process/oms_process.js';
import { MALLOC_ENV, missingMallocEnv } from './process/malloc_env.js';

const log = pino({
  level: process.env.OMS_LOG_LEVEL || 'info',
  redact: { paths: ['*.api_key', '*.admin_token', '*.password', 'config.accounts'], censor: '[redacted]' },
});

async function main(): Promise<void> {
  let config;
  try {
    config = loadOmsConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      log.fatal(error.message);
      process.exit(2);
    }
    throw error;
  }
  if (config.demo_mode) {
    log.warn({ accounts: config.accounts.map((a) => a.name) },
      'demo mode: no OMS_ACCOUNTS_FILE, so the demo accounts "test" (x-api-key: test-key) and "demo2" (x-api-key: demo2-key) are enabled, on loopback only');
  }
  const missing = missingMallocEnv();
  if (missing.length > 0) {
    log.warn({ missing, recommended: MALLOC_ENV },
      'started without the recommended allocator setting: resident memory can grow after each snapshot (docs/DEPLOYMENT.md)');
  }
  const oms = await startOms(config, log);
  let signals = 0;
  const shutdown = (signal: string) => {
    if (++signals > 1) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    const hard_stop = setTimeout(() => {
      log.error('shutdown did not finish in time: exiting');
      process.exit(1);
    }, config.shutdown_timeout_ms + 2000);
    hard_stop.unref();
    oms.stop(signal).then(() => process.exit(0), (error: unknown) => {
      log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  log.fatal({ err: error }, 'the OMS could not start');
  process.exit(1);
});
