// The pipeline's motion-episode, alert and publish logic, on recorded frames of person-walk played through
// the FrameSource seam (no ffmpeg process, no NATS): what it publishes is recorded and decoded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MsgHdrs } from '@nats-io/nats-core';
import {
  AlertSchema,
  MotionAlertSchema,
  PREVIOUS_SEQUENCE_HEADER,
  createSubjects,
  decodeFrame,
  decodeJson,
  type Alert,
  type CameraStatus,
  type MotionAlert,
} from '@shiriki/bus';
import { parseConfig } from '@shiriki/config';
import type { DecoderStateChange, FrameSink, FrameSourceFactory } from '@shiriki/media';
import { Registry, type LogSink } from '@shiriki/telemetry';
import { assetPath, decodeClipFrames } from '@shiriki/testing';
import { CameraPipeline, type FramePublisher } from './camera-pipeline.js';
import { cameraSettingsFromConfig } from './from-config.js';
import { createIngestMetrics } from './metrics.js';

const WIDTH = 640;
const HEIGHT = 360;
const FPS = 5;
const FRAME_MS = 1000 / FPS;
const T0 = 1_700_000_000_000;
// person-walk.truth.json: a person in view from 51 s to 69 s, nobody from 69 s to 75 s. Motion needs its
// calibration frames first (6 s at 5 fps), so the recording starts 7 s before the person enters.
const FROM_S = 44;
const SECONDS = 30;
const clip = decodeClipFrames(assetPath('media/person-walk.mp4'), {
  width: WIDTH,
  height: HEIGHT,
  fps: FPS,
  from: FROM_S,
  count: SECONDS * FPS,
});

const quiet: LogSink = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
const subjects = createSubjects('t');

/** Plays `frames` into the pipeline at 5 fps of recorded time, the way the decoder delivers them. */
class RecordedFrames {
  sink: FrameSink | undefined;
  readonly stats = { framesDropped: 0, restarts: 0 };
  started = false;
  stopped = false;

  readonly factory: FrameSourceFactory = (sink) => {
    this.sink = sink;
    return {
      start: () => {
        this.started = true;
        return Promise.resolve();
      },
      stop: () => {
        this.stopped = true;
        return Promise.resolve();
      },
      stats: this.stats,
    };
  };

  play(frames: readonly Uint8Array[], firstSequence = 0, startAt = T0): void {
    frames.forEach((pixels, i) => {
      const data = this.sink!.allocateFrame();
      data.set(pixels);
      this.sink!.onFrame({
        data,
        sequence: firstSequence + i,
        receivedAt: startAt + (firstSequence + i) * FRAME_MS,
      });
    });
  }

  /** As the decoder delivers jpeg frames: the small gray motion image, with the frame's JPEG. */
  playJpeg(planes: readonly Uint8Array[], jpegs: readonly Buffer[]): void {
    planes.forEach((data, i) => {
      this.sink!.onFrame({ data, jpeg: jpegs[i]!, sequence: i, receivedAt: T0 + i * FRAME_MS });
    });
  }

  state(change: Omit<DecoderStateChange, 'previous'> & { previous?: DecoderStateChange['previous'] }): void {
    this.sink!.onState({ previous: 'streaming', ...change });
  }
}

class RecordingPublisher implements FramePublisher {
  readonly messages: { subject: string; data: Uint8Array; previous?: string }[] = [];
  publish(subject: string, payload: Uint8Array, options?: { headers?: MsgHdrs }): void {
    // The pipeline hands over its buffer: keep a copy, as the NATS client would queue it.
    const previous = options?.headers?.get(PREVIOUS_SEQUENCE_HEADER);
    this.messages.push({ subject, data: payload.slice(), ...(previous ? { previous } : {}) });
  }
  /** The predecessor each published frame names (`undefined` for none). */
  previousOfFrames(): Array<string | undefined> {
    return this.messages.filter((m) => m.subject === subjects.frames('porch')).map((m) => m.previous);
  }
  motion(): MotionAlert[] {
    return this.on(subjects.motion('porch')).map((data) => decodeJson(MotionAlertSchema, data));
  }
  alerts(): Alert[] {
    return this.on(subjects.alertsAll.replace('>', 'porch.motion')).map((data) =>
      decodeJson(AlertSchema, data),
    );
  }
  frames() {
    return this.on(subjects.frames('porch')).map((data) => decodeFrame(data));
  }
  private on(subject: string): Uint8Array[] {
    return this.messages.filter((m) => m.subject === subject).map((m) => m.data);
  }
}

