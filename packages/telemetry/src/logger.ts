import { hostname } from 'node:os';
import { pino, stdTimeFunctions, type DestinationStream, type LevelWithSilent, type Logger } from 'pino';
import { isSecretKey, REDACTED, redactSecrets, SECRET_NAMES } from './redact.js';

export type { Logger, LevelWithSilent };

export interface LoggerOptions {
  /** Service name, written on every line as `service`. */
  service: string;
  /** Lowest level written (`silent` writes nothing). Default `info`. */
  level?: LevelWithSilent;
  /** Where JSON lines go; default stdout. Tests pass `{ write(line) { ... } }` to capture output. */
  destination?: DestinationStream;
}

/**
 * A pino logger writing one JSON object per line, with credentials removed from everything it writes.
 *
 * Redaction hooks into pino's `redact` option with a `*` path and a censor function: pino runs that
 * stringifier on every top-level value of each line after the serializers (so `err` arrives already
 * serialized, message and stack with the cause chain), on the message itself, and on base and child
 * bindings when they are bound. `formatters.log` and `formatters.bindings` would miss child bindings and
 * messages; a `logMethod` hook would miss the message pino takes from an error. The censor cannot see the
 * key of a top-level value, hence the explicit top-level paths for secret keys in their usual spellings.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service, pid: process.pid, hostname: hostname() },
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: ['*', ...TOP_LEVEL_SECRET_PATHS], censor: censorTopLevelValue },
    },
    options.destination,
  );
}

function censorTopLevelValue(value: unknown, path: readonly (string | symbol)[]): unknown {
  const key = path[0];
  if (typeof key === 'string' && isSecretKey(key)) return REDACTED;
  return redactSecrets(value);
}

const TOP_LEVEL_SECRET_PATHS = [...new Set(SECRET_NAMES.flatMap(spellings))];

/** `secret_key` -> secret_key, secretkey, SECRET_KEY, secret-key, secretKey, SecretKey. */
function spellings(snakeCase: string): string[] {
  const words = snakeCase.split('_');
  const camel = words.map((word, i) => (i === 0 ? word : capitalize(word))).join('');
  return [snakeCase, words.join(''), snakeCase.toUpperCase(), words.join('-'), camel, capitalize(camel)];
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
