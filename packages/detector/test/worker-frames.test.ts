import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { headers } from '@nats-io/nats-core';
import { PREVIOUS_SEQUENCE_HEADER, readSnapshotHeaders, type Bus, type SnapshotMeta } from '@shiriki/bus';
import { startNatsServer, type NatsServer } from '@shiriki/testing';
import {
  HEIGHT,
  WIDTH,
  clipFrames,
  connectTestBus,
  frameMessage,
  jpegOf,
  recordDetections,
  sleep,
  startTestWorker,
  testSubjects,
  type TestWorker,
} from './worker-harness.js';

let nats: NatsServer;
let bus: Bus;
const workers: TestWorker[] = [];
// A person stands in the middle of the frame at 30 s (person-walk.truth.json: score about 0.9).
let personFrame: Uint8Array;
// No one in the scene at 2 s.
let emptyFrame: Uint8Array;

before(async () => {
  nats = await startNatsServer();
  bus = await connectTestBus(nats.url);
  personFrame = clipFrames(30, 1)[0]!;
  emptyFrame = clipFrames(2, 1)[0]!;
});

after(async () => {
  for (const { worker } of workers) await worker.drain();
  await bus?.drain();
  await nats?.dispose();
});

async function waitUntil(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(50);
  }
}

test('stale frames are skipped and counted; a malformed frame is dropped and the next one processed', async () => {
  const subjects = testSubjects();
  const w = await startTestWorker(bus, subjects, { workerId: 'w1', maxFrameAgeMs: 2000 });
  workers.push(w);
  const recorder = recordDetections(bus.nc, subjects);
  bus.nc.publish(
    subjects.frames('cam'),
    frameMessage('cam', 1, emptyFrame, { captureTime: Date.now() - 10_000 }),
  );
  bus.nc.publish(subjects.frames('cam'), new TextEncoder().encode('not a frame at all'));
  const truncated = frameMessage('cam', 2, emptyFrame).subarray(0, 500);
  bus.nc.publish(subjects.frames('cam'), truncated);
  bus.nc.publish(subjects.frames('cam'), frameMessage('cam', 3, emptyFrame));
  await waitUntil(() => recorder.messages.length >= 1);
  await sleep(300);
  recorder.stop();

  assert.deepEqual(
    recorder.messages.map((m) => m.sequence),
    [3],
  );
  assert.equal(recorder.messages[0]!.worker, 'w1');
  assert.deepEqual(recorder.messages[0]!.detections, []);
  const { stats } = w.worker;
  assert.equal(stats.stale, 1);
  assert.equal(stats.invalid, 2);
  assert.equal(stats.inferred, 1);
  assert.equal(w.busMetrics.invalidMessages.get({ subject_kind: 'frames', reason: 'bad_magic' }), 1);
  assert.equal(w.busMetrics.invalidMessages.get({ subject_kind: 'frames', reason: 'truncated' }), 1);
  const metrics = await w.registry.metrics();
  assert.match(metrics, /shiriki_detector_frames_stale_total\{camera="cam"\} 1/);
  assert.match(metrics, /shiriki_detector_frames_dropped_total\{reason="invalid"\} 2/);
  // Terminated and acked: nothing comes back.
  assert.deepEqual(await w.worker.sample(), { pending: 0, ackPending: 0 });
  await w.worker.drain();
  assert.equal(w.worker.state, 'stopped');
});

test("the detections name the frame's predecessor from its header; garbage there is left out", async () => {
  const subjects = testSubjects();
  const w = await startTestWorker(bus, subjects, { workerId: 'w-prev' });
  workers.push(w);
  const recorder = recordDetections(bus.nc, subjects);
  const withPrevious = (value: string) => {
    const h = headers();
    h.set(PREVIOUS_SEQUENCE_HEADER, value);
    return { headers: h };
  };
  bus.nc.publish(subjects.frames('cam'), frameMessage('cam', 10, emptyFrame));
  bus.nc.publish(subjects.frames('cam'), frameMessage('cam', 14, emptyFrame), withPrevious('10'));
  bus.nc.publish(subjects.frames('cam'), frameMessage('cam', 15, emptyFrame), withPrevious('-3'));
  await waitUntil(() => recorder.messages.length >= 3);
  recorder.stop();
  const bySequence = new Map(recorder.messages.map((m) => [m.sequence, m.previous_sequence]));
  assert.equal(bySequence.get(10), undefined);
  assert.equal(bySequence.get(14), 10);
  assert.equal(bySequence.get(15), undefined);
  await w.worker.drain();
});

