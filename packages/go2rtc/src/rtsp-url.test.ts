import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rtspUrl } from './rtsp-url.js';

test('builds the RTSP URL of a stream, escaping the name', () => {
  assert.equal(rtspUrl('front', 'rtsp://127.0.0.1:8554'), 'rtsp://127.0.0.1:8554/front');
  assert.equal(rtspUrl('front door', 'rtsp://u:p@go2rtc:8554/'), 'rtsp://u:p@go2rtc:8554/front%20door');
  assert.throws(() => rtspUrl('front', 'http://127.0.0.1:1984'), TypeError);
});
