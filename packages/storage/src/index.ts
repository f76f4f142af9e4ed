export type {
  ByteRange,
  ObjectStore,
  StoredObject,
  PutOptions,
  RetentionRule,
  RetentionMechanism,
} from './types.js';
export { createObjectStore } from './create.js';
export type { CreateObjectStoreOptions } from './create.js';
export { S3ObjectStore, S3_STORE_DEFAULTS } from './s3-store.js';
export type { S3ObjectStoreOptions } from './s3-store.js';
export { LocalObjectStore, LOCAL_STORE_DEFAULTS } from './local-store.js';
export type { LocalObjectStoreOptions } from './local-store.js';
export {
  eventObjectKeys,
  eventDayPrefix,
  continuousObjectKey,
  validateKey,
  validatePrefix,
  keyProblem,
  KEY_MAX_LENGTH,
} from './keys.js';
export type { EventObjectKeys } from './keys.js';
export {
  StorageError,
  ObjectNotFoundError,
  StorageUnavailableError,
  InvalidObjectKeyError,
} from './errors.js';
export type { StorageErrorContext } from './errors.js';