test('a frame with a confident detection is also published as a JPEG snapshot with metadata headers', async () => {
  const subjects = testSubjects();
  const w = await startTestWorker(bus, subjects, { workerId: 'w2', snapshotThreshold: 0.6 });
  workers.push(w);
  const snapshots: { meta: SnapshotMeta | undefined; jpeg: Uint8Array }[] = [];
  const sub = bus.nc.subscribe(subjects.snapshotsAll, {
    callback: (error, msg) => {
      if (!error) snapshots.push({ meta: readSnapshotHeaders(msg.headers), jpeg: msg.data });
    },
  });
  const recorder = recordDetections(bus.nc, subjects);
  const captureTime = Date.now();
  bus.nc.publish(subjects.frames('porch'), frameMessage('porch', 7, personFrame, { captureTime }));
  bus.nc.publish(subjects.frames('porch'), frameMessage('porch', 8, emptyFrame));
  await waitUntil(() => recorder.messages.length >= 2);
  await sleep(300);
  sub.unsubscribe();
  recorder.stop();

  const person = recorder.messages.find((m) => m.sequence === 7)!;
  const top = person.detections.find((d) => d.label === 'person');
  assert.ok(top && top.score >= 0.6, `person found: ${JSON.stringify(person.detections)}`);
  assert.equal(snapshots.length, 1, 'one snapshot, for the frame with the person only');
  const [snapshot] = snapshots;
  assert.deepEqual(snapshot!.meta, {
    camera: 'porch',
    sequence: 7,
    captureTime,
    width: WIDTH,
    height: HEIGHT,
    labels: [...new Set(person.detections.filter((d) => d.score >= 0.6).map((d) => d.label))],
  });
  const image = sharp(snapshot!.jpeg);
  const meta = await image.metadata();
  assert.equal(meta.format, 'jpeg');
  assert.equal(meta.width, WIDTH);
  assert.equal(meta.height, HEIGHT);
  // Colours survive the yuv -> RGB conversion: the JPEG's mean matches the luma plane's mean brightness.
  const stats = await image.stats();
  const lumaMean = personFrame.subarray(0, WIDTH * HEIGHT).reduce((s, v) => s + v, 0) / (WIDTH * HEIGHT);
  const rgbMean = (stats.channels[0]!.mean + stats.channels[1]!.mean + stats.channels[2]!.mean) / 3;
  assert.ok(Math.abs(((lumaMean - 16) * 255) / 219 - rgbMean) < 12, `luma ${lumaMean} vs rgb ${rgbMean}`);
  assert.equal(w.worker.stats.snapshots, 1);
});

test('a JPEG frame is decoded and detected like the raw one, and its own JPEG is the snapshot, byte for byte', async () => {
  const subjects = testSubjects();
  const w = await startTestWorker(bus, subjects, { workerId: 'w-jpeg', snapshotThreshold: 0.6 });
  workers.push(w);
  const snapshots: Uint8Array[] = [];
  const sub = bus.nc.subscribe(subjects.snapshotsAll, {
    callback: (error, msg) => {
      if (!error) snapshots.push(msg.data);
    },
  });
  const recorder = recordDetections(bus.nc, subjects);
  const jpeg = jpegOf(personFrame);
  bus.nc.publish(subjects.frames('porch'), frameMessage('porch', 1, personFrame));
  await waitUntil(() => recorder.messages.length >= 1);
  bus.nc.publish(subjects.frames('porch'), frameMessage('porch', 2, jpeg, { pixelFormat: 'jpeg' }));
  // A JPEG that does not decode, and one of another size: dropped as invalid, never retried.
  const broken = Buffer.concat([jpeg.subarray(0, 600), Buffer.alloc(400)]);
  bus.nc.publish(subjects.frames('porch'), frameMessage('porch', 3, broken, { pixelFormat: 'jpeg' }));
  const small = await sharp(jpeg).resize(320, 180).jpeg().toBuffer();
  bus.nc.publish(subjects.frames('porch'), frameMessage('porch', 4, small, { pixelFormat: 'jpeg' }));
  await waitUntil(() => recorder.messages.length >= 2 && w.worker.stats.invalid >= 2);
  await sleep(300);
  sub.unsubscribe();
  recorder.stop();

  const [raw, fromJpeg] = recorder.messages;
  assert.deepEqual(
    recorder.messages.map((m) => m.sequence),
    [1, 2],
  );
  const person = (m: typeof raw) => m!.detections.find((d) => d.label === 'person')!;
  assert.ok(person(fromJpeg), `person in the JPEG frame: ${JSON.stringify(fromJpeg!.detections)}`);
  assert.ok(Math.abs(person(fromJpeg).score - person(raw).score) < 0.05, 'about the same score');
  const [rx1, ry1, rx2, ry2] = person(raw).box;
  const [jx1, jy1, jx2, jy2] = person(fromJpeg).box;
  assert.ok(Math.max(Math.abs(rx1 - jx1), Math.abs(ry1 - jy1), Math.abs(rx2 - jx2), Math.abs(ry2 - jy2)) < 6);
  assert.equal(snapshots.length, 2);
  assert.ok(Buffer.from(snapshots[1]!).equals(jpeg), 'the snapshot is the frame JPEG itself');
  assert.equal(w.worker.stats.invalid, 2);
  assert.equal(w.busMetrics.invalidMessages.get({ subject_kind: 'frames', reason: 'bad_payload' }), 2);
  assert.deepEqual(await w.worker.sample(), { pending: 0, ackPending: 0 });
});

test('drain stops pulling, finishes and acks the frame in flight, then closes the model', async () => {
  const subjects = testSubjects();
  const w = await startTestWorker(bus, subjects, { workerId: 'w3', regionMode: 'full_frame' });
  workers.push(w);
  const recorder = recordDetections(bus.nc, subjects);
  for (let i = 1; i <= 3; i++) bus.nc.publish(subjects.frames('yard'), frameMessage('yard', i, personFrame));
  await waitUntil(() => recorder.messages.length >= 1);
  await w.worker.drain();
  assert.equal(w.worker.state, 'stopped');
  const done = recorder.messages.length;
  await sleep(300);
  assert.equal(recorder.messages.length, done, 'nothing published after drain');
  recorder.stop();
  const info = await bus.jsm.consumers.info(subjects.streams.frames, 'detectors');
  assert.equal(info.num_ack_pending, 0, 'nothing left in flight');
  assert.equal(info.num_pending + done, 3, 'the rest stays queued for other workers');
});
