/** One stored object as `stat` and `list` report it. */
export interface StoredObject {
  key: string;
  size: number;
  contentType: string;
  lastModified: Date;
  /** User metadata given to `put`; names are lowercase. */
  metadata: Record<string, string>;
}

/** Bytes `start..end` of an object, both inclusive (as in an HTTP Range header). */
export interface ByteRange {
  start: number;
  end: number;
}

export interface PutOptions {
  /** Media type returned by `stat`/`list` and served with the object, e.g. `video/mp4`, `image/jpeg`. */
  contentType: string;
  /** User metadata: names 1-64 of `a-z 0-9 -`, values printable ASCII, 2 KiB in all. */
  metadata?: Record<string, string>;
}

/** Expire objects under `prefix` `days` after they were written. */
export interface RetentionRule {
  prefix: string;
  days: number;
}

export type RetentionMechanism = 'lifecycle' | 'sweeper';

/**
 * Where clips, snapshots and recordings go. Both implementations (`S3ObjectStore`, `LocalObjectStore`) pass
 * the same contract tests. Keys follow `validateKey` (see keys.ts); an invalid key rejects with
 * `InvalidObjectKeyError` before anything is sent. Failures are `StorageError`s: `ObjectNotFoundError`,
 * `StorageUnavailableError` (retryable) or a plain `StorageError`.
 */
export interface ObjectStore {
  readonly kind: 's3' | 'local';
  /** Creates the bucket / directory when missing; idempotent. */
  ensureReady(): Promise<void>;
  /** Writes (or replaces) an object. */
  put(key: string, body: Uint8Array, options: PutOptions): Promise<void>;
  /** Uploads a file; multipart for large files on S3 (the minio client does it above its part size). */
  putFile(key: string, path: string, options: PutOptions): Promise<void>;
  /** The whole object; throws `ObjectNotFoundError`. */
  getBytes(key: string): Promise<Uint8Array>;
  /**
   * The object as a stream; throws `ObjectNotFoundError` (before returning a stream). With `range`, only the
   * bytes `start..end` (both inclusive, within the object: the caller checks them against `stat`'s size).
   */
  getStream(key: string, range?: ByteRange): Promise<NodeJS.ReadableStream>;
  /**
   * A URL a browser can GET the object from for `expirySeconds`, or undefined when the store has no such
   * URLs (the local store).
   */
  presignedGetUrl(key: string, expirySeconds: number): Promise<string | undefined>;
  /** `undefined` when the object does not exist. */
  stat(key: string): Promise<StoredObject | undefined>;
  /** Every object whose key starts with `prefix` (a plain string prefix, `''` for all), recursively, in key order. */
  list(prefix: string): AsyncIterable<StoredObject>;
  /** Removes an object; deleting a missing object succeeds. */
  delete(key: string): Promise<void>;
  /**
   * Retention: bucket lifecycle rules on S3 (expire `prefix` after `days`); on the local store and servers
   * without lifecycle support, the caller runs `sweep()` periodically. Returns which mechanism is in force.
   * On S3 the rules replace the bucket's whole lifecycle configuration.
   */
  applyRetention(rules: RetentionRule[]): Promise<RetentionMechanism>;
  /** Deletes objects under each rule's prefix last modified more than `days` before `now`; returns the count. */
  sweep(rules: RetentionRule[], now?: Date): Promise<number>;
}
