// A lone nats-server that restarts comes back without the memory frames stream and the detectors' consumer;
// the worker must create both again and go on detecting (found by the proof suite: it pulled in vain forever).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { Bus } from '@shiriki/bus';
import { startNatsServer, waitFor, type NatsServer } from '@shiriki/testing';
import {
  clipFrames,
  connectTestBus,
  frameMessage,
  recordDetections,
  sleep,
  startTestWorker,
  testSubjects,
  type TestWorker,
} from './worker-harness.js';

let nats: NatsServer | undefined;
let bus: Bus | undefined;
let running: TestWorker | undefined;
after(async () => {
  await running?.worker.drain();
  await bus?.drain();
  await nats?.dispose();
});

test('after nats-server restarts without its memory streams, the worker restores them and detects again', async () => {
  nats = await startNatsServer();
  bus = await connectTestBus(nats.url);
  const subjects = testSubjects();
  running = await startTestWorker(bus, subjects, { workerId: 'restart-test', pullExpiresMs: 1_000 });
  const detections = recordDetections(bus.nc, subjects);
  const person = clipFrames(30, 1)[0]!;
  let sequence = 0;
  const detectedAfter = async (since: number): Promise<boolean> => {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      bus!.nc.publish(subjects.frames('lobby'), frameMessage('lobby', ++sequence, person));
      await sleep(500);
      if (detections.messages.some((d) => d.capture_time > since && d.detections.length > 0)) return true;
    }
    return false;
  };

  assert.ok(await detectedAfter(0), 'detects before the restart');
  await nats.restart();
  const restartedAt = Date.now();
  // The restarted server has no frames stream until the worker makes it again.
  const info = await waitFor(() => bus!.jsm.streams.info(subjects.streams.frames).catch(() => undefined), {
    what: 'the frames stream again',
    timeoutMs: 30_000,
    intervalMs: 200,
  });
  assert.equal(info.config.name, subjects.streams.frames, 'the worker created the frames stream again');
  assert.ok(await detectedAfter(restartedAt), 'detects again after the restart');
  detections.stop();
});
