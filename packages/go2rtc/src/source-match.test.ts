import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchSource } from './source-match.js';
import type { Go2rtcProducer } from './types.js';

const idle = (url: string): Go2rtcProducer => ({ state: 'idle', url, medias: [], receivers: [] });
const connected = (fields: Partial<Go2rtcProducer>): Go2rtcProducer => ({
  state: 'connected',
  formatName: 'rtsp',
  medias: [],
  receivers: [],
  ...fields,
});

test('an idle producer shows its source, with env values masked by go2rtc', () => {
  const template = 'rtsp://admin:${CAM_PASS}@10.0.0.5/main';
  assert.equal(matchSource(template, idle('rtsp://admin:***@10.0.0.5/main')), 'same');
  assert.equal(matchSource(template, idle(template)), 'same', 'unset variables stay literal');
  assert.equal(matchSource(template, idle('rtsp://admin:***@10.0.0.6/main')), 'different');
  assert.equal(matchSource('rtsp://h/a.b', idle('rtsp://h/aXb')), 'different', 'dots are literal');
});

test('a connected RTSP producer shows its URL without go2rtc options', () => {
  const source = 'rtsp://admin:pw@10.0.0.5/main#backchannel=0';
  assert.equal(matchSource(source, connected({ url: 'rtsp://admin:pw@10.0.0.5/main' })), 'same');
  assert.equal(matchSource(source, connected({ url: 'rtsp://admin:pw@10.0.0.9/main' })), 'different');
});

test('a connected redirected producer hides its source', () => {
  const producer = connected({
    source: 'exec:ffmpeg -hide_banner -i /media/a.mp4 -c:v copy -f rtsp {output}',
  });
  assert.equal(matchSource('ffmpeg:/media/a.mp4#video=copy', producer), 'unknown');
});
