import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { DetectionsSchema, createSubjects, decodeJson, type Detections } from '@shiriki/bus';
import {
  logTail,
  makeTempDir,
  removeTempDir,
  scrapeCounter,
  sleep,
  spawnService,
  startNatsServer,
  waitForLog,
  type NatsServer,
  type ServiceProcess,
} from '@shiriki/testing';
import { clipFrames, frameMessage, writeTestConfig } from './harness.js';

let nats: NatsServer;
let nc: NatsConnection;
let dir: string;
const services: ServiceProcess[] = [];

before(async () => {
  nats = await startNatsServer();
  nc = await connect({ servers: nats.url, name: 'detector-failover-test' });
  dir = makeTempDir('detector-failover');
});

after(async () => {
  for (const service of services) await service.child.stop();
  await nc?.drain();
  await nats?.dispose();
  if (dir) await removeTempDir(dir);
});

test('a worker killed mid-stream: the other carries the load and no frame is lost silently', async (t) => {
  const prefix = 'failover';
  const subjects = createSubjects(prefix);
  const cameras = ['cam0', 'cam1', 'cam2', 'cam3'];
  // Frames stay fresh long enough for the dead worker's frame to be redelivered after the 10 s ack wait.
  const config = writeTestConfig(dir, {
    natsUrl: nats.url,
    prefix,
    cameras,
    detector: { region_mode: 'full_frame', max_frame_age_ms: 60_000 },
  });
  const a = await spawnService('detector', config, join(dir, 'a.log'));
  services.push(a);
  const b = await spawnService('detector', config, join(dir, 'b.log'));
  services.push(b);
  t.after(() => {
    if (process.exitCode) console.log(`worker a:\n${logTail(a.logFile)}\nworker b:\n${logTail(b.logFile)}`);
  });
  const metricsA = String((await waitForLog(a, 'telemetry endpoints listening')).url);
  await waitForLog(a, 'detector worker pulling frames');
  await waitForLog(b, 'detector worker pulling frames');

  const received: Detections[] = [];
  const sub = nc.subscribe(subjects.detectionsAll, {
    callback: (error, msg) => {
      if (!error) received.push(decodeJson(DetectionsSchema, msg.data));
    },
  });
  const pixels = clipFrames(24, 10);
  const published: string[] = [];
  let killedAt = 0;
  // 4 cameras at 2.5 frames/s each for 10 s; B is killed 4 s in.
  const started = Date.now();
  for (let i = 0; Date.now() - started < 10_000; i++) {
    const camera = cameras[i % cameras.length]!;
    const sequence = Math.floor(i / cameras.length) + 1;
    nc.publish(subjects.frames(camera), frameMessage(camera, sequence, pixels[i % pixels.length]!));
    published.push(`${camera}/${sequence}`);
    if (killedAt === 0 && Date.now() - started > 4000) {
      b.child.process.kill('SIGKILL');
      killedAt = Date.now();
    }
    await sleep(100);
  }
  await b.child.exited;

  const counted = async () =>
    (await scrapeCounter(metricsA, 'shiriki_detector_frames_stale_total')) +
    (await scrapeCounter(metricsA, 'shiriki_detector_frames_dropped_total'));
  const missing = () => {
    const seen = new Set(received.map((m) => `${m.camera}/${m.sequence}`));
    return published.filter((key) => !seen.has(key));
  };
  // The killed worker's frame comes back after the consumer's ack wait (10 s).
  const deadline = Date.now() + 40_000;
  while (missing().length > (await counted()) && Date.now() < deadline) await sleep(500);
  sub.unsubscribe();

  const byWorker = (pid: number) => received.filter((m) => m.worker.includes(`-${pid}-`));
  const fromB = byWorker(b.pid);
  const fromA = byWorker(a.pid);
  assert.ok(fromB.length > 0, 'B worked before it was killed');
  assert.ok(fromA.length > 0, 'A worked');
  assert.ok(
    fromA.some((m) => m.capture_time > killedAt + 1000),
    'A carried the load after the kill',
  );
  const stillMissing = missing();
  const accounted = await counted();
  assert.ok(
    stillMissing.length <= accounted,
    `${stillMissing.length} frames neither detected nor counted: ${stillMissing.join(', ')} (counted ${accounted})`,
  );
  const redelivered = await scrapeCounter(metricsA, 'shiriki_detector_frames_redelivered_total');
  t.diagnostic(
    `published ${published.length}, detections ${received.length} (A ${fromA.length}, B ${fromB.length}), ` +
      `missing ${stillMissing.length}, stale+dropped on A ${accounted}, redelivered to A ${redelivered}`,
  );
  const backlog = await scrapeCounter(metricsA, 'shiriki_detector_backlog_frames');
  assert.ok(Number.isFinite(backlog));
});
