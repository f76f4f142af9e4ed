import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { ConfigError } from './errors.js';
import { loadConfig } from './load.js';

const EXAMPLE = fileURLToPath(new URL('../../../config/shiriki.example.yaml', import.meta.url));

test('config/shiriki.example.yaml validates with its secrets in the environment', async () => {
  const config = await loadConfig(EXAMPLE, { env: { FRONT_DOOR_PASSWORD: 'door', S3_SECRET_KEY: 'key' } });
  assert.deepEqual(Object.keys(config.cameras), ['front_door', 'driveway']);
  assert.match(config.cameras['front_door']?.source[0] ?? '', /^rtsp:\/\/viewer:door@/);
  assert.equal(config.storage.s3.secret_key, 'key');
  const driveway = config.cameras['driveway'];
  assert.ok(driveway);
  assert.deepEqual(Object.keys(driveway.zones), ['driveway', 'gate']);
  assert.equal(driveway.motion.mask.length, 1);
  assert.equal(driveway.detect.width, 1280);
});

test('the example names both secrets it needs when they are missing', async () => {
  await assert.rejects(loadConfig(EXAMPLE, { env: {} }), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.deepEqual(
      error.issues.map((issue) => issue.path),
      ['cameras.front_door.source', 'storage.s3.secret_key'],
    );
    return true;
  });
});
