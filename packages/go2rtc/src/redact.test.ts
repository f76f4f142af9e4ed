import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeRequestUrl } from './redact.js';

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
