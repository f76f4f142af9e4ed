import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '@nats-io/transport-node';
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import { startNatsServer, waitFor, type NatsServer } from '@shiriki/testing';
import {
  CameraOwnership,
  openLeaseBucket,
  selfIdentity,
  type HolderIdentity,
  type Lease,
  type ReleaseReason,
} from '../src/index.js';

const CAMERAS = ['cam-1', 'cam-2', 'cam-3', 'cam-4'];
const TTL_MS = 3000;
const HEARTBEAT_MS = 1000;
const quiet = {
  info: () => undefined,
  warn: () => undefined,
  debug: () => undefined,
  error: () => undefined,
};

let nats: NatsServer;
let nc: NatsConnection;
let kv: KV;
/** Who holds each camera right now, as the callbacks report it; a second holder is a violation. */
const holders = new Map<string, string>();
const violations: string[] = [];
const releases: { worker: string; lease: Lease; reason: ReleaseReason }[] = [];

before(async () => {
  nats = await startNatsServer();
  nc = await connect({ servers: nats.url });
  kv = await openLeaseBucket(nc, { bucket: 'test_leases', ttlMs: TTL_MS });
});

after(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await nc?.close();
  await nats?.dispose();
});

const workers: CameraOwnership[] = [];

function worker(id: string, bucket: KV = kv): CameraOwnership {
  const ownership = new CameraOwnership({
    kv: bucket,
    workerId: id,
    cameras: CAMERAS,
    ttlMs: TTL_MS,
    heartbeatMs: HEARTBEAT_MS,
    logger: quiet,
    onAcquire: (lease) => {
      const holder = holders.get(lease.camera);
      if (holder !== undefined) violations.push(`${id} acquired ${lease.camera} while ${holder} held it`);
      holders.set(lease.camera, id);
    },
    onRelease: (lease, reason) => {
      releases.push({ worker: id, lease, reason });
      if (holders.get(lease.camera) === id) holders.delete(lease.camera);
    },
  });
  workers.push(ownership);
  return ownership;
}

const held = (ownership: CameraOwnership): string[] =>
  ownership
    .leases()
    .map((l) => l.camera)
    .sort();

async function waitForShares(expected: [CameraOwnership, number][], what: string): Promise<void> {
  await waitFor(
    () => expected.every(([o, n]) => o.leases().length === n) && holders.size === CAMERAS.length,
    { what, timeoutMs: 20_000, intervalMs: 100 },
  );
}

test('two workers share four cameras 2/2, one stopping hands all of them to the other, a third takes a fair share', async () => {
  const a = worker('worker-a');
  const b = worker('worker-b');
  await Promise.all([a.start(), b.start()]);
  await waitForShares(
    [
      [a, 2],
      [b, 2],
    ],
    'a 2/2 share',
  );
  assert.deepEqual([...held(a), ...held(b)].sort(), CAMERAS);

  const stoppedAt = Date.now();
  await a.stop();
  await waitForShares([[b, 4]], 'b holding every camera');
  assert.ok(Date.now() - stoppedAt < TTL_MS, 'a graceful stop waited for expiry');

  const c = worker('worker-c');
  await c.start();
  await waitForShares(
    [
      [b, 2],
      [c, 2],
    ],
    'a 2/2 share with the newcomer',
  );
  assert.deepEqual(violations, []);
  // Epochs grow with every new owner of a camera.
  for (const lease of [...b.leases(), ...c.leases()]) {
    const earlier = releases.filter((r) => r.lease.camera === lease.camera).map((r) => r.lease.epoch);
    assert.ok(
      earlier.every((epoch) => epoch < lease.epoch),
      `${lease.camera} epoch did not grow`,
    );
  }
});

test('a lease whose KV entry is deleted behind its back is detected as lost', async () => {
  const owner = workers.find((w) => w.state === 'running' && w.leases().length > 0)!;
  const [lease] = owner.leases() as [Lease];
  await kv.delete(`camera.${lease.camera}`);
  await waitFor(
    () =>
      releases.some(
        (r) => r.lease.camera === lease.camera && r.lease.epoch === lease.epoch && r.reason === 'lost',
      ),
    { what: 'the lost lease to be noticed', timeoutMs: 3 * HEARTBEAT_MS },
  );
  // The plan still gives the camera to some worker, under a new epoch.
  await waitFor(() => holders.has(lease.camera), { what: 'the camera to be owned again', timeoutMs: 10_000 });
  const again = workers.flatMap((w) => w.leases()).find((l) => l.camera === lease.camera)!;
  assert.ok(again.epoch > lease.epoch);
  assert.deepEqual(violations, []);
});

