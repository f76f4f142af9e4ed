import { REDACTED, redactUrlCredentials } from '@shiriki/telemetry';
import type { ShirikiConfig } from './types.js';

export { REDACTED };

/** Options whose whole value is a secret. */
const SECRET_KEYS = new Set(['password', 'token', 'nkey_seed', 'secret_key']);

const QUERY_SECRET = /([?&#](?:password|passwd|pass|pwd|token|secret|api_key|apikey)=)[^&#\s]*/gi;

/**
 * Masks passwords in URLs (`rtsp://user:***@host`, by `redactUrlCredentials`) and, as camera sources carry
 * them there too, secret query parameters (`?password=***`) in any text.
 */
export function redactSecretsInText(text: string): string {
  return redactUrlCredentials(text).replace(QUERY_SECRET, `$1${REDACTED}`);
}

/**
 * A copy of the configuration that is safe to print: secret options (passwords, tokens, NKey seeds, the S3
 * secret key) become `***`, and credentials inside URLs, such as camera sources, are masked.
 */
export function redactConfigForDisplay(config: ShirikiConfig): ShirikiConfig {
  return redact(config) as ShirikiConfig;
}

function redact(value: unknown, key?: string): unknown {
  if (typeof value === 'string')
    return key !== undefined && SECRET_KEYS.has(key) ? REDACTED : redactSecretsInText(value);
  if (Array.isArray(value)) return value.map((item) => redact(item));
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [name, item] of Object.entries(value)) copy[name] = redact(item, name);
    return copy;
  }
  return value;
}
