import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  assetPath,
  loopingFileSource,
  makeTempDir,
  removeTempDir,
  startGo2rtc,
  startNatsServer,
  waitFor,
  type Go2rtcServer,
  type NatsServer,
} from '@shiriki/testing';
import { CameraStatusSchema, decodeJson, type CameraStatus } from '@shiriki/bus';
import { resolveFfmpegPath } from '@shiriki/process';
import {
  connectNats,
  logTail,
  recordFrames,
  spawnIngestWorker,
  writeIngestConfig,
  type WorkerProcess,
} from './harness.js';

let nats: NatsServer;
let go2rtc: Go2rtcServer;
let nc: NatsConnection;
let dir: string;
let worker: WorkerProcess | undefined;

before(async () => {
  dir = makeTempDir('ingest-frames');
  [nats, go2rtc] = await Promise.all([
    startNatsServer(),
    startGo2rtc({
      streams: {
        lobby: loopingFileSource(resolveFfmpegPath(), assetPath('media/person-walk.mp4')),
        // Another clip: go2rtc mixes up two streams with the very same exec: source.
        hall: loopingFileSource(resolveFfmpegPath(), assetPath('media/parking-lot.mp4')),
      },
    }),
  ]);
  nc = await connectNats(nats.url);
});

after(async () => {
  await worker?.child.stop({ termGraceMs: 5000 });
  await nc?.close();
  await Promise.all([nats?.dispose(), go2rtc?.dispose()]);
  await removeTempDir(dir);
});

test('every decoded frame of a camera without motion detection arrives at the detect size and rate; a camera with detection off sends none', async (t) => {
  const fps = 5;
  const config = writeIngestConfig(
    dir,
    { natsUrl: nats.url, go2rtcApiUrl: go2rtc.apiUrl, go2rtcRtspPort: go2rtc.rtspPort },
    {
      cameras: {
        lobby: {
          detect: { width: 640, height: 360, fps },
          motion: { enabled: false },
        },
        // Detection off: the camera streams and runs motion detection, but no frame goes to the detectors.
        hall: { detect: { enabled: false } },
      },
    },
  );
  const recording = recordFrames(nc, 'shiriki.frames.lobby');
  const hallFrames = recordFrames(nc, 'shiriki.frames.hall');
  const hallStatus: CameraStatus[] = [];
  const statusSub = nc.subscribe('shiriki.status.camera.hall', {
    callback: (_error, msg) => void hallStatus.push(decodeJson(CameraStatusSchema, msg.data)),
  });
  worker = await spawnIngestWorker(config, join(dir, 'worker.log'));
  const { frames } = recording;
  await waitFor(() => frames.length > 0, { what: 'the first frame', timeoutMs: 30_000 }).catch(
    (error: unknown) => {
      throw new Error(`no frame; worker log:\n${logTail(worker?.logFile)}`, { cause: error });
    },
  );
  // Let the first seconds of start-up pass, then measure a clean 10 s window.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const from = frames.length;
  const startedAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 10_000));
  const window = frames.slice(from);
  const seconds = (Date.now() - startedAt) / 1000;
  recording.stop();

  statusSub.unsubscribe();
  hallFrames.stop();
  const streaming = hallStatus.filter((s) => s.state === 'streaming' && s.fps_in > 0);
  assert.ok(streaming.length > 0, 'the camera without detection streams');
  assert.deepEqual(
    [hallFrames.frames.length, streaming.at(-1)?.frames_published],
    [0, 0],
    'no frame of a camera without detection goes to the detectors',
  );

  const rate = window.length / seconds;
  t.diagnostic(`${window.length} frames in ${seconds.toFixed(1)} s: ${rate.toFixed(2)} fps`);
  assert.ok(
    Math.abs(rate - fps) <= fps * 0.1,
    `measured ${rate.toFixed(2)} fps over ${seconds.toFixed(1)} s`,
  );
  for (const { frame, payloadBytes, jpegSize } of frames) {
    // The default bus format: a JPEG of the detect size, a small fraction of the raw frame.
    assert.equal(frame.pixelFormat, 'jpeg');
    assert.deepEqual(jpegSize, { width: 640, height: 360 });
    assert.ok(payloadBytes < 0.15 * ((640 * 360 * 3) / 2), `${payloadBytes} bytes`);
    assert.equal(frame.width, 640);
    assert.equal(frame.height, 360);
    assert.equal(frame.camera, 'lobby');
  }
  for (let i = 1; i < frames.length; i++) {
    const previous = frames[i - 1]!.frame;
    const current = frames[i]!.frame;
    assert.ok(
      current.sequence > previous.sequence,
      `sequence ${current.sequence} after ${previous.sequence}`,
    );
    assert.equal(current.producerEpoch, previous.producerEpoch);
  }
  // With motion off nothing is held back: the sequence has no gaps.
  const first = frames[0]!.frame.sequence;
  const last = frames.at(-1)!.frame.sequence;
  assert.equal(last - first + 1, frames.length, 'frames were skipped');
});
