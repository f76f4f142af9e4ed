import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeRequestUrl, redactCredentials } from './redact.js';

// URL userinfo is masked by `redactUrlCredentials` from @shiriki/telemetry and tested there.
test('masks URL passwords in every URL of a source, and secret parameters', () => {
  assert.equal(
    redactCredentials('ffmpeg:rtsp://admin:pa$$@10.0.0.5/main#video=h264'),
    'ffmpeg:rtsp://admin:***@10.0.0.5/main#video=h264',
  );
  assert.equal(
    redactCredentials('http://10.0.0.5/cgi?user=admin&password=hunter2&channel=1'),
    'http://10.0.0.5/cgi?user=admin&password=***&channel=1',
  );
  assert.equal(redactCredentials('onvif://10.0.0.5#pwd=x1'), 'onvif://10.0.0.5#pwd=***');
  assert.equal(
    redactCredentials('tapo://10.0.0.5?token=abc&stream=1 and http://u:p@h2/b'),
    'tapo://10.0.0.5?token=***&stream=1 and http://u:***@h2/b',
  );
  assert.equal(redactCredentials('rtsp://10.0.0.5/main'), 'rtsp://10.0.0.5/main');
});

test('describes a request URL with decoded, redacted query values', () => {
  const url = new URL('http://127.0.0.1:1984/api/streams');
  url.searchParams.append('name', 'front');
  url.searchParams.append('src', 'rtsp://admin:p@ss@10.0.0.5/main#pwd=x');
  assert.equal(url.toString().includes('p%40ss'), true);
  assert.equal(
    describeRequestUrl(url),
    'http://127.0.0.1:1984/api/streams?name=front&src=rtsp://admin:***@10.0.0.5/main#pwd=***',
  );
});
