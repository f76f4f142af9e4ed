import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import type { CameraStatus, MotionAlert } from '@shiriki/bus';
import { resolveFfmpegPath } from '@shiriki/process';
import {
  assetPath,
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
  decoderStartedAt,
  extractStill,
  logTail,
  recordJson,
  sleep,
  spawnIngestWorker,
  stillImageSource,
  writeIngestConfig,
} from './harness.js';

/** Seconds of person-walk.mp4 in which a person is in the picture (from person-walk.truth.json). */
const FIRST_PERSON = [6, 19] as const;
const SECOND_PERSON = [23, 43] as const;
/**
 * Clip time is estimated from when ingest started ffmpeg: go2rtc starts the clip when that ffmpeg connects
 * (measured 0.1-0.5 s later), and motion needs a few frames at 5 fps to confirm. 2 s covers both.
 */
const TOLERANCE_S = 2;
const OBSERVE_MS = 50_000;

let nats: NatsServer;
let go2rtc: Go2rtcServer;
let nc: NatsConnection;
let dir: string;
let alerts: MotionAlert[] = [];
let notifications: { camera: string }[] = [];
let statuses: CameraStatus[] = [];
let roomClipStart = 0;
let emptyStreamingSince = 0;
let observedUntil = 0;

before(async () => {
  dir = makeTempDir('ingest-motion');
  const still = join(dir, 'empty-room.png');
  extractStill(assetPath('media/person-walk.mp4'), 2, still);
  [nats, go2rtc] = await Promise.all([
    startNatsServer(),
    startGo2rtc({
      streams: {
        room: loopingFileSource(resolveFfmpegPath(), assetPath('media/person-walk.mp4')),
        'empty-room': stillImageSource(still, 5),
      },
    }),
  ]);
  nc = await connectNats(nats.url);
  const config = writeIngestConfig(
    dir,
    { natsUrl: nats.url, go2rtcApiUrl: go2rtc.apiUrl, go2rtcRtspPort: go2rtc.rtspPort },
    { cameras: { room: { motion: { off_delay_s: 2 } }, 'empty-room': { motion: { off_delay_s: 2 } } } },
  );
  const motion = recordJson<MotionAlert>(nc, 'shiriki.motion.*');
  const alertSub = recordJson<{ camera: string }>(nc, 'shiriki.alerts.*.motion');
  const statusSub = recordJson<CameraStatus>(nc, 'shiriki.status.camera.*');
  const worker = await spawnIngestWorker(config, join(dir, 'worker.log'));
  await sleep(OBSERVE_MS);
  observedUntil = Date.now();
  await worker.child.stop({ termGraceMs: 5000 });
  for (const sub of [motion, alertSub, statusSub]) sub.stop();
  alerts = motion.messages.map((m) => m.body);
  notifications = alertSub.messages.map((m) => m.body);
  statuses = statusSub.messages.map((m) => m.body);
  roomClipStart = decoderStartedAt(worker.logFile, 'room') ?? 0;
  const streaming = statuses.find((s) => s.camera === 'empty-room' && s.state === 'streaming');
  assert.ok(roomClipStart > 0 && streaming, `cameras did not start\n${logTail(worker.logFile)}`);
  emptyStreamingSince = streaming.since;
});

after(async () => {
  await nc?.close();
  await Promise.all([nats?.dispose(), go2rtc?.dispose()]);
  await removeTempDir(dir);
});

const clipSeconds = (atMs: number): number => (atMs - roomClipStart) / 1000;
const roomEpisodes = (): MotionAlert[] => alerts.filter((a) => a.camera === 'room' && a.state !== 'update');
const describe = (list: MotionAlert[]): string =>
  list
    .map((a) => `${a.state}@${clipSeconds(a.state === 'ended' ? a.ended_at! : a.started_at).toFixed(1)}s`)
    .join(' ');

test('a still scene raises no motion alert after calibration', (t) => {
  const observed = (observedUntil - emptyStreamingSince) / 1000;
  const still = alerts.filter((a) => a.camera === 'empty-room');
  t.diagnostic(`empty-room: ${still.length} alerts in ${observed.toFixed(0)} s of streaming`);
  assert.ok(observed >= 21, `the still scene streamed only ${observed.toFixed(0)} s`);
  assert.deepEqual(still, []);
});

test('motion starts while the first person walks in, with one notification per episode', (t) => {
  const episodes = roomEpisodes();
  t.diagnostic(`room alerts (clip time): ${describe(episodes)}`);
  const first = episodes[0];
  assert.equal(first?.state, 'started');
  const at = clipSeconds(first.started_at);
  assert.ok(
    at >= FIRST_PERSON[0] - TOLERANCE_S && at <= FIRST_PERSON[0] + 2 * TOLERANCE_S,
    `started at ${at.toFixed(1)} s`,
  );
  assert.ok(first.boxes.length > 0 && first.area > 0);
  const started = episodes.filter((a) => a.state === 'started').length;
  assert.equal(notifications.filter((n) => n.camera === 'room').length, started);
});

test('motion ends after the first person leaves and starts again with the second', (t) => {
  const episodes = roomEpisodes();
  t.diagnostic(`room alerts (clip time): ${describe(episodes)}`);
  const [, ended, again] = episodes;
  assert.equal(ended?.state, 'ended');
  const endedAt = clipSeconds(ended.ended_at!);
  assert.ok(
    endedAt >= FIRST_PERSON[1] && endedAt <= SECOND_PERSON[0] + TOLERANCE_S,
    `ended at ${endedAt.toFixed(1)} s`,
  );
  assert.equal(again?.state, 'started');
  const startedAt = clipSeconds(again.started_at);
  assert.ok(
    Math.abs(startedAt - SECOND_PERSON[0]) <= TOLERANCE_S,
    `started again at ${startedAt.toFixed(1)} s`,
  );
});
