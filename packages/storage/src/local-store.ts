import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, open, readdir, readFile, rename, rm, rmdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { Logger } from '@shiriki/telemetry';
import { ObjectNotFoundError, StorageError } from './errors.js';
import { errorCode, toStorageError } from './errors-map.js';
import { SIDECAR_SUFFIX, validateKey, validatePrefix, validatePutOptions } from './keys.js';
import { cutoffFor, validateRetentionRules } from './retention.js';
import type {
  ByteRange,
  ObjectStore,
  PutOptions,
  RetentionMechanism,
  RetentionRule,
  StoredObject,
} from './types.js';

export interface LocalObjectStoreOptions {
  /** Directory holding the objects; created by `ensureReady`. */
  root: string;
  logger?: Logger | undefined;
}

export const LOCAL_STORE_DEFAULTS = {
  /** Temp files a crash left behind are removed by `sweep` once older than this. */
  staleTempMs: 86_400_000,
  /** Attempts of a write racing with the removal of its (empty) parent directory. */
  writeAttempts: 3,
} as const;

/** Sidecar `<key>.meta.json`, written next to the object. */
interface Sidecar {
  version: 1;
  contentType: string;
  metadata: Record<string, string>;
}

const TEMP_PREFIX = '.tmp-';
const NOT_FOUND = new Set(['ENOENT', 'ENOTDIR']);
const CONTENT_TYPE_BY_EXTENSION: Record<string, string> = {
  mp4: 'video/mp4',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  json: 'application/json',
};

/**
 * An `ObjectStore` in a local directory: object `<key>` is the file `<root>/<key>`, its content type and
 * metadata sit in `<root>/<key>.meta.json`. Every file is written to a dot-named temp file, fsynced and
 * renamed into place, so readers never see a partial object. Retention is `sweep()` by file mtime.
 */
export class LocalObjectStore implements ObjectStore {
  readonly kind = 'local';
  readonly root: string;
  private readonly logger: Logger | undefined;

  constructor(options: LocalObjectStoreOptions) {
    this.root = resolve(options.root);
    this.logger = options.logger;
  }

  async ensureReady(): Promise<void> {
    try {
      await mkdir(this.root, { recursive: true });
    } catch (error) {
      throw this.fail(error, 'ensureReady');
    }
  }

  async put(key: string, body: Uint8Array, options: PutOptions): Promise<void> {
    validateKey(key, 'put');
    validatePutOptions(key, options.contentType, options.metadata, 'put');
    await this.write(key, options, 'put', async (temp) => {
      const handle = await open(temp, 'wx');
      try {
        await handle.writeFile(body);
        await handle.sync();
      } finally {
        await handle.close();
      }
    });
  }

  async putFile(key: string, path: string, options: PutOptions): Promise<void> {
    validateKey(key, 'putFile');
    validatePutOptions(key, options.contentType, options.metadata, 'putFile');
    await this.write(key, options, 'putFile', async (temp) => {
      await copyFile(path, temp);
      const handle = await open(temp, 'r+');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    });
  }

