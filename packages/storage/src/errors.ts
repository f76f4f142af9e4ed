/** Where a storage error happened; every field is safe to log (never a secret key). */
export interface StorageErrorContext {
  /** The store operation, e.g. `put`, `stat`, `ensureReady`. */
  operation: string;
  key?: string | undefined;
  bucket?: string | undefined;
  cause?: unknown;
}

/**
 * Base class of every error the stores throw. `retryable` tells a caller (the upload spool) whether trying
 * the same call later can succeed.
 */
export class StorageError extends Error {
  override readonly name: string = 'StorageError';
  readonly operation: string;
  readonly key: string | undefined;
  readonly bucket: string | undefined;
  readonly retryable: boolean = false;

  constructor(message: string, context: StorageErrorContext) {
    super(message, { cause: context.cause });
    this.operation = context.operation;
    this.key = context.key;
    this.bucket = context.bucket;
  }
}

/** The object does not exist (getBytes, getStream). */
export class ObjectNotFoundError extends StorageError {
  override readonly name = 'ObjectNotFoundError';
}

/** The store cannot be reached: connection refused or reset, DNS failure, timeout, 5xx. Try again later. */
export class StorageUnavailableError extends StorageError {
  override readonly name = 'StorageUnavailableError';
  override readonly retryable = true;
}

/** A key, prefix or metadata entry breaks the rules in `keys.ts`; nothing was sent or written. */
export class InvalidObjectKeyError extends StorageError {
  override readonly name = 'InvalidObjectKeyError';
}
