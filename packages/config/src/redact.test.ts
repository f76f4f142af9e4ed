import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from './load.js';
import { REDACTED } from '@shiriki/telemetry';
import { redactConfigForDisplay } from './redact.js';

test('redactConfigForDisplay masks every secret and leaves the original untouched', () => {
  const config = parseConfig(
    `
nats:
  servers: ['nats://bus:${'${NATS_PW}'}@nats1:4222']
  token: ${'${NATS_TOKEN}'}
storage:
  s3: { endpoint: minio, access_key: shiriki, secret_key: '${'${S3_SECRET_KEY}'}' }
cameras:
  front:
    source: ['rtsp://admin:${'${CAM_PW}'}@10.0.0.2/main', 'ffmpeg:http://cam/video?password=${'${CAM_PW}'}']
`,
    { env: { NATS_PW: 'np', NATS_TOKEN: 'nt', S3_SECRET_KEY: 'sk', CAM_PW: 'cp' } },
  );
  const shown = redactConfigForDisplay(config);
  assert.deepEqual(shown.cameras['front']?.source, [
    'rtsp://admin:***@10.0.0.2/main',
    'ffmpeg:http://cam/video?password=***',
  ]);
  assert.deepEqual(shown.nats.servers, ['nats://bus:***@nats1:4222']);
  assert.equal(shown.nats.token, REDACTED);
  assert.equal(shown.storage.s3.secret_key, REDACTED);
  assert.equal(shown.storage.s3.access_key, 'shiriki');
  const text = JSON.stringify(shown);
  for (const secret of ['np', 'nt', 'sk', 'cp'])
    assert.ok(!text.includes(`"${secret}"`) && !text.includes(`:${secret}@`));
  assert.equal(config.storage.s3.secret_key, 'sk', 'the original config is not modified');
  assert.deepEqual(shown.cameras['front']?.detect, config.cameras['front']?.detect);
});
