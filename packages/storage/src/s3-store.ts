import * as http from 'node:http';
import * as https from 'node:https';
import type { Readable } from 'node:stream';
import { Client, type BucketItem, type LifecycleRule } from 'minio';
import type { Logger } from '@shiriki/telemetry';
import { StorageError, ObjectNotFoundError, StorageUnavailableError } from './errors.js';
import { errorCode, toStorageError } from './errors-map.js';
import { validateKey, validatePrefix, validatePutOptions } from './keys.js';
import { validateRetentionRules, cutoffFor } from './retention.js';
import type {
  ByteRange,
  ObjectStore,
  PutOptions,
  RetentionMechanism,
  RetentionRule,
  StoredObject,
} from './types.js';

export interface S3ObjectStoreOptions {
  /** Host name or IP, without scheme or port (`minio`, `s3.amazonaws.com`). */
  endPoint: string;
  /** Default 443 with TLS, else 80. */
  port?: number | undefined;
  /** Default false. */
  useSSL?: boolean | undefined;
  accessKey: string;
  /** Never logged and cut from every error message. */
  secretKey: string;
  /** Default `us-east-1`. Setting it spares the client a bucket-location request. */
  region?: string | undefined;
  bucket: string;
  /** Multipart part size; files above it upload in parts. At least 5 MiB. Default 64 MiB. */
  partSize?: number | undefined;
  /**
   * Longest a request may sit idle (connecting, sending, or waiting for the response headers) before it
   * fails with `StorageUnavailableError`. A response body being streamed is not timed. Default 10 000 ms.
   */
  requestTimeoutMs?: number | undefined;
  /** Retries of 5xx/429 responses inside the minio client. Default 1. */
  maxRetries?: number | undefined;
  /** Parallel HEAD requests `list` makes to fill in content types and metadata. Default 16. */
  listConcurrency?: number | undefined;
  logger?: Logger | undefined;
}

export const S3_STORE_DEFAULTS = {
  useSSL: false,
  region: 'us-east-1',
  partSize: 64 * 1024 * 1024,
  requestTimeoutMs: 10_000,
  maxRetries: 1,
  retryBaseDelayMs: 200,
  retryMaxDelayMs: 2_000,
  listConcurrency: 16,
} as const;

const MIN_PART_SIZE = 5 * 1024 * 1024;
const DEFAULT_CONTENT_TYPE = 'application/octet-stream';
/** Headers `statObject` returns next to user metadata. */
const NON_USER_METADATA = new Set([
  'content-type',
  'cache-control',
  'content-encoding',
  'content-disposition',
  'content-language',
]);

/** An `ObjectStore` on any S3-compatible server (AWS S3, MinIO) through the `minio` client. */
export class S3ObjectStore implements ObjectStore {
  readonly kind = 's3';
  readonly bucket: string;
  readonly region: string;
  private readonly client: Client;
  private readonly secretKey: string;
  private readonly listConcurrency: number;
  private readonly logger: Logger | undefined;

  constructor(options: S3ObjectStoreOptions) {
    const useSSL = options.useSSL ?? S3_STORE_DEFAULTS.useSSL;
    const partSize = options.partSize ?? S3_STORE_DEFAULTS.partSize;
    if (partSize < MIN_PART_SIZE) {
      throw new StorageError(`partSize ${partSize} is below S3's minimum of 5 MiB`, {
        operation: 'construct',
      });
    }
    this.bucket = options.bucket;
    this.region = options.region ?? S3_STORE_DEFAULTS.region;
    this.secretKey = options.secretKey;
    this.listConcurrency = Math.max(1, options.listConcurrency ?? S3_STORE_DEFAULTS.listConcurrency);
    this.logger = options.logger;
    try {
      this.client = new Client({
        endPoint: options.endPoint,
        port: options.port ?? (useSSL ? 443 : 80),
        useSSL,
        accessKey: options.accessKey,
        secretKey: options.secretKey,
        region: this.region,
        partSize,
        transport: timedTransport(useSSL, options.requestTimeoutMs ?? S3_STORE_DEFAULTS.requestTimeoutMs),
        retryOptions: {
          maximumRetryCount: options.maxRetries ?? S3_STORE_DEFAULTS.maxRetries,
          baseDelayMs: S3_STORE_DEFAULTS.retryBaseDelayMs,
          maximumDelayMs: S3_STORE_DEFAULTS.retryMaxDelayMs,
        },
      });
    } catch (error) {
      throw this.fail(error, 'construct');
    }
  }

