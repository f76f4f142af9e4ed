import { stdSerializers } from 'pino';

/** What a password, or a value under a secret key, is replaced with. */
export const REDACTED = '***';

/**
 * `scheme://user:password@` with the authority ending at the first `/`, `?`, `#` or whitespace, and the
 * userinfo at the last `@` before that end — the way ffmpeg and WHATWG URL parsers split it, so a raw `@`
 * in a password (`admin:p@ss@camera`) is masked whole.
 */
const URL_USERINFO = /([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@:]*):([^\s/?#]*)@/gi;

/**
 * `user:password@host` without a scheme (ffmpeg and go2rtc print such fragments), only at the start of a
 * whitespace- or punctuation-delimited token so `file:///x/pkg@1.0/a.js:3:7` stack frames stay untouched.
 */
const BARE_USERINFO = /(^|[\s'"`(<[{=,;])([^\s:/?#@'"`<>()[\]{}=,;]+):([^\s/?#]*)@/g;

/**
 * The one list of secret names. A value is a secret when it sits under one of these names as an object or
 * config field, a URL query or fragment parameter, or an HTTP header; names are compared without case, `_`
 * or `-` (`secretKey`, `SECRET_KEY` and `secret-key` all match).
 */
export const SECRET_NAMES: readonly string[] = [
  'password',
  'passwd',
  'pass',
  'pwd',
  'secret',
  'secret_key',
  'secret_access_key',
  'token',
  'access_token',
  'refresh_token',
  'api_key',
  'x_api_key',
  'nkey_seed',
  'authorization',
  'proxy_authorization',
  'cookie',
  'set_cookie',
];

/**
 * Names that are secret as URL parameters only (`?key=...` is an API key, `#auth=...` a camera login), while
 * a field called `key` is an object-store key and must stay readable in logs.
 */
export const URL_ONLY_SECRET_NAMES: readonly string[] = ['key', 'auth'];

const secretKeys = new Set(SECRET_NAMES.map(normalizeKey));
const MAX_DEPTH = 16;

const paramNames = [...SECRET_NAMES, ...URL_ONLY_SECRET_NAMES]
  .flatMap((name) => [name, name.replace(/_/g, '-'), name.replace(/_/g, '')])
  .filter((name, i, all) => all.indexOf(name) === i)
  .sort((a, b) => b.length - a.length);
/** `?password=x`, `&api_key=x`, `#pwd=x` (go2rtc fragments): the value up to the next separator. */
const SECRET_PARAM = new RegExp(`([?&#;](?:${paramNames.join('|')})=)[^&#;\\s'"]*`, 'gi');
/** `Authorization: Basic abc`, `Cookie: a=b; c=d`, `X-Api-Key: abc` as printed in an HTTP dump. */
const SECRET_HEADER =
  /\b((?:proxy-)?authorization|set-cookie|cookie|x-api-key)(\s*:\s*)(?:(basic|bearer|digest)\s+)?[^\r\n'"]+/gi;

/**
 * Masks every credential form in free text: URL passwords (see {@link redactUrlCredentials}), secret query
 * and fragment parameters (`?password=***`, `#pwd=***`) and secret HTTP headers (`Authorization: Basic ***`).
 * What every log line, error message and status text goes through.
 */
export function redactText(text: string): string {
  let result = redactUrlCredentials(text);
  if (result.includes('=')) result = result.replace(SECRET_PARAM, `$1${REDACTED}`);
  if (result.includes(':')) {
    result = result.replace(
      SECRET_HEADER,
      (_match, name: string, separator: string, scheme: string | undefined) =>
        `${name}${separator}${scheme ? `${scheme} ` : ''}${REDACTED}`,
    );
  }
  return result;
}

/**
 * Masks the password of every URL with userinfo in `text`: `rtsp://admin:hunter2@cam/1` becomes
 * `rtsp://admin:***@cam/1`. The user stays (it helps to tell cameras apart); a URL with only a user is
 * left as it is.
 */
export function redactUrlCredentials(text: string): string {
  if (!text.includes('@')) return text;
  return text
    .replace(URL_USERINFO, (match, scheme: string, user: string, password: string) =>
      password === '' ? match : `${scheme}${user}:${REDACTED}@`,
    )
    .replace(BARE_USERINFO, (match, start: string, user: string, password: string) =>
      password === '' || password === REDACTED ? match : `${start}${user}:${REDACTED}@`,
    );
}

/**
 * `nats://user:secret@host:4222` -> `nats://***@host:4222`, also for bare `user:pass@host:port`. Unlike
 * {@link redactUrlCredentials}, which keeps the user, this drops the whole userinfo: NATS takes a token as
 * `nats://token@host`, so a "user" may be the secret.
 */
export function redactServerUrl(server: string): string {
  return server.replace(
    /^([a-z][a-z0-9+.-]*:\/\/)?[^@/]*@/i,
    (_match, scheme: string | undefined) => `${scheme ?? ''}${REDACTED}@`,
  );
}

/** Whether values under this field name are always masked (see {@link SECRET_NAMES}). */
export function isSecretKey(key: string): boolean {
  return secretKeys.has(normalizeKey(key));
}

/**
 * A JSON-ready copy of `value` with URL credentials masked in every string and every value under a secret
 * key replaced by `***`, at any depth. Errors become plain `{ type, message, stack, ... }` objects (cause
 * chain included) since their message and stack are not enumerable; objects with `toJSON` (URL, Date) are
 * converted first, as `JSON.stringify` would. Unchanged parts keep their identity, so a value without
 * anything to redact is returned as is. Cycles become `"[Circular]"` and nesting deeper than 16 levels
 * `"[Object]"`/`"[Array]"`.
 */
export function redactSecrets(value: unknown): unknown {
  return redactValue(value, new Set(), 0);
}

function redactValue(value: unknown, ancestors: Set<object>, depth: number): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (ArrayBuffer.isView(value)) return value;
  if (value instanceof Error) return redactValue(serializeError(value), ancestors, depth);
  if (hasToJSON(value)) return redactValue(value.toJSON(), ancestors, depth);
  if (ancestors.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return Array.isArray(value) ? '[Array]' : '[Object]';
  ancestors.add(value);
  try {
    return Array.isArray(value)
      ? redactArray(value, ancestors, depth + 1)
      : redactObject(value as Record<string, unknown>, ancestors, depth + 1);
  } finally {
    ancestors.delete(value);
  }
}

function redactArray(array: readonly unknown[], ancestors: Set<object>, depth: number): readonly unknown[] {
  let copy: unknown[] | undefined;
  for (let i = 0; i < array.length; i++) {
    const item = array[i];
    const redacted = redactValue(item, ancestors, depth);
    if (redacted !== item) {
      copy ??= array.slice();
      copy[i] = redacted;
    }
  }
  return copy ?? array;
}

function redactObject(
  object: Record<string, unknown>,
  ancestors: Set<object>,
  depth: number,
): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(object)) {
    const item = object[key];
    const redacted = item !== undefined && isSecretKey(key) ? REDACTED : redactValue(item, ancestors, depth);
    if (redacted !== item) {
      copy ??= { ...object };
      copy[key] = redacted;
    }
  }
  return copy ?? object;
}

/** pino's own error shape: `{ type, message, stack, ...own fields }`, message and stack with the cause chain. */
function serializeError(error: Error): Record<string, unknown> {
  return stdSerializers.err(error);
}

function hasToJSON(value: object): value is { toJSON(): unknown } {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, '');
}