/** Motion ends 2 s after the last moving frame, so an episode closes inside the clip. */
function pipelineFor(
  camera: Record<string, unknown> = {},
  top: Record<string, unknown> = {},
  /** `clock`: the pipeline's own default, the start time. */
  sequenceBase: number | 'clock' = 0,
) {
  const config = parseConfig(
    JSON.stringify({
      storage: { type: 'local' },
      detect: { width: WIDTH, height: HEIGHT, fps: FPS },
      motion: { off_delay_s: 2 },
      // The recorded frames are raw, as the decoder delivers them with `format: yuv420p`.
      ingest: { frames: { format: 'yuv420p' } },
      ...top,
      cameras: { porch: { source: 'rtsp://127.0.0.1:8554/porch', ...camera } },
    }),
  );
  const source = new RecordedFrames();
  const publisher = new RecordingPublisher();
  const statuses: CameraStatus[] = [];
  const pipeline = new CameraPipeline({
    sequenceBase: sequenceBase === 'clock' ? undefined : sequenceBase,
    camera: cameraSettingsFromConfig(config, config.cameras['porch']!),
    producer: 'ingest-1',
    epoch: 7,
    nc: publisher,
    subjects,
    logger: quiet,
    metrics: createIngestMetrics(new Registry()),
    frameSource: source.factory,
    onStateChange: (status) => statuses.push(status),
  });
  return { pipeline, source, publisher, statuses };
}

test('a person walking through makes one motion episode: started, updates, ended, and one motion alert', async () => {
  const { pipeline, source, publisher } = pipelineFor();
  await pipeline.start();
  source.play(clip);
  await pipeline.stop();

  const motion = publisher.motion();
  const states = motion.map((m) => m.state);
  assert.equal(states.filter((s) => s === 'started').length, 1, `one episode: ${states.join(' ')}`);
  assert.equal(states.at(-1), 'ended');
  assert.ok(states.includes('update'), 'updates while the person walks');
  const started = motion.find((m) => m.state === 'started')!;
  const ended = motion.at(-1)!;
  // The episode covers the walk: it starts within a second of the person entering and ends after they left.
  const startS = (started.started_at - T0) / 1000 + FROM_S;
  const endS = (ended.ended_at! - T0) / 1000 + FROM_S;
  assert.ok(startS >= 49 && startS <= 53, `motion started at ${startS} s of the clip`);
  assert.ok(endS >= 69 && endS <= 74, `motion ended at ${endS} s of the clip`);
  assert.ok(ended.peak_area > 0 && ended.peak_area <= 1);
  for (const m of motion) assert.equal(m.producer, 'ingest-1');

  const alerts = publisher.alerts();
  assert.equal(alerts.length, 1, 'one person-facing motion alert per episode');
  assert.equal(alerts[0]!.kind, 'motion');
  assert.equal(alerts[0]!.time, started.time);
});

test('frames with motion go to the detectors with their boxes and producer epoch; still frames do not', async () => {
  const { pipeline, source, publisher } = pipelineFor();
  await pipeline.start();
  source.play(clip);
  await pipeline.stop();
  const frames = publisher.frames();
  assert.ok(frames.length > 10, `${frames.length} frames published`);
  assert.ok(frames.length < clip.length, 'not every frame: still ones stay home');
  for (const frame of frames) {
    assert.equal(frame.producerEpoch, 7);
    assert.equal(frame.payload.byteLength, (WIDTH * HEIGHT * 3) / 2);
    if (!frame.trackingRefresh) assert.ok(frame.motionBoxes.length > 0, 'a motion frame carries its boxes');
  }
  // The pixels arrive as played: a published frame is the recorded frame of its sequence.
  // Each frame names the one published before it, so the tracker need not wait to see whether a frame
  // left out while nothing moved is still coming.
  assert.deepEqual(publisher.previousOfFrames(), [
    undefined,
    ...frames.slice(0, -1).map((f) => String(f.sequence)),
  ]);
  const sample = frames[Math.floor(frames.length / 2)]!;
  assert.ok(
    Buffer.from(sample.payload).equals(clip[sample.sequence]!),
    `frame ${sample.sequence} arrives as played`,
  );
});

