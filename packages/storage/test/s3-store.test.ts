import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { Client } from 'minio';
import { parseConfig } from '@shiriki/config';
import {
  freePort,
  makeTempDir,
  removeTempDir,
  startMinio,
  waitFor,
  type MinioServer,
} from '@shiriki/testing';
import {
  createObjectStore,
  S3ObjectStore,
  StorageError,
  StorageUnavailableError,
  type S3ObjectStoreOptions,
} from '../src/index.js';
import { describeObjectStoreContract } from './contract.js';

const MiB = 1024 * 1024;
const text = (value: string) => new TextEncoder().encode(value);

let minio: MinioServer;
let admin: Client;
let bucketCounter = 0;
const newBucket = () => `shiriki-test-${process.pid}-${++bucketCounter}`;

function storeOptions(overrides: Partial<S3ObjectStoreOptions> = {}): S3ObjectStoreOptions {
  const { endPoint, port, useSSL, accessKey, secretKey } = minio;
  return {
    endPoint,
    port,
    useSSL,
    accessKey,
    secretKey,
    bucket: newBucket(),
    // 5 MiB parts make the 12 MiB contract upload a three-part multipart upload.
    partSize: 5 * MiB,
    requestTimeoutMs: 2_000,
    ...overrides,
  };
}

before(async () => {
  minio = await startMinio();
  const { endPoint, port, useSSL, accessKey, secretKey } = minio;
  admin = new Client({ endPoint, port, useSSL, accessKey, secretKey });
});
after(() => minio.dispose());

describeObjectStoreContract('S3ObjectStore on MinIO', () =>
  Promise.resolve(new S3ObjectStore(storeOptions())),
);

describe('S3ObjectStore specifics', () => {
  const tempDir = makeTempDir('storage-s3');
  after(() => removeTempDir(tempDir));

  test('ensureReady creates a missing bucket in the configured region', async () => {
    const store = new S3ObjectStore(storeOptions());
    assert.equal(await admin.bucketExists(store.bucket), false);
    await store.ensureReady();
    assert.equal(await admin.bucketExists(store.bucket), true);
    await Promise.all([
      store.ensureReady(),
      new S3ObjectStore(storeOptions({ bucket: store.bucket })).ensureReady(),
    ]);
  });

  test('putFile above the part size is a multipart upload', async () => {
    const store = new S3ObjectStore(storeOptions());
    await store.ensureReady();
    const path = join(tempDir, 'twelve.mp4');
    await writeFile(path, randomBytes(12 * MiB));
    await store.putFile('clips/twelve.mp4', path, { contentType: 'video/mp4' });
    const stat = await admin.statObject(store.bucket, 'clips/twelve.mp4');
    assert.match(stat.etag, /-3$/, 'a multipart ETag names its part count');
    assert.equal(stat.size, 12 * MiB);
  });

  test('applyRetention installs lifecycle rules on MinIO', async () => {
    const store = new S3ObjectStore(storeOptions());
    await store.ensureReady();
    const mechanism = await store.applyRetention([
      { prefix: 'events/', days: 14 },
      { prefix: 'recordings/', days: 3 },
    ]);
    if (mechanism === 'sweeper') {
      // Allowed by the contract for servers without ILM; this MinIO build should support it.
      assert.fail('MinIO refused lifecycle rules');
    }
    const lifecycle = await admin.getBucketLifecycle(store.bucket);
    const rules = (lifecycle?.Rule ?? []).map((rule) => {
      const raw = rule as unknown as {
        Filter?: { Prefix?: string };
        Expiration?: { Days?: number | string };
      };
      return [raw.Filter?.Prefix, Number(raw.Expiration?.Days)];
    });
    assert.deepEqual(rules, [
      ['events/', 14],
      ['recordings/', 3],
    ]);
    // Replacing with an empty rule set removes the configuration.
    assert.equal(await store.applyRetention([]), 'lifecycle');
    await assert.rejects(admin.getBucketLifecycle(store.bucket), /lifecycle/i);
  });

  test('presignedGetUrl serves the object over plain HTTP', async () => {
    const store = new S3ObjectStore(storeOptions());
    await store.ensureReady();
    await store.put('snap.jpg', text('jpeg'), { contentType: 'image/jpeg' });
    const url = await store.presignedGetUrl('snap.jpg', 60);
    assert.ok(url !== undefined, 'an S3 store always has presigned URLs');
    const response = await fetch(url);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'image/jpeg');
    assert.equal(await response.text(), 'jpeg');
  });

  test('a wrong secret fails with a non-retryable StorageError that does not contain the secret', async () => {
    const secretKey = 'not-the-real-secret-9f8e7d';
    const store = new S3ObjectStore(storeOptions({ secretKey }));
    await assert.rejects(store.put('x', text('x'), { contentType: 'text/plain' }), (error: unknown) => {
      assert.ok(error instanceof StorageError, String(error));
      assert.equal(error.retryable, false);
      assert.equal(error.bucket, store.bucket);
      assert.ok(!error.message.includes(secretKey));
      assert.ok(!JSON.stringify(error).includes(secretKey));
      return true;
    });
  });

  test('createObjectStore builds an S3 store from config.storage', async () => {
    const yaml = [
      'cameras:',
      '  cam:',
      '    source: rtsp://x/y',
      'storage:',
      '  type: s3',
      '  s3:',
      `    endpoint: ${minio.endPoint}`,
      `    port: ${minio.port}`,
      `    access_key: ${minio.accessKey}`,
      '    secret_key: ${S3_SECRET_KEY}',
      `    bucket: from-config-${process.pid}`,
    ].join('\n');
    const config = parseConfig(yaml, { env: { S3_SECRET_KEY: minio.secretKey } });
    const store = createObjectStore(config.storage);
    assert.equal(store.kind, 's3');
    await store.ensureReady();
    await store.put('a.json', text('{}'), { contentType: 'application/json' });
    assert.equal((await store.stat('a.json'))?.contentType, 'application/json');
  });
});