  async ensureReady(): Promise<void> {
    try {
      if (await this.client.bucketExists(this.bucket)) return;
      await this.client.makeBucket(this.bucket, this.region);
      this.logger?.info({ bucket: this.bucket }, 'created storage bucket');
    } catch (error) {
      // Another replica created it between our check and our request.
      if (errorCode(error) === 'BucketAlreadyOwnedByYou') return;
      throw this.fail(error, 'ensureReady');
    }
  }

  async put(key: string, body: Uint8Array, options: PutOptions): Promise<void> {
    validateKey(key, 'put');
    validatePutOptions(key, options.contentType, options.metadata, 'put');
    const buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    try {
      await this.client.putObject(this.bucket, key, buffer, buffer.byteLength, headersFor(options));
    } catch (error) {
      throw this.fail(error, 'put', key);
    }
  }

  async putFile(key: string, path: string, options: PutOptions): Promise<void> {
    validateKey(key, 'putFile');
    validatePutOptions(key, options.contentType, options.metadata, 'putFile');
    try {
      await this.client.fPutObject(this.bucket, key, path, headersFor(options));
    } catch (error) {
      throw this.fail(error, 'putFile', key);
    }
  }

  async getBytes(key: string): Promise<Uint8Array> {
    const stream = await this.openStream(key, 'getBytes');
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of stream) chunks.push(chunk as Buffer);
    } catch (error) {
      throw this.fail(error, 'getBytes', key);
    }
    const bytes = Buffer.concat(chunks);
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  async getStream(key: string, range?: ByteRange): Promise<NodeJS.ReadableStream> {
    if (range === undefined) return this.openStream(key, 'getStream');
    validateKey(key, 'getStream');
    try {
      return await this.client.getPartialObject(this.bucket, key, range.start, range.end - range.start + 1);
    } catch (error) {
      throw this.fail(error, 'getStream', key);
    }
  }

  async stat(key: string): Promise<StoredObject | undefined> {
    validateKey(key, 'stat');
    try {
      const stat = await this.client.statObject(this.bucket, key);
      return storedObject(key, stat.size, stat.lastModified, stat.metaData);
    } catch (error) {
      const mapped = this.fail(error, 'stat', key);
      if (mapped instanceof ObjectNotFoundError) return undefined;
      throw mapped;
    }
  }

  async *list(prefix: string): AsyncIterable<StoredObject> {
    validatePrefix(prefix, 'list');
    let batch: string[] = [];
    for await (const item of this.listItems(prefix, 'list')) {
      batch.push(item.name);
      if (batch.length >= this.listConcurrency) {
        yield* await this.statBatch(batch);
        batch = [];
      }
    }
    if (batch.length > 0) yield* await this.statBatch(batch);
  }

  async delete(key: string): Promise<void> {
    validateKey(key, 'delete');
    try {
      await this.client.removeObject(this.bucket, key);
    } catch (error) {
      const mapped = this.fail(error, 'delete', key);
      if (mapped instanceof ObjectNotFoundError) return;
      throw mapped;
    }
  }

  async applyRetention(rules: RetentionRule[]): Promise<RetentionMechanism> {
    validateRetentionRules(rules, 'applyRetention');
    const lifecycle: LifecycleRule[] = rules.map((rule, index) => ({
      ID: `shiriki-retention-${index}`,
      Status: 'Enabled',
      Filter: { Prefix: rule.prefix },
      Expiration: { Days: rule.days },
    }));
    try {
      await this.client.setBucketLifecycle(this.bucket, lifecycle.length === 0 ? null : { Rule: lifecycle });
      return 'lifecycle';
    } catch (error) {
      const mapped = this.fail(error, 'applyRetention');
      if (mapped instanceof StorageUnavailableError || !refusesLifecycle(error)) throw mapped;
      this.logger?.warn(
        { bucket: this.bucket, err: mapped },
        'the storage server refuses lifecycle rules; retention falls back to the sweeper',
      );
      return 'sweeper';
    }
  }

  async sweep(rules: RetentionRule[], now: Date = new Date()): Promise<number> {
    validateRetentionRules(rules, 'sweep');
    let deleted = 0;
    for (const rule of rules) {
      const cutoff = cutoffFor(rule, now);
      for await (const item of this.listItems(rule.prefix, 'sweep')) {
        if (item.lastModified.getTime() >= cutoff) continue;
        await this.delete(item.name);
        deleted += 1;
      }
    }
    return deleted;
  }

  /** A presigned GET URL for handing a clip to a browser; `expirySeconds` default 1 hour. */
  async presignedGetUrl(key: string, expirySeconds = 3_600): Promise<string | undefined> {
    validateKey(key, 'presignedGetUrl');
    try {
      return await this.client.presignedGetObject(this.bucket, key, expirySeconds);
    } catch (error) {
      throw this.fail(error, 'presignedGetUrl', key);
    }
  }

  private async openStream(key: string, operation: string): Promise<Readable> {
    validateKey(key, operation);
    try {
      return await this.client.getObject(this.bucket, key);
    } catch (error) {
      throw this.fail(error, operation, key);
    }
  }

  private async *listItems(
    prefix: string,
    operation: string,
  ): AsyncIterable<{ name: string; lastModified: Date }> {
    validatePrefix(prefix, operation);
    try {
      const stream = this.client.listObjectsV2(this.bucket, prefix, true);
      for await (const raw of stream) {
        const item = raw as BucketItem;
        if (item.name === undefined) continue;
        yield { name: item.name, lastModified: item.lastModified };
      }
    } catch (error) {
      throw this.fail(error, operation);
    }
  }

  private async statBatch(keys: string[]): Promise<StoredObject[]> {
    const stats = await Promise.all(keys.map((key) => this.stat(key)));
    // An object deleted between listing and HEAD is simply gone.
    return stats.filter((stat): stat is StoredObject => stat !== undefined);
  }

  private fail(error: unknown, operation: string, key?: string): StorageError {
    return toStorageError(error, { operation, key, bucket: this.bucket }, [this.secretKey]);
  }
}