test('jpeg frames: motion runs on the small gray image, boxes come in frame pixels, the JPEG goes out as it came', async () => {
  const planes = decodeClipFrames(assetPath('media/person-walk.mp4'), {
    width: 178,
    height: 100,
    fps: FPS,
    from: FROM_S,
    count: SECONDS * FPS,
    pixelFormat: 'gray',
  });
  // The pipeline does not decode the JPEG: any bytes that start one stand in for it.
  const jpegs = planes.map((_, i) => Buffer.from([0xff, 0xd8, i & 0xff, i >> 8, 0xff, 0xd9]));
  const { pipeline, source, publisher } = pipelineFor({}, { ingest: { frames: { format: 'jpeg' } } });
  await pipeline.start();
  source.playJpeg(planes, jpegs);
  await pipeline.stop();

  const started = publisher.motion().find((m) => m.state === 'started')!;
  const startS = (started.started_at - T0) / 1000 + FROM_S;
  assert.ok(startS >= 49 && startS <= 53, `motion started at ${startS} s of the clip`);
  const frames = publisher.frames();
  assert.ok(frames.length > 10 && frames.length < planes.length, `${frames.length} frames published`);
  const boxes = frames.flatMap((f) => f.motionBoxes);
  for (const frame of frames) {
    assert.equal(frame.pixelFormat, 'jpeg');
    assert.deepEqual([frame.width, frame.height], [WIDTH, HEIGHT]);
    assert.ok(
      Buffer.from(frame.payload).equals(jpegs[frame.sequence]!),
      `frame ${frame.sequence} as it came`,
    );
  }
  assert.ok(
    boxes.some(([x1, , x2]) => x2 - x1 > 178),
    'boxes are scaled to the 640x360 frame, not left at the 178x100 analysis size',
  );
  assert.ok(boxes.every(([, , x2, y2]) => x2 <= WIDTH && y2 <= HEIGHT));
});

test('a camera taken over by another worker keeps numbering its frames upwards, so the tracker takes them', async () => {
  const runs: number[][] = [];
  for (let worker = 0; worker < 2; worker++) {
    const { pipeline, source, publisher } = pipelineFor({}, {}, 'clock');
    await pipeline.start();
    source.play(clip.slice(0, 40));
    await pipeline.stop();
    runs.push(publisher.frames().map((frame) => frame.sequence));
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const [first, second] = runs;
  assert.ok(first!.length > 0 && second!.length > 0);
  assert.ok(second![0]! > first!.at(-1)!, `second worker starts at ${second![0]} after ${first!.at(-1)}`);
  for (const sequence of [...first!, ...second!]) assert.ok(Number.isSafeInteger(sequence));
});

test('alerts.enabled false keeps motion messages but sends no motion alert; detect.enabled false sends no frame', async () => {
  const { pipeline, source, publisher } = pipelineFor(
    { detect: { enabled: false } },
    { alerts: { enabled: false } },
  );
  await pipeline.start();
  source.play(clip);
  await pipeline.stop();
  assert.ok(publisher.motion().length >= 2);
  assert.equal(publisher.alerts().length, 0);
  assert.equal(publisher.frames().length, 0);
});

test('stop() during an episode ends it, so no motion is left open', async () => {
  const { pipeline, source, publisher } = pipelineFor();
  await pipeline.start();
  source.play(clip.slice(0, 12 * FPS)); // up to 56 s of the clip: the person is in view
  assert.equal(publisher.motion().at(-1)!.state === 'ended', false);
  await pipeline.stop();
  assert.equal(source.stopped, true);
  assert.equal(publisher.motion().at(-1)!.state, 'ended');
});

test('source states become camera states: offline with its reason, then streaming again', async () => {
  const { pipeline, source, statuses } = pipelineFor();
  await pipeline.start();
  source.state({ state: 'streaming', previous: 'starting', reason: 'first frame' });
  source.state({ state: 'backoff', reason: 'Connection refused', retryInMs: 1000 });
  source.stats.restarts = 1;
  source.play(clip.slice(0, 2));
  source.state({ state: 'streaming', previous: 'starting', reason: 'first frame' });
  await pipeline.stop();
  assert.deepEqual(
    statuses.map((s) => [s.state, s.reason]),
    [
      ['streaming', undefined],
      ['offline', 'Connection refused'],
      ['streaming', undefined],
    ],
  );
  assert.equal(pipeline.status().restarts, 1);
});
