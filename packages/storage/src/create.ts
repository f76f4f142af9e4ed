import type { StorageConfig } from '@shiriki/config';
import type { Logger } from '@shiriki/telemetry';
import { StorageError } from './errors.js';
import { LocalObjectStore } from './local-store.js';
import { S3ObjectStore, type S3ObjectStoreOptions } from './s3-store.js';
import type { ObjectStore } from './types.js';

export interface CreateObjectStoreOptions {
  logger?: Logger | undefined;
  /** Extra S3 client settings (timeouts, part size) the config file does not carry. */
  s3?: Pick<S3ObjectStoreOptions, 'partSize' | 'requestTimeoutMs' | 'maxRetries' | 'listConcurrency'>;
}

/** The store `config.storage` describes; call `ensureReady()` before the first write. */
export function createObjectStore(
  storage: StorageConfig,
  options: CreateObjectStoreOptions = {},
): ObjectStore {
  if (storage.type === 'local') {
    return new LocalObjectStore({ root: storage.local.path, logger: options.logger });
  }
  const { endpoint, port, use_ssl, access_key, secret_key, region, bucket } = storage.s3;
  if (endpoint === undefined || access_key === undefined || secret_key === undefined) {
    // The config schema already demands these for type s3; this guards hand-built configs.
    throw new StorageError('storage.s3 needs endpoint, access_key and secret_key', { operation: 'create' });
  }
  return new S3ObjectStore({
    ...options.s3,
    endPoint: endpoint,
    port,
    useSSL: use_ssl,
    accessKey: access_key,
    secretKey: secret_key,
    region,
    bucket,
    logger: options.logger,
  });
}