function headersFor(options: PutOptions): Record<string, string> {
  const headers: Record<string, string> = { 'Content-Type': options.contentType };
  for (const [name, value] of Object.entries(options.metadata ?? {})) headers[`x-amz-meta-${name}`] = value;
  return headers;
}

function storedObject(
  key: string,
  size: number,
  lastModified: Date,
  headers: Record<string, unknown>,
): StoredObject {
  let contentType = DEFAULT_CONTENT_TYPE;
  const metadata: Record<string, string> = {};
  for (const [rawName, value] of Object.entries(headers)) {
    const name = rawName.toLowerCase();
    const text = Array.isArray(value) ? value.join(',') : String(value);
    if (name === 'content-type') contentType = text;
    else if (!NON_USER_METADATA.has(name) && !name.startsWith('x-amz-')) metadata[name] = text;
  }
  return { key, size, contentType, lastModified, metadata };
}

function refusesLifecycle(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'NotImplemented' || code === 'MethodNotAllowed' || code === 'XNotImplemented';
}

/**
 * `http.request` with an idle timeout until the response headers arrive: a server that accepts the
 * connection and then says nothing fails the request instead of hanging it. Once headers are in, the
 * timeout is lifted so a slowly consumed download is not cut.
 */
function timedTransport(useSSL: boolean, timeoutMs: number): Pick<typeof http, 'request'> {
  const base = useSSL ? https : http;
  const request = (options: http.RequestOptions, callback?: (response: http.IncomingMessage) => void) => {
    const req = base.request({ ...options, timeout: timeoutMs }, (response) => {
      req.setTimeout(0);
      callback?.(response);
    });
    req.on('timeout', () => {
      const error = Object.assign(new Error(`no answer from the storage server within ${timeoutMs} ms`), {
        code: 'ETIMEDOUT',
      });
      req.destroy(error);
    });
    return req;
  };
  return { request: request as typeof http.request };
}