  async getBytes(key: string): Promise<Uint8Array> {
    validateKey(key, 'getBytes');
    try {
      const bytes = await readFile(this.pathFor(key));
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (error) {
      throw this.fail(error, 'getBytes', key);
    }
  }

  async getStream(key: string, range?: ByteRange): Promise<NodeJS.ReadableStream> {
    validateKey(key, 'getStream');
    try {
      const handle = await open(this.pathFor(key), 'r');
      if (!(await handle.stat()).isFile()) {
        await handle.close();
        throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
      }
      return handle.createReadStream(range && { start: range.start, end: range.end });
    } catch (error) {
      throw this.fail(error, 'getStream', key);
    }
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- part of the async ObjectStore contract
  async presignedGetUrl(key: string): Promise<string | undefined> {
    validateKey(key, 'presignedGetUrl');
    return undefined;
  }

  async stat(key: string): Promise<StoredObject | undefined> {
    validateKey(key, 'stat');
    const path = this.pathFor(key);
    try {
      const info = await stat(path);
      if (!info.isFile()) return undefined;
      const sidecar = await this.readSidecar(path, key);
      return { key, size: info.size, lastModified: info.mtime, ...sidecar };
    } catch (error) {
      if (NOT_FOUND.has(errorCode(error) ?? '')) return undefined;
      throw this.fail(error, 'stat', key);
    }
  }

  async *list(prefix: string): AsyncIterable<StoredObject> {
    validatePrefix(prefix, 'list');
    for await (const entry of this.walk(prefix, 'list')) {
      if (entry.kind !== 'object') continue;
      const object = await this.stat(entry.key);
      if (object !== undefined) yield object;
    }
  }

  async delete(key: string): Promise<void> {
    validateKey(key, 'delete');
    const path = this.pathFor(key);
    try {
      // Data first: a crash in between leaves an orphan sidecar, which nothing lists.
      await rm(path, { force: true });
      await rm(path + SIDECAR_SUFFIX, { force: true });
    } catch (error) {
      throw this.fail(error, 'delete', key);
    }
    await this.removeEmptyParents(dirname(path));
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async so invalid rules reject, not throw
  async applyRetention(rules: RetentionRule[]): Promise<RetentionMechanism> {
    validateRetentionRules(rules, 'applyRetention');
    return 'sweeper';
  }

  async sweep(rules: RetentionRule[], now: Date = new Date()): Promise<number> {
    validateRetentionRules(rules, 'sweep');
    let deleted = 0;
    for (const rule of rules) {
      const cutoff = cutoffFor(rule, now);
      for await (const entry of this.walk(rule.prefix, 'sweep')) {
        if (entry.kind === 'temp') {
          await this.removeStaleTemp(entry.path, now);
          continue;
        }
        const object = await this.stat(entry.key);
        if (object === undefined || object.lastModified.getTime() >= cutoff) continue;
        await this.delete(entry.key);
        deleted += 1;
      }
    }
    if (deleted > 0) this.logger?.debug({ root: this.root, deleted }, 'retention sweep deleted objects');
    return deleted;
  }

  /** `<root>/<key>`; key validation already rules out escapes, this is the belt to those braces. */
  private pathFor(key: string): string {
    const path = join(this.root, ...key.split('/'));
    if (!path.startsWith(this.root + sep)) {
      throw new StorageError(`key ${JSON.stringify(key)} resolves outside the store`, {
        operation: 'path',
        key,
      });
    }
    return path;
  }

  /** Writes data then sidecar, each through temp + fsync + rename; retries if a sweep removed the directory. */
  private async write(
    key: string,
    options: PutOptions,
    operation: string,
    writeTemp: (temp: string) => Promise<void>,
  ): Promise<void> {
    const path = this.pathFor(key);
    const sidecar: Sidecar = {
      version: 1,
      contentType: options.contentType,
      metadata: { ...options.metadata },
    };
    for (let attempt = 1; ; attempt += 1) {
      try {
        await mkdir(dirname(path), { recursive: true });
        await this.replace(path, writeTemp);
        await this.replace(path + SIDECAR_SUFFIX, async (temp) => {
          const handle = await open(temp, 'wx');
          try {
            await handle.writeFile(JSON.stringify(sidecar));
            await handle.sync();
          } finally {
            await handle.close();
          }
        });
        return;
      } catch (error) {
        const racedWithRemoval = errorCode(error) === 'ENOENT' && (await exists(dirname(path))) === false;
        if (racedWithRemoval && attempt < LOCAL_STORE_DEFAULTS.writeAttempts) continue;
        throw this.fail(error, operation, key);
      }
    }
  }

  private async replace(path: string, writeTemp: (temp: string) => Promise<void>): Promise<void> {
    const temp = join(dirname(path), `${TEMP_PREFIX}${basename(path)}-${randomBytes(6).toString('hex')}`);
    try {
      await writeTemp(temp);
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true }).catch(() => undefined);
      throw error;
    }
  }

  private async readSidecar(
    path: string,
    key: string,
  ): Promise<Pick<StoredObject, 'contentType' | 'metadata'>> {
    try {
      const parsed = JSON.parse(await readFile(path + SIDECAR_SUFFIX, 'utf8')) as Partial<Sidecar>;
      if (
        typeof parsed.contentType === 'string' &&
        typeof parsed.metadata === 'object' &&
        parsed.metadata !== null
      ) {
        return { contentType: parsed.contentType, metadata: { ...parsed.metadata } };
      }
    } catch (error) {
      if (!NOT_FOUND.has(errorCode(error) ?? '') && !(error instanceof SyntaxError)) throw error;
    }
    // No (readable) sidecar: a crash between the two renames, or a file copied in by hand.
    return { contentType: guessContentType(key), metadata: {} };
  }

  /**
   * Objects (and leftover temp files) under `prefix` in key order. A directory named `x` sorts as `x/`,
   * so the order matches S3's byte order of full keys.
   */
  private async *walk(prefix: string, operation: string): AsyncIterable<WalkEntry> {
    const slash = prefix.lastIndexOf('/');
    const baseKey = prefix.slice(0, slash + 1);
    const rest = prefix.slice(slash + 1);
    const baseDir = baseKey === '' ? this.root : this.pathFor(baseKey.slice(0, -1));
    yield* this.walkDir(baseDir, baseKey, rest, operation);
  }

  private async *walkDir(
    dir: string,
    dirKey: string,
    namePrefix: string,
    operation: string,
  ): AsyncIterable<WalkEntry> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (NOT_FOUND.has(errorCode(error) ?? '')) return;
      throw this.fail(error, operation, dirKey);
    }
    const named = entries
      .filter((entry) => entry.name.startsWith(namePrefix) || entry.name.startsWith(TEMP_PREFIX))
      .map((entry) => ({ entry, sortName: entry.isDirectory() ? `${entry.name}/` : entry.name }))
      .sort((a, b) => (a.sortName < b.sortName ? -1 : a.sortName > b.sortName ? 1 : 0));
    for (const { entry } of named) {
      const path = join(dir, entry.name);
      if (entry.name.startsWith(TEMP_PREFIX)) {
        if (entry.isFile()) yield { kind: 'temp', path, key: dirKey + entry.name };
        continue;
      }
      // Symlinks and other dot files are not ours; they are neither listed nor followed.
      if (entry.name.startsWith('.') || entry.isSymbolicLink()) continue;
      if (entry.isDirectory()) {
        yield* this.walkDir(path, `${dirKey}${entry.name}/`, '', operation);
      } else if (entry.isFile() && !entry.name.endsWith(SIDECAR_SUFFIX)) {
        yield { kind: 'object', path, key: dirKey + entry.name };
      }
    }
  }

  private async removeStaleTemp(path: string, now: Date): Promise<void> {
    try {
      const info = await stat(path);
      if (now.getTime() - info.mtimeMs > LOCAL_STORE_DEFAULTS.staleTempMs) await rm(path, { force: true });
    } catch {
      // Renamed into place or removed meanwhile.
    }
  }

  /** Removes now-empty directories up to (not including) the root; stops at the first non-empty one. */
  private async removeEmptyParents(dir: string): Promise<void> {
    let current = dir;
    while (current.startsWith(this.root + sep)) {
      try {
        await rmdir(current);
      } catch {
        return;
      }
      current = dirname(current);
    }
  }

  private fail(error: unknown, operation: string, key?: string): StorageError {
    const code = errorCode(error);
    const missing = code !== undefined && (NOT_FOUND.has(code) || code === 'EISDIR');
    if (missing && (operation === 'getBytes' || operation === 'getStream')) {
      return new ObjectNotFoundError(`storage ${operation} ${key ?? ''} failed: no such object`, {
        operation,
        key,
        cause: error,
      });
    }
    // A missing file is only "not found" for reads; for writes it is a plain failure (e.g. putFile's source).
    const mapped = toStorageError(error, { operation, key });
    return mapped instanceof ObjectNotFoundError
      ? new StorageError(mapped.message, { operation, key, cause: error })
      : mapped;
  }
}

interface WalkEntry {
  kind: 'object' | 'temp';
  path: string;
  key: string;
}

function guessContentType(key: string): string {
  const extension = key.slice(key.lastIndexOf('.') + 1).toLowerCase();
  return CONTENT_TYPE_BY_EXTENSION[extension] ?? 'application/octet-stream';
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
