import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { text } from 'node:stream/consumers';
import { Client } from 'minio';
import { startMinio, type MinioServer } from '../src/index.js';

describe('startMinio', () => {
  let minio: MinioServer;
  let client: Client;
  before(async () => {
    minio = await startMinio();
    const { endPoint, port, useSSL, accessKey, secretKey } = minio;
    client = new Client({ endPoint, port, useSSL, accessKey, secretKey });
  });
  after(() => minio.dispose());

  test('stores and returns an object with the minio client', async () => {
    await client.makeBucket('clips');
    await client.putObject('clips', 'cam1/0001.txt', 'first clip');
    assert.equal(await text(await client.getObject('clips', 'cam1/0001.txt')), 'first clip');
    assert.ok(existsSync(`${minio.dataDir}/clips`), 'the bucket lives in dataDir');
  });

  test('stop() takes it down and start() brings it back on the same port with its data', async () => {
    await minio.stop();
    assert.equal(minio.state, 'stopped');
    await assert.rejects(fetch(`${minio.url}/minio/health/live`));

    await minio.start();
    assert.equal(minio.state, 'running');
    assert.equal(await text(await client.getObject('clips', 'cam1/0001.txt')), 'first clip');
  });

  test('rejects wrong credentials', async () => {
    const { endPoint, port, useSSL, accessKey } = minio;
    const intruder = new Client({ endPoint, port, useSSL, accessKey, secretKey: 'not-the-secret' });
    await assert.rejects(intruder.listBuckets(), /SignatureDoesNotMatch|signature/i);
  });
});
