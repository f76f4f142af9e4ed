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
import { resolveFfmpegPath } from '@shiriki/process';
import {
  TEST_INGEST,
  acquisitions,
  connectNats,
  logTail,
  recordFrames,
  sleep,
  spawnIngestWorker,
  writeIngestConfig,
  type ReceivedFrame,
  type WorkerProcess,
} from './harness.js';

const CAMERAS = ['cam-a', 'cam-b', 'cam-c'];
const TTL_MS = TEST_INGEST.lease_ttl_s * 1000;
const HEARTBEAT_MS = TEST_INGEST.heartbeat_s * 1000;

let nats: NatsServer;
let go2rtc: Go2rtcServer;
let nc: NatsConnection;
let dir: string;
let config: string;
const workers: WorkerProcess[] = [];
let recording: { frames: ReceivedFrame[]; stop(): void };

before(async () => {
  dir = makeTempDir('ingest-failover');
  [nats, go2rtc] = await Promise.all([
    startNatsServer(),
    startGo2rtc({
      streams: { 'person-walk': loopingFileSource(resolveFfmpegPath(), assetPath('media/person-walk.mp4')) },
    }),
  ]);
  nc = await connectNats(nats.url);
  // Every camera relays the one looping clip, so the test pays for one source ffmpeg in go2rtc.
  const relay = go2rtc.rtspUrl('person-walk');
  config = writeIngestConfig(
    dir,
    { natsUrl: nats.url, go2rtcApiUrl: go2rtc.apiUrl, go2rtcRtspPort: go2rtc.rtspPort },
    {
      registerStreams: true,
      cameras: Object.fromEntries(
        CAMERAS.map((name) => [
          name,
          { source: relay, detect: { width: 320, height: 180, fps: 5 }, motion: { enabled: false } },
        ]),
      ),
    },
  );
  recording = recordFrames(nc, 'shiriki.frames.*');
});

after(async () => {
  recording?.stop();
  await Promise.all(workers.map((worker) => worker.child.stop({ termGraceMs: 5000 })));
  await nc?.close();
  await Promise.all([nats?.dispose(), go2rtc?.dispose()]);
  await removeTempDir(dir);
});

/** Who published each camera's latest frame, among frames that arrived after `since`. */
function currentOwners(since: number): Map<string, string> {
  const owners = new Map<string, string>();
  for (const { frame, at } of recording.frames) if (at >= since) owners.set(frame.camera, frame.producer);
  return owners;
}

async function startWorker(label: string): Promise<WorkerProcess> {
  const worker = await spawnIngestWorker(config, join(dir, `${label}.log`));
  workers.push(worker);
  return worker;
}

const producerOf = (worker: WorkerProcess): string => `-${worker.pid}-`;

/** Waits until every camera streams from `workers`, whose shares, largest first, are `shares`. */
async function waitForShares(workers: WorkerProcess[], shares: number[], what: string): Promise<void> {
  const heldBy = (owners: Map<string, string>): number[] =>
    workers
      .map(
        (worker) => [...owners.values()].filter((producer) => producer.includes(producerOf(worker))).length,
      )
      .sort((a, b) => b - a);
  await waitFor(
    () => {
      const owners = currentOwners(Date.now() - 1500);
      return owners.size === CAMERAS.length && heldBy(owners).join() === shares.join();
    },
    { what, timeoutMs: 45_000, intervalMs: 250 },
  ).catch((error: unknown) => {
    const logs = workers.map((w) => logTail(w.logFile, 15)).join('\n---\n');
    throw new Error(`${what}: ${JSON.stringify([...currentOwners(Date.now() - 1500)])}\n${logs}`, {
      cause: error,
    });
  });
}

