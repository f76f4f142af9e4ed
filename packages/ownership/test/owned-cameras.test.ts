import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { createLogger, type Logger } from '@shiriki/telemetry';
import { startNatsServer, waitFor, type NatsServer } from '@shiriki/testing';
import { OwnedCameras, type CameraUnit, type Lease, type ReleaseReason } from '../src/index.js';

const CAMERAS = ['cam-1', 'cam-2', 'cam-3', 'cam-4'];
const TTL_MS = 3000;
const HEARTBEAT_MS = 1000;

let nats: NatsServer;
let nc: NatsConnection;
let bucketCount = 0;
const lines: string[] = [];
const logger = createLogger({
  service: 'owned-cameras-test',
  level: 'info',
  destination: { write: (line: string) => void lines.push(line) },
});

before(async () => {
  nats = await startNatsServer();
  nc = await connect({ servers: nats.url });
});

after(async () => {
  await nc?.close();
  await nats?.dispose();
});

/** A unit that records its life: which camera, which worker, stopped why. */
class RecordingUnit implements CameraUnit {
  stoppedFor: ReleaseReason | undefined;
  constructor(
    readonly worker: string,
    readonly camera: string,
  ) {}
  stop(reason: ReleaseReason): Promise<void> {
    this.stoppedFor = reason;
    return Promise.resolve();
  }
}

function start(
  id: string,
  bucket: string,
  open: (lease: Lease, log: Logger) => Promise<RecordingUnit>,
  counts: number[] = [],
) {
  return OwnedCameras.start(nc, {
    bucket,
    workerId: id,
    cameras: CAMERAS,
    ttlMs: TTL_MS,
    heartbeatMs: HEARTBEAT_MS,
    logger,
    open,
    onCountChange: (count) => counts.push(count),
  });
}

test('each camera gets one unit on one worker; stopping a worker stops its units and the other takes them', async () => {
  const bucket = `owned_${++bucketCount}`;
  const opened: RecordingUnit[] = [];
  const open = (id: string) => (lease: Lease) => {
    const unit = new RecordingUnit(id, lease.camera);
    opened.push(unit);
    return Promise.resolve(unit);
  };
  const countsA: number[] = [];
  const a = await start('a', bucket, open('a'), countsA);
  await waitFor(() => a.size === 4, { timeoutMs: 10_000, what: 'a to own every camera' });
  const b = await start('b', bucket, open('b'));
  await waitFor(() => a.size === 2 && b.size === 2, { timeoutMs: 15_000, what: 'a fair share each' });
  assert.deepEqual([...a.cameras(), ...b.cameras()].sort(), CAMERAS);
  const handedOver = opened.filter((u) => u.worker === 'a' && u.stoppedFor !== undefined);
  assert.equal(handedOver.length, 2);
  for (const unit of handedOver) assert.equal(unit.stoppedFor, 'rebalance');
  assert.deepEqual(countsA.slice(0, 4), [1, 2, 3, 4]);
  assert.equal(countsA.at(-1), 2);

  await a.stop();
  assert.equal(a.size, 0);
  for (const unit of opened.filter((u) => u.worker === 'a')) assert.ok(unit.stoppedFor !== undefined);
  await waitFor(() => b.size === 4, { timeoutMs: 10_000, what: 'b to take every camera' });
  await b.stop();
  // Every camera was opened by one worker at a time: per camera, the opens alternate with stops.
  for (const camera of CAMERAS) {
    const units = opened.filter((u) => u.camera === camera);
    units.slice(0, -1).forEach((u) => assert.ok(u.stoppedFor !== undefined, `${camera} on ${u.worker}`));
  }
  // Units log through a logger bound to their camera; the helper logs each acquisition there once.
  const owned = lines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((e) => e['msg'] === 'camera owned');
  assert.ok(owned.length >= 6);
  for (const entry of owned) assert.ok(CAMERAS.includes(entry['camera'] as string));
  for (const line of lines)
    assert.equal(line.split('"camera":').length <= 2, true, `one camera key: ${line}`);
});

test('a unit that fails to open is not kept and its lease is taken again; a lease lost while its unit opens stops that unit', async () => {
  const bucket = `owned_${++bucketCount}`;
  const attempts = new Map<string, number>();
  const units: RecordingUnit[] = [];
  let slowNext = false;
  let slowUnit: RecordingUnit | undefined;
  const owned = await start('solo', bucket, async (lease) => {
    const attempt = (attempts.get(lease.camera) ?? 0) + 1;
    attempts.set(lease.camera, attempt);
    if (lease.camera === 'cam-1' && attempt === 1) throw new Error('camera failed to start');
    const slow = slowNext;
    if (slow) {
      // Outlasts the fencing deadline (TTL - 2 heartbeats): the ownership round waits for this open, the
      // leases go unrenewed and are fenced as lost while the unit is still opening.
      slowNext = false;
      await new Promise((resolve) => setTimeout(resolve, TTL_MS));
    }
    const unit = new RecordingUnit('solo', lease.camera);
    units.push(unit);
    if (slow) slowUnit = unit;
    return unit;
  });
  try {
    assert.equal(owned.size, 4);
    assert.equal(attempts.get('cam-1'), 2, 'the failed camera was given back and taken again');
    // Another worker takes half the cameras, then leaves: the first camera solo takes back opens slowly.
    const other = await start('other', bucket, (lease) =>
      Promise.resolve(new RecordingUnit('other', lease.camera)),
    );
    await waitFor(() => owned.size === 2 && other.size === 2, {
      timeoutMs: 15_000,
      what: 'a fair share each',
    });
    slowNext = true;
    await other.stop();
    const unit = await waitFor(() => slowUnit, { timeoutMs: 15_000, what: 'the slow open to finish' });
    await waitFor(() => unit.stoppedFor !== undefined, { timeoutMs: 5000, what: 'the slow unit to stop' });
    assert.equal(unit.stoppedFor, 'lost', 'its lease was lost meanwhile: the unit was stopped, not kept');
    assert.notEqual(owned.get(unit.camera), unit);
    await waitFor(() => owned.size === 4, { timeoutMs: 15_000, what: 'every camera owned again' });
    for (const camera of CAMERAS) assert.equal(owned.get(camera)?.stoppedFor, undefined, camera);
  } finally {
    await owned.stop();
  }
  assert.equal(owned.size, 0);
  assert.ok(
    units.every((u) => u.stoppedFor !== undefined),
    'no unit outlives the worker',
  );
});
