import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSecretKey, redactSecrets, redactServerUrl, redactText, redactUrlCredentials } from './redact.js';

test('redactUrlCredentials masks the password and keeps the user for every scheme', () => {
  for (const scheme of ['rtsp', 'rtsps', 'http', 'https', 'nats', 'rtmp']) {
    assert.equal(
      redactUrlCredentials(`${scheme}://admin:hunter2@10.0.0.7:554/Streaming/101?tcp`),
      `${scheme}://admin:***@10.0.0.7:554/Streaming/101?tcp`,
    );
  }
});

test('redactUrlCredentials masks every URL inside a longer text, such as ffmpeg stderr', () => {
  const stderr =
    "Input #0, rtsp, from 'rtsp://admin:hunter2@cam-1/live':\n" +
    '[tcp @ 0x55d0] Connection to tcp://viewer:pw2@cam-2:554?timeout=0 failed: Connection refused';
  assert.equal(
    redactUrlCredentials(stderr),
    "Input #0, rtsp, from 'rtsp://admin:***@cam-1/live':\n" +
      '[tcp @ 0x55d0] Connection to tcp://viewer:***@cam-2:554?timeout=0 failed: Connection refused',
  );
});

test('redactUrlCredentials masks a password containing a raw @ up to the last @ of the authority', () => {
  assert.equal(redactUrlCredentials('rtsp://admin:p@ss@w0rd@cam/1'), 'rtsp://admin:***@cam/1');
  assert.equal(redactUrlCredentials('rtsp://admin:p%40ss@cam/1'), 'rtsp://admin:***@cam/1');
});

test('redactUrlCredentials masks user:password@host without a scheme', () => {
  assert.equal(
    redactUrlCredentials('auth failed for admin:hunter2@192.168.1.5 (401)'),
    'auth failed for admin:***@192.168.1.5 (401)',
  );
  assert.equal(redactUrlCredentials('source=admin:hunter2@cam'), 'source=admin:***@cam');
});

test('redactUrlCredentials leaves texts without a password untouched', () => {
  const unchanged = [
    'rtsp://admin@cam/1',
    'rtsp://cam:554/1',
    'rtsp://admin:@cam/1',
    'mail ops@example.com',
    '[rtsp @ 0x5581] method DESCRIBE failed: 401 Unauthorized',
    'at run (file:///app/node_modules/.pnpm/pino@10.4.0/node_modules/pino/lib/proto.js:12:5)',
    'at @shiriki/bus/src/x.ts:3:1',
  ];
  for (const text of unchanged) assert.equal(redactUrlCredentials(text), text);
});

test('redactUrlCredentials is idempotent', () => {
  const once = redactUrlCredentials('rtsp://admin:hunter2@cam and admin:pw@cam2');
  assert.equal(redactUrlCredentials(once), once);
});

test('isSecretKey ignores case, underscores and dashes', () => {
  for (const key of [
    'password',
    'PASSWORD',
    'secret_key',
    'secretKey',
    'secret-key',
    'nkeySeed',
    'Authorization',
  ]) {
    assert.equal(isSecretKey(key), true, key);
  }
  for (const key of ['user', 'username', 'tokens', 'camera', 'url'])
    assert.equal(isSecretKey(key), false, key);
});

test('redactSecrets masks secret keys and URL credentials at any depth without mutating the input', () => {
  const input = {
    camera: 'front',
    streams: [{ url: 'rtsp://admin:hunter2@cam/1', password: 'hunter2' }, 'nats://svc:natspw@nats:4222'],
    s3: { credentials: { secretKey: 's3-secret', accessKeyId: 'AKIA' } },
    nats: { nkey_seed: 'SUAXYZ', token: 42 },
  };
  const snapshot = structuredClone(input);
  assert.deepEqual(redactSecrets(input), {
    camera: 'front',
    streams: [{ url: 'rtsp://admin:***@cam/1', password: '***' }, 'nats://svc:***@nats:4222'],
    s3: { credentials: { secretKey: '***', accessKeyId: 'AKIA' } },
    nats: { nkey_seed: '***', token: '***' },
  });
  assert.deepEqual(input, snapshot);
});

