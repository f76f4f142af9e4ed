import {
  ObjectNotFoundError,
  StorageError,
  StorageUnavailableError,
  type StorageErrorContext,
} from './errors.js';

/** Socket-level failures: the store is down, unreachable or too slow. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
]);
/** S3 error codes that mean "try again later". */
const RETRYABLE_S3_CODES = new Set([
  'SlowDown',
  'ServiceUnavailable',
  'InternalError',
  'RequestTimeout',
  'XMinioServerNotInitialized',
  'XMinioStorageFull',
]);
const NOT_FOUND_CODES = new Set(['NoSuchKey', 'NotFound']);
/** What the minio client throws after its own retries of 5xx responses ran out. */
const RETRY_EXHAUSTED = /Retryable HTTP status|Request failed after \d+ retries|socket hang up/;

export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

export function isNotFound(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && NOT_FOUND_CODES.has(code);
}

export function isUnavailable(error: unknown): boolean {
  const code = errorCode(error);
  if (code !== undefined && (NETWORK_CODES.has(code) || RETRYABLE_S3_CODES.has(code))) return true;
  if (error instanceof AggregateError) return error.errors.some(isUnavailable);
  const message = error instanceof Error ? error.message : '';
  return RETRY_EXHAUSTED.test(message);
}

/**
 * Wraps a low-level error in the matching `StorageError`. `secrets` are cut from the message: an error text
 * the server or client built must never carry the secret key into logs.
 */
export function toStorageError(
  error: unknown,
  context: StorageErrorContext,
  secrets: readonly string[] = [],
): StorageError {
  if (error instanceof StorageError) return error;
  const where = [context.bucket, context.key].filter((part) => part !== undefined).join('/');
  const detail = redact(describe(error), secrets);
  const message = `storage ${context.operation}${where === '' ? '' : ` ${where}`} failed: ${detail}`;
  const full = { ...context, cause: error };
  if (isNotFound(error)) return new ObjectNotFoundError(message, full);
  if (isUnavailable(error)) return new StorageUnavailableError(message, full);
  return new StorageError(message, full);
}

function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.map(describe).join('; ');
  }
  if (error instanceof Error) {
    const code = errorCode(error);
    return code !== undefined && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length > 0) out = out.split(secret).join('[REDACTED]');
  }
  return out;
}