describe('S3ObjectStore outages', () => {
  let silent: Server | undefined;
  const sockets = new Set<Socket>();
  after(async () => {
    for (const socket of sockets) socket.destroy();
    if (silent) await new Promise<void>((resolve) => silent?.close(() => resolve()));
  });

  test('a stopped MinIO fails puts quickly with a retryable StorageUnavailableError; they work after start', async () => {
    const store = new S3ObjectStore(storeOptions());
    await store.ensureReady();
    await store.put('before', text('1'), { contentType: 'text/plain' });

    await minio.stop();
    const started = Date.now();
    await assert.rejects(store.put('during', text('2'), { contentType: 'text/plain' }), (error: unknown) => {
      assert.ok(error instanceof StorageUnavailableError, String(error));
      assert.equal(error.name, 'StorageUnavailableError');
      assert.equal(error.retryable, true);
      assert.equal(error.key, 'during');
      assert.ok(!error.message.includes(minio.secretKey));
      return true;
    });
    assert.ok(Date.now() - started < 5_000, `failed after ${Date.now() - started} ms`);
    await assert.rejects(store.stat('before'), StorageUnavailableError);

    await minio.start();
    await waitFor(
      async () => {
        await store.put('after', text('3'), { contentType: 'text/plain' });
        return true;
      },
      { what: 'a put after MinIO restarted', timeoutMs: 20_000, intervalMs: 200 },
    );
    assert.deepEqual(await store.getBytes('before'), text('1'));
    assert.deepEqual(await store.getBytes('after'), text('3'));
  });

  test('a server that accepts connections but never answers times out as StorageUnavailableError', async () => {
    const port = await freePort();
    silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent?.listen(port, '127.0.0.1', resolve));
    const store = new S3ObjectStore({
      ...storeOptions(),
      endPoint: '127.0.0.1',
      port,
      requestTimeoutMs: 300,
      maxRetries: 0,
    });
    const started = Date.now();
    await assert.rejects(store.put('x', text('x'), { contentType: 'text/plain' }), StorageUnavailableError);
    assert.ok(Date.now() - started < 5_000);
  });
});