test('redactSecrets returns the same objects when there is nothing to redact', () => {
  const clean = { camera: 'front', size: [640, 480], nested: { fps: 5 } };
  const result = redactSecrets({ ...clean, dirty: 'rtsp://a:b@c' }) as typeof clean;
  assert.equal(result.size, clean.size);
  assert.equal(result.nested, clean.nested);
  assert.equal(redactSecrets(clean), clean);
});

test('redactSecrets turns errors into plain objects with the cause chain redacted', () => {
  const cause = new Error('connect rtsp://admin:hunter2@cam failed');
  const error = Object.assign(new Error('stream front failed', { cause }), { code: 'ESTALL' });
  const result = redactSecrets({ error }) as { error: Record<string, unknown> };
  assert.equal(result.error.type, 'Error');
  assert.equal(result.error.code, 'ESTALL');
  assert.match(String(result.error.message), /connect rtsp:\/\/admin:\*\*\*@cam failed/);
  assert.match(String(result.error.stack), /caused by: Error: connect rtsp:\/\/admin:\*\*\*@cam failed/);
  assert.doesNotMatch(JSON.stringify(result), /hunter2/);
});

test('redactSecrets converts objects with toJSON and survives cycles', () => {
  const cyclic: Record<string, unknown> = { source: new URL('rtsp://admin:hunter2@cam/1') };
  cyclic.self = cyclic;
  assert.deepEqual(redactSecrets(cyclic), { source: 'rtsp://admin:***@cam/1', self: '[Circular]' });
});

test('redactServerUrl hides credentials in every URL form', () => {
  assert.equal(redactServerUrl('nats://user:pw@host:4222'), 'nats://***@host:4222');
  assert.equal(redactServerUrl('tls://token@host:4222'), 'tls://***@host:4222');
  assert.equal(redactServerUrl('user:pw@host:4222'), '***@host:4222');
  assert.equal(redactServerUrl('nats://host:4222'), 'nats://host:4222');
  assert.equal(redactServerUrl('127.0.0.1:4222'), '127.0.0.1:4222');
});

test('redactText masks secret query and fragment parameters, camera sources with several URLs, and headers', () => {
  const cases: Array<[string, string]> = [
    ['ffmpeg:rtsp://admin:pa$$@10.0.0.5/main#video=h264', 'ffmpeg:rtsp://admin:***@10.0.0.5/main#video=h264'],
    [
      'http://10.0.0.5/cgi?user=admin&password=hunter2&channel=1',
      'http://10.0.0.5/cgi?user=admin&password=***&channel=1',
    ],
    ['onvif://10.0.0.5#pwd=x1', 'onvif://10.0.0.5#pwd=***'],
    [
      'tapo://10.0.0.5?token=abc&stream=1 and http://u:p@h2/b',
      'tapo://10.0.0.5?token=***&stream=1 and http://u:***@h2/b',
    ],
    ['https://maps/api?key=AIza123&q=1', 'https://maps/api?key=***&q=1'],
    ['http://cam/x?API_KEY=k1 http://cam/y?api-key=k2', 'http://cam/x?API_KEY=*** http://cam/y?api-key=***'],
    ['dahua://cam#auth=admin:x', 'dahua://cam#auth=***'],
    [
      'GET /a HTTP/1.1\r\nAuthorization: Basic YWRtaW46eA==\r\nHost: cam',
      'GET /a HTTP/1.1\r\nAuthorization: Basic ***\r\nHost: cam',
    ],
    ['authorization: Bearer eyJhbGciOi.x.y', 'authorization: Bearer ***'],
    ['Cookie: session=abc; theme=dark', 'Cookie: ***'],
    ['X-Api-Key: 12345', 'X-Api-Key: ***'],
  ];
  for (const [text, expected] of cases) {
    assert.equal(redactText(text), expected, text);
    assert.equal(redactText(expected), expected, `idempotent: ${expected}`);
  }
  for (const unchanged of [
    'rtsp://10.0.0.5/main',
    'http://cam/x?passenger=1&keyframe=2',
    'key=events/a.mp4',
    'no secrets here',
  ])
    assert.equal(redactText(unchanged), unchanged);
});
