import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import type { CameraStatus } from '@shiriki/bus';
import { resolveFfmpegPath } from '@shiriki/process';
import {
  assetPath,
  freePort,
  loopingFileSource,
  makeTempDir,
  removeTempDir,
  startGo2rtc,
  startNatsServer,
  type Go2rtcServer,
  type NatsServer,
} from '@shiriki/testing';
import {
  connectNats,
  execSource,
  liveH264Args,
  logTail,
  recordFrames,
  recordJson,
  sleep,
  spawnIngestWorker,
  writeIngestConfig,
} from './harness.js';

const INITIAL_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 8000;
const OBSERVE_MS = 30_000;

let nats: NatsServer;
let go2rtc: Go2rtcServer;
let nc: NatsConnection;
let dir: string;
let statuses: { body: CameraStatus; at: number }[] = [];
let healthyFrames: number[] = [];
let logFile = '';
let observedFrom = 0;

before(async () => {
  dir = makeTempDir('ingest-offline');
  const closedPort = await freePort();
  [nats, go2rtc] = await Promise.all([
    startNatsServer(),
    startGo2rtc({
      streams: {
        healthy: loopingFileSource(resolveFfmpegPath(), assetPath('media/person-walk.mp4')),
        unreachable: `rtsp://127.0.0.1:${closedPort}/x`,
        // Valid RTSP with valid SPS/PPS, but every H.264 packet mangled: nothing decodes.
        garbage: execSource([
          ...['-re', '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=10'],
          ...liveH264Args(10),
          ...['-bsf:v', 'noise=amount=3'],
        ]),
      },
    }),
  ]);
  nc = await connectNats(nats.url);
  const config = writeIngestConfig(
    dir,
    { natsUrl: nats.url, go2rtcApiUrl: go2rtc.apiUrl, go2rtcRtspPort: go2rtc.rtspPort },
    {
      ingest: {
        stall_timeout_s: 3,
        restart_backoff: { initial_ms: INITIAL_BACKOFF_MS, max_ms: MAX_BACKOFF_MS },
      },
      cameras: {
        healthy: { detect: { width: 320, height: 180, fps: 5 }, motion: { enabled: false } },
        unreachable: {},
        garbage: { detect: { width: 320, height: 180, fps: 5 } },
      },
    },
  );
  const statusSub = recordJson<CameraStatus>(nc, 'shiriki.status.camera.*');
  const frames = recordFrames(nc, 'shiriki.frames.healthy');
  const worker = await spawnIngestWorker(config, join(dir, 'worker.log'));
  logFile = worker.logFile;
  observedFrom = Date.now();
  await sleep(OBSERVE_MS);
  // What was seen while the worker ran; its shutdown reports every camera offline ("stop requested").
  statuses = statusSub.messages.map(({ body, at }) => ({ body, at }));
  healthyFrames = frames.frames.map((f) => f.at);
  statusSub.stop();
  frames.stop();
  await worker.child.stop({ termGraceMs: 5000 });
});

after(async () => {
  await nc?.close();
  await Promise.all([nats?.dispose(), go2rtc?.dispose()]);
  await removeTempDir(dir);
});

/** When each restart of `camera` began: the `since` of every `starting` status after a failure. */
function restartTimes(camera: string): number[] {
  const starts = new Set<number>();
  for (const { body } of statuses)
    if (body.camera === camera && body.state === 'starting' && body.restarts > 0) starts.add(body.since);
  return [...starts].sort((a, b) => a - b);
}

for (const camera of ['unreachable', 'garbage']) {
  test(`a camera whose source is ${camera} goes offline with a reason and retries with growing delays`, (t) => {
    const mine = statuses.filter((s) => s.body.camera === camera).map((s) => s.body);
    const offline = mine.filter((s) => s.state === 'offline');
    assert.ok(offline.length > 0, `${camera} never went offline\n${logTail(logFile)}`);
    const reasons = [...new Set(offline.map((s) => s.reason))];
    t.diagnostic(`${camera} offline reasons: ${reasons.join(' | ')}`);
    for (const status of offline)
      assert.ok(status.reason && status.reason.length > 0, 'offline without a reason');
    assert.ok(
      mine.every((s) => s.state !== 'streaming'),
      `${camera} reported streaming`,
    );

    const restarts = mine.map((s) => s.restarts);
    for (let i = 1; i < restarts.length; i++)
      assert.ok(restarts[i]! >= restarts[i - 1]!, 'restarts went down');
    const times = restartTimes(camera);
    const gaps = times.slice(1).map((time, i) => time - times[i]!);
    t.diagnostic(`${camera}: ${Math.max(...restarts)} restarts, gaps between restarts ${gaps.join(', ')} ms`);
    assert.ok(Math.max(...restarts) >= 3, `only ${Math.max(...restarts)} restarts`);
    // Full jitter: each delay is uniform below a ceiling that doubles per failure, so single delays may
    // shrink, but the ceiling bounds every gap and later gaps exceed what the first ceiling allows.
    const failureMs = camera === 'garbage' ? 3000 + 3000 : 1500; // a stall (plus ffmpeg's quit) or a refusal
    gaps.forEach((gap, i) => {
      const ceiling = Math.min(MAX_BACKOFF_MS, INITIAL_BACKOFF_MS * 2 ** (i + 1));
      assert.ok(gap <= ceiling + failureMs, `gap ${i + 1} of ${gap} ms exceeds its ceiling ${ceiling} ms`);
    });
    assert.ok(
      Math.max(...gaps) > INITIAL_BACKOFF_MS + (camera === 'garbage' ? 3000 : 0),
      `delays did not grow: ${gaps.join(', ')}`,
    );
  });
}

test('a healthy camera on the same worker keeps streaming meanwhile', (t) => {
  const late = healthyFrames.filter((at) => at >= observedFrom + OBSERVE_MS - 10_000);
  t.diagnostic(`healthy: ${healthyFrames.length} frames, ${late.length} in the last 10 s`);
  assert.ok(late.length >= 45, `only ${late.length} frames in the last 10 s`);
  const healthy = statuses.filter((s) => s.body.camera === 'healthy').map((s) => s.body);
  assert.equal(healthy.at(-1)?.state, 'streaming');
});
