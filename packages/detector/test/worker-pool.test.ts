import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Bus } from '@shiriki/bus';
import { startNatsServer, type NatsServer } from '@shiriki/testing';
import {
  WIDTH,
  HEIGHT,
  clipFrames,
  connectTestBus,
  frameMessage,
  recordDetections,
  sleep,
  startTestWorker,
  testSubjects,
  type TestWorker,
} from './worker-harness.js';

let nats: NatsServer;
let bus: Bus;
const workers: TestWorker[] = [];

before(async () => {
  nats = await startNatsServer();
  bus = await connectTestBus(nats.url);
});

after(async () => {
  for (const { worker } of workers) await worker.drain();
  await bus?.drain();
  await nats?.dispose();
});

test('two workers on the shared consumer infer each frame exactly once and share the load', async () => {
  const subjects = testSubjects();
  const a = await startTestWorker(bus, subjects, { workerId: 'worker-a', regionMode: 'full_frame' });
  workers.push(a);
  const b = await startTestWorker(bus, subjects, { workerId: 'worker-b', regionMode: 'full_frame' });
  workers.push(b);
  const recorder = recordDetections(bus.nc, subjects);
  const pixels = clipFrames(8, 20);
  const published: string[] = [];
  // 40 frames over two cameras at 10 frames/s: within what two workers handle, so no stream limit drops any.
  for (let i = 0; i < 40; i++) {
    const camera = i % 2 === 0 ? 'cam_a' : 'cam_b';
    const sequence = Math.floor(i / 2) + 1;
    bus.nc.publish(subjects.frames(camera), frameMessage(camera, sequence, pixels[i % pixels.length]!));
    published.push(`${camera}/${sequence}`);
    await sleep(100);
  }
  const deadline = Date.now() + 30_000;
  while (recorder.messages.length < published.length && Date.now() < deadline) await sleep(100);
  await sleep(500);
  recorder.stop();

  const seen = recorder.messages.map((m) => `${m.camera}/${m.sequence}`);
  assert.deepEqual([...seen].sort(), [...published].sort(), 'every frame exactly once');
  const byWorker = new Map<string, number>();
  for (const m of recorder.messages) byWorker.set(m.worker, (byWorker.get(m.worker) ?? 0) + 1);
  assert.ok((byWorker.get('worker-a') ?? 0) > 0, `worker-a did some: ${JSON.stringify([...byWorker])}`);
  assert.ok((byWorker.get('worker-b') ?? 0) > 0, `worker-b did some: ${JSON.stringify([...byWorker])}`);
  for (const m of recorder.messages) {
    assert.equal(m.width, WIDTH);
    assert.equal(m.height, HEIGHT);
    assert.equal(m.model, 'yolox_nano');
    assert.equal(m.region_count, 1);
  }
  // The clip shows a person from 6 s to 19 s: the model finds them in most frames.
  const withPerson = recorder.messages.filter((m) => m.detections.some((d) => d.label === 'person'));
  assert.ok(withPerson.length >= 30, `person found in ${withPerson.length} of 40 frames`);
  assert.equal(a.worker.stats.inferred + b.worker.stats.inferred, 40);
  assert.equal(a.worker.stats.stale + b.worker.stats.stale, 0);

  const sample = await a.worker.sample();
  assert.deepEqual(sample, { pending: 0, ackPending: 0 });
  const metrics = await a.registry.metrics();
  assert.match(metrics, /shiriki_detector_backlog_frames\{kind="pending"\} 0/);
  assert.match(metrics, /shiriki_detector_frames_inferred_total\{camera="cam_a"\} \d+/);
  assert.match(metrics, /shiriki_detector_inference_seconds_count\{camera="cam_a"\} \d+/);
  assert.match(metrics, /shiriki_detector_busy_ratio \d/);
});
