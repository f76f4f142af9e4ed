// Cameras as they come, not only the 768x432 H.264 sample: an H.265 camera at 1280x720 and a 4:3 H.264 camera
// at 640x480 (detected at its own size through the per-camera `detect` override), each declared with a
// password in its URL. Both clips are cut from person-walk while a person walks through, so motion is real.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import type { MotionAlert } from '@shiriki/bus';
import { resolveFfmpegPath } from '@shiriki/process';
import {
  assetPath,
  encodeCameraClip,
  loopingFileSource,
  makeTempDir,
  removeTempDir,
  startGo2rtc,
  startNatsServer,
  waitFor,
  type Go2rtcServer,
  type NatsServer,
} from '@shiriki/testing';
import {
  connectNats,
  logTail,
  recordFrames,
  recordJson,
  sleep,
  spawnIngestWorker,
  writeIngestConfig,
  type ReceivedFrame,
  type WorkerProcess,
} from './harness.js';

const FPS = 5;
const PASSWORD = 'Hunter2-secret';
/** person-walk seconds 7-17: the first person walks across (person-walk.truth.json). */
const WALK = { from: 7, seconds: 10 } as const;

interface CameraKind {
  codec: 'h264' | 'hevc';
  filters: string;
  detect: { width: number; height: number };
}

const CAMERAS: Record<string, CameraKind> = {
  'hevc-720p': { codec: 'hevc', filters: 'scale=1280:720', detect: { width: 640, height: 360 } },
  // The middle 4:3 of the 16:9 clip.
  'h264-4x3': { codec: 'h264', filters: 'crop=576:432,scale=640:480', detect: { width: 640, height: 480 } },
};

let nats: NatsServer;
let go2rtc: Go2rtcServer;
let nc: NatsConnection;
let dir: string;
let worker: WorkerProcess;
const frames: Record<string, ReceivedFrame[]> = {};
let motion: MotionAlert[] = [];

before(async () => {
  dir = makeTempDir('ingest-camera-kinds');
  const streams = Object.fromEntries(
    Object.entries(CAMERAS).map(([name, kind]) => [
      name,
      loopingFileSource(
        resolveFfmpegPath(),
        // person-walk is 10 fps.
        encodeCameraClip(dir, assetPath('media/person-walk.mp4'), {
          ...WALK,
          fps: 10,
          codec: kind.codec,
          filters: [kind.filters],
          name: `${name}.mp4`,
        }).path,
      ),
    ]),
  );
  [nats, go2rtc] = await Promise.all([startNatsServer(), startGo2rtc({ streams })]);
  nc = await connectNats(nats.url);
  const config = writeIngestConfig(
    dir,
    { natsUrl: nats.url, go2rtcApiUrl: go2rtc.apiUrl, go2rtcRtspPort: go2rtc.rtspPort },
    {
      cameras: Object.fromEntries(
        Object.entries(CAMERAS).map(([name, kind]) => [
          name,
          {
            source: `rtsp://admin:${PASSWORD}@127.0.0.1:${go2rtc.rtspPort}/${name}`,
            detect: { ...kind.detect, fps: FPS },
            motion: { off_delay_s: 1 },
          },
        ]),
      ),
    },
  );
  const recordings = Object.keys(CAMERAS).map((name) => {
    const recording = recordFrames(nc, `shiriki.frames.${name}`);
    frames[name] = recording.frames;
    return recording;
  });
  const alerts = recordJson<MotionAlert>(nc, 'shiriki.motion.*');
  worker = await spawnIngestWorker(config, join(dir, 'worker.log'));
  await waitFor(() => Object.values(frames).every((list) => list.length > 0), {
    what: 'frames from every camera',
    timeoutMs: 30_000,
  }).catch((error: unknown) => {
    throw new Error(`a camera sent no frame; worker log:\n${logTail(worker.logFile)}`, { cause: error });
  });
  // Two loops of the walk: motion needs its calibration frames first.
  await sleep(2 * WALK.seconds * 1000 + 2000);
  await worker.child.stop({ termGraceMs: 5000 });
  for (const recording of recordings) recording.stop();
  alerts.stop();
  motion = alerts.messages.map((m) => m.body);
});

after(async () => {
  await nc?.close();
  await Promise.all([nats?.dispose(), go2rtc?.dispose()]);
  await removeTempDir(dir);
});

for (const [name, kind] of Object.entries(CAMERAS)) {
  const { width, height } = kind.detect;

  test(`${name}: every frame is a ${width}x${height} JPEG, decoded at the detect rate`, (t) => {
    const list = frames[name]!;
    // After start-up (go2rtc hands a joining reader the current GOP at once), over the sequence: frames without
    // motion are partly held back, but every decoded frame takes a sequence number.
    const settled = list.filter((r) => r.frame.captureTime >= list[0]!.frame.captureTime + 3000);
    const first = settled[0]!.frame;
    const last = settled.at(-1)!.frame;
    const rate = (last.sequence - first.sequence) / ((last.captureTime - first.captureTime) / 1000);
    t.diagnostic(`${list.length} frames published, decoded at ${rate.toFixed(2)} fps`);
    assert.ok(Math.abs(rate - FPS) <= FPS * 0.1, `${rate.toFixed(2)} fps`);
    for (const { frame, jpegSize } of list) {
      assert.deepEqual([frame.width, frame.height, jpegSize], [width, height, { width, height }]);
    }
  });

  test(`${name}: the person walking through raises motion, with boxes inside the ${width}x${height} frame`, () => {
    const own = motion.filter((alert) => alert.camera === name);
    assert.ok(
      own.some((alert) => alert.state === 'started'),
      `motion alerts: ${JSON.stringify(own.map((a) => a.state))}`,
    );
    for (const alert of own) {
      for (const [x1, y1, x2, y2] of alert.boxes) {
        assert.ok(
          x1 >= 0 && y1 >= 0 && x2 <= width && y2 <= height && x1 < x2 && y1 < y2,
          `box ${[x1, y1, x2, y2].join(',')}`,
        );
      }
    }
  });
}

test('the cameras’ password appears nowhere in the worker’s log', () => {
  const log = readFileSync(worker.logFile, 'utf8');
  assert.ok(log.includes('hevc-720p'), 'the log names the cameras');
  assert.ok(!log.includes(PASSWORD), 'the password was logged');
});
