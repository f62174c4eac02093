/**
 * The OMS's pino logger factory, with secrets redacted wherever they turn up:
 *  - by key, at any of the depths listed in SECRET_KEYS: API keys, the admin token,
 *    passwords, tokens, authorization headers (pino's `redact`, replaced by "[redacted]");
 *  - inside strings: credentials in URLs and `password=`/`token=` pairs in connection
 *    strings such as QDB_CLIENT_CONF, in the message and in every string field. In a URL,
 *    `redis://user:secret@host` becomes `redis://user:[redacted]@host`, and a user part
 *    with no password, which for NATS is the token (`nats://TOKEN@host`), goes whole:
 *    `nats://[redacted]@host`.
 *
 * Workers call `createLogger` with their own name; everything writes JSON lines to stdout
 * synchronously (pino.destination({ sync: true })), so a worker that crashes right after
 * logging still gets its last line out.
 */
import { pino, Logger, LoggerOptions, DestinationStream } from 'pino';

export type { Logger } from 'pino';

const SECRET_KEYS = [
  'api_key', 'apiKey', 'x-api-key', 'admin_token', 'adminToken', 'password', 'pass', 'passwd', 'secret', 'token',
  'authorization', 'Authorization', 'cookie', 'private_key',
];

/** Redaction paths: each key at the top level, one level down, and in request headers. */
export const REDACT_PATHS: readonly string[] = [
  ...SECRET_KEYS.map((k) => (k.includes('-') ? `["${k}"]` : k)),
  ...SECRET_KEYS.map((k) => (k.includes('-') ? `*["${k}"]` : `*.${k}`)),
  ...SECRET_KEYS.map((k) => `req.headers["${k.toLowerCase()}"]`),
  ...SECRET_KEYS.map((k) => `headers["${k.toLowerCase()}"]`),
];

export const REDACTED = '[redacted]';

/**
 * `scheme://userinfo@`. The userinfo runs to the last '@' before the path, query or
 * fragment, since a password may hold an unencoded '@'; it never holds characters a URL
 * cannot (quotes, brackets...), which keeps a match inside one URL of a longer text and
 * leaves an already redacted URL alone.
 */
const URL_USERINFO = /([a-z][a-z0-9+.-]*:\/\/)([^/?#\s"'<>\\{}|^`[\]]*)@/gi;
const CONF_SECRETS = /((?:^|[;?&\s])(?:password|pass|token|secret|api_key|admin_token)=)([^;&\s]*)/gi;

/** Removes credentials from URLs and key=value connection strings inside a string. */
export function redactSecretsInText(text: string): string {
  return text.replace(URL_USERINFO, redactUserinfo).replace(CONF_SECRETS, `$1${REDACTED}`);
}

/** `user:password` keeps the user name; a user part alone is a token (NATS) or a name, and goes whole. */
function redactUserinfo(_match: string, scheme: string, userinfo: string): string {
  const colon = userinfo.indexOf(':');
  return colon < 0 ? `${scheme}${REDACTED}@` : `${scheme}${userinfo.slice(0, colon)}:${REDACTED}@`;
}

export interface LoggerFactoryOptions {
  readonly name: string;
  readonly level?: string;
  /** Where lines go; stdout by default. Tests pass a stream to read them back. */
  readonly destination?: DestinationStream;
  /** Fields on every line (worker name, shard...). */
  readonly base?: Record<string, unknown>;
}

export function createLogger(options: LoggerFactoryOptions): Logger {
  const pino_options: LoggerOptions = {
    name: options.name,
    level: options.level ?? 'info',
    base: { pid: process.pid, ...options.base },
    redact: { paths: [...REDACT_PATHS], censor: REDACTED },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      log: (object) => scrubStrings(object, 0) as Record<string, unknown>,
    },
    hooks: {
      logMethod(args, method) {
        for (let i = 0; i < args.length; i++) {
          if (typeof args[i] === 'string') args[i] = redactSecretsInText(args[i] as string);
        }
        method.apply(this, args as Parameters<typeof method>);
      },
    },
  };
  return pino(pino_options, options.destination ?? pino.destination({ dest: 1, sync: true }));
}

/** Walks plain objects (a few levels deep) and scrubs credentials out of string values. */
function scrubStrings(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactSecretsInText(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    const scrubbed = new Error(redactSecretsInText(value.message));
    for (const [key, v] of Object.entries(value)) (scrubbed as unknown as Record<string, unknown>)[key] = scrubStrings(v, depth + 1);
    scrubbed.name = value.name;
    scrubbed.stack = value.stack === undefined ? undefined : redactSecretsInText(value.stack);
    return scrubbed;
  }
  if (Array.isArray(value)) return value.map((v) => scrubStrings(v, depth + 1));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = scrubStrings(v, depth + 1);
  return out;
}