test('a worker that vanishes without a word loses its cameras to the others within TTL + heartbeat', async () => {
  const running = workers.filter((w) => w.state === 'running');
  const ownConnection = await connect({ servers: nats.url });
  const doomed = worker(
    'worker-doomed',
    await openLeaseBucket(ownConnection, { bucket: 'test_leases', ttlMs: TTL_MS }),
  );
  await doomed.start();
  await waitFor(() => doomed.leases().length >= 1 && holders.size === CAMERAS.length, {
    what: 'the newcomer to take a share',
    timeoutMs: 20_000,
  });
  const orphaned = doomed.leases().map((l) => l.camera);
  // Its connection dies as with a crash: no release, no goodbye; the server expires its keys.
  await ownConnection.close();
  const diedAt = Date.now();
  await waitFor(() => orphaned.every((camera) => running.some((w) => held(w).includes(camera))), {
    what: 'the orphaned cameras to move',
    timeoutMs: 3 * TTL_MS,
  });
  const movedMs = Date.now() - diedAt;
  assert.ok(movedMs <= TTL_MS + HEARTBEAT_MS, `cameras moved after ${movedMs} ms`);
  assert.deepEqual(violations, []);
  await doomed.stop();
});

/**
 * Workers on a bucket of their own whose owners are tracked in `owners`: a crashed worker's keys stay until
 * the TTL, so each of these tests needs a fresh bucket.
 */
function leaseBucket(
  bucket: string,
  ttlMs: number,
  pidAlive?: (pid: number) => boolean,
): {
  owners: Map<string, string>;
  start: (id: string, conn: NatsConnection, identity: HolderIdentity) => Promise<CameraOwnership>;
} {
  const owners = new Map<string, string>();
  const start = (id: string, conn: NatsConnection, identity: HolderIdentity) =>
    CameraOwnership.open(conn, {
      bucket,
      workerId: id,
      cameras: CAMERAS,
      ttlMs,
      heartbeatMs: HEARTBEAT_MS,
      logger: quiet,
      identity,
      ...(pidAlive ? { pidAlive } : {}),
      onAcquire: (lease) => void owners.set(lease.camera, id),
      onRelease: (lease) => {
        if (owners.get(lease.camera) === id) owners.delete(lease.camera);
      },
    });
  return { owners, start };
}

test('a worker that died on this host loses its cameras at once, not after the TTL', async () => {
  const ttlMs = 20_000;
  const self = selfIdentity();
  const deadPid = spawnSync(process.execPath, ['-e', '0']).pid;
  const { owners, start: make } = leaseBucket('test_leases_local', ttlMs);
  // The doomed worker claims to be a process of this host that has exited (as after kill -9).
  const doomedConnection = await connect({ servers: nats.url });
  const doomed = await make('local-doomed', doomedConnection, { ...self, pid: deadPid });
  await waitFor(() => owners.size === CAMERAS.length, { what: 'the doomed worker to own every camera' });
  await doomedConnection.close();
  const diedAt = Date.now();
  const survivor = await make('local-survivor', nc, self);
  await waitFor(() => CAMERAS.every((camera) => owners.get(camera) === 'local-survivor'), {
    what: 'the survivor to take every camera',
    timeoutMs: ttlMs,
  });
  const movedMs = Date.now() - diedAt;
  assert.ok(movedMs < 3 * HEARTBEAT_MS, `cameras moved after ${movedMs} ms (TTL ${ttlMs} ms)`);
  await survivor.stop();
  assert.equal(doomed.state, 'running', 'the doomed worker never said goodbye');
  // Its timers must not keep the test process alive; its connection is gone, so this only clears them.
  await doomed.stop();
});

test('a dead-looking holder of another host keeps its leases until the TTL', async () => {
  const ttlMs = 4_000;
  // Every pid looks gone: only the host and namespace check keeps the leases.
  const { owners, start: make } = leaseBucket('test_leases_remote', ttlMs, () => false);
  const otherConnection = await connect({ servers: nats.url });
  const remote = await make('remote-worker', otherConnection, {
    host: 'another-host',
    pidns: 'pid:[1]',
    pid: 42,
  });
  await waitFor(() => owners.size === CAMERAS.length, { what: 'the remote worker to own every camera' });
  await otherConnection.close();
  const diedAt = Date.now();
  const local = await make('local-worker', nc, selfIdentity());
  await waitFor(() => CAMERAS.every((camera) => owners.get(camera) === 'local-worker'), {
    what: 'the local worker to take every camera',
    timeoutMs: 3 * ttlMs,
  });
  const movedMs = Date.now() - diedAt;
  assert.ok(
    movedMs >= ttlMs - HEARTBEAT_MS,
    `cameras moved after ${movedMs} ms, before the TTL (${ttlMs} ms)`,
  );
  await local.stop();
  await remote.stop();
});