function assertNoOverlap(): void {
  const byCamera = new Map<string, ReceivedFrame[]>();
  for (const received of recording.frames) {
    const list = byCamera.get(received.frame.camera) ?? [];
    list.push(received);
    byCamera.set(received.frame.camera, list);
  }
  for (const [camera, frames] of byCamera) {
    const producerOfEpoch = new Map<number, string>();
    let newest = -1;
    for (const { frame } of frames) {
      const known = producerOfEpoch.get(frame.producerEpoch);
      assert.ok(
        known === undefined || known === frame.producer,
        `${camera}: epoch ${frame.producerEpoch} has two producers`,
      );
      producerOfEpoch.set(frame.producerEpoch, frame.producer);
      assert.ok(
        frame.producerEpoch >= newest,
        `${camera}: a frame of epoch ${frame.producerEpoch} (${frame.producer}) arrived after epoch ${newest}`,
      );
      newest = frame.producerEpoch;
    }
  }
}

test('two workers share three cameras 2/1 and a killed worker’s cameras move within the lease TTL', async (t) => {
  const first = await startWorker('first');
  await waitForShares([first], [3], 'the first worker streams every camera');
  const second = await startWorker('second');
  await waitForShares([first, second], [2, 1], 'a fair 2/1 share');

  const owners = currentOwners(Date.now() - 1500);
  const victim = [first, second].find(
    (w) => [...owners.values()].filter((p) => p.includes(producerOf(w))).length === 2,
  )!;
  const survivor = victim === first ? second : first;
  const moving = [...owners]
    .filter(([, producer]) => producer.includes(producerOf(victim)))
    .map(([camera]) => camera);
  const killedAt = Date.now();
  victim.child.process.kill('SIGKILL');
  await waitForShares([survivor], [3], 'the survivor streams every camera');

  const acquired = acquisitions(survivor.logFile).filter((a) => a.at >= killedAt);
  for (const camera of moving) {
    const lease = acquired.find((a) => a.camera === camera);
    assert.ok(lease, `${camera} was not taken over`);
    const leaseMs = lease.at - killedAt;
    const firstFrame = recording.frames.find(
      ({ frame, at }) =>
        at >= killedAt && frame.camera === camera && frame.producer.includes(producerOf(survivor)),
    );
    const frameMs = firstFrame!.at - killedAt;
    t.diagnostic(`${camera}: lease taken over ${leaseMs} ms after SIGKILL, first frame after ${frameMs} ms`);
    assert.ok(
      leaseMs <= TTL_MS + HEARTBEAT_MS,
      `${camera} moved after ${leaseMs} ms (killed at ${new Date(killedAt).toISOString()})\n${logTail(
        survivor.logFile,
        400,
      )
        .split('\n')
        .filter((line) => line.includes('ownership'))
        .join('\n')}`,
    );
  }
  assertNoOverlap();
});

test('a worker stopped with SIGTERM hands its cameras over faster than the lease TTL', async (t) => {
  const survivor = workers.find(
    (w) => w.child.process.exitCode === null && w.child.process.signalCode === null,
  )!;
  const joiner = await startWorker('joiner');
  await waitForShares([survivor, joiner], [2, 1], 'a fair share with the joiner');
  const owners = currentOwners(Date.now() - 1500);
  const moving = [...owners]
    .filter(([, producer]) => producer.includes(producerOf(joiner)))
    .map(([camera]) => camera);
  const stoppedAt = Date.now();
  joiner.child.process.kill('SIGTERM');
  await waitForShares([survivor], [3], 'the survivor streams every camera again');
  const exit = await joiner.child.exited;
  assert.equal(exit.signal, null, 'the worker had to be killed');

  const acquired = acquisitions(survivor.logFile).filter((a) => a.at >= stoppedAt);
  for (const camera of moving) {
    const lease = acquired.find((a) => a.camera === camera);
    assert.ok(lease, `${camera} was not taken over`);
    const leaseMs = lease.at - stoppedAt;
    t.diagnostic(`${camera}: lease taken over ${leaseMs} ms after SIGTERM`);
    assert.ok(leaseMs < TTL_MS, `${camera} moved after ${leaseMs} ms, no faster than expiry`);
  }
  await sleep(1000);
  assertNoOverlap();
});
