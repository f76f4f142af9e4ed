import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { countRtspFrames, startGo2rtc, waitFor, waitForRtspVideo, type Go2rtcServer } from '../src/index.js';

describe('startGo2rtc', () => {
  let go2rtc: Go2rtcServer;
  before(async () => {
    go2rtc = await startGo2rtc();
  });
  after(() => go2rtc.dispose());

  test('serves one stream per asset clip plus the synthetic one', async () => {
    const streams = (await (await fetch(`${go2rtc.apiUrl}/api/streams`)).json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(streams).sort(), ['parking-lot', 'person-walk', 'synthetic']);
  });

  test('listens only on its loopback ports, with WebRTC, SRTP and RTMP off', () => {
    const config = parse(readFileSync(go2rtc.configPath, 'utf8'));
    assert.equal(config.api.listen, `127.0.0.1:${go2rtc.apiPort}`);
    assert.equal(config.rtsp.listen, `127.0.0.1:${go2rtc.rtspPort}`);
    assert.deepEqual([config.webrtc.listen, config.srtp.listen, config.rtmp.listen], ['', '', '']);
    assert.match(go2rtc.logTail(), new RegExp(`\\[rtsp\\] listen addr=127\\.0\\.0\\.1:${go2rtc.rtspPort}`));
  });

  test('person-walk plays in real time at its 10 fps over RTSP/TCP', async () => {
    const url = go2rtc.rtspUrl('person-walk');
    await waitForRtspVideo(url);
    const { frames, elapsedMs } = await countRtspFrames(url, 3);
    // 3 s of a 10 fps clip; a new client may start a little before the live edge, at the last keyframe.
    assert.ok(frames >= 25 && frames <= 45, `decoded ${frames} frames`);
    // Real time: ffmpeg needs about as long as the stream time it reads, not a burst.
    assert.ok(elapsedMs >= 2000, `read 3 s of stream in ${elapsedMs} ms`);
  });

  test('the synthetic stream yields H.264 frames', async () => {
    const url = go2rtc.rtspUrl('synthetic');
    await waitForRtspVideo(url);
    const reading = countRtspFrames(url, 3);
    // go2rtc runs a source only while a client watches, so look at its producer during the read.
    const producer = await waitFor(
      async () => {
        const info = (await (await fetch(`${go2rtc.apiUrl}/api/streams?src=synthetic`)).json()) as {
          producers?: { medias?: string[] }[];
        };
        const producer = info.producers?.[0];
        return JSON.stringify(producer?.medias ?? null).includes('H264') && producer;
      },
      { what: 'the synthetic producer to report its medias', timeoutMs: 3000 },
    );
    assert.match(JSON.stringify(producer.medias), /video, recvonly, H264/);
    const { frames } = await reading;
    assert.ok(frames >= 20, `decoded ${frames} frames`);
  });
});

describe('startGo2rtc with API auth and environment', () => {
  let go2rtc: Go2rtcServer;
  before(async () => {
    go2rtc = await startGo2rtc({
      streams: { cam: 'rtsp://admin:${SHIRIKI_TEST_CAM_PASSWORD}@127.0.0.1:9/cam' },
      api: { username: 'shiriki', password: 'api-secret' },
      env: { SHIRIKI_TEST_CAM_PASSWORD: 'cam-secret' },
    });
  });
  after(() => go2rtc.dispose());

  test('asks loopback clients for credentials and expands ${VAR} from the given environment', async () => {
    assert.equal((await fetch(`${go2rtc.apiUrl}/api/streams`)).status, 401);
    const authorization = `Basic ${Buffer.from('shiriki:api-secret').toString('base64')}`;
    const response = await fetch(`${go2rtc.apiUrl}/api/streams?src=cam`, { headers: { authorization } });
    assert.equal(response.status, 200);
    // go2rtc shows a value it read from its environment as `***`; an unset variable would stay literal.
    assert.match(await response.text(), /rtsp:\/\/admin:\*\*\*@127\.0\.0\.1:9\/cam/);
  });
});
