import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { jetstream } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { ObjectEventSchema, createSubjects, decodeJson, type ObjectEvent } from '@shiriki/bus';
import {
  loggedSince,
  logTail,
  makeTempDir,
  removeTempDir,
  sleep,
  spawnService,
  startMinio,
  startNatsServer,
  waitForLog,
  type MinioServer,
  type NatsServer,
  type ServiceProcess,
} from '@shiriki/testing';
import { trackerLeaseBucket } from '@shiriki/tracker';
import {
  countByType,
  makeJpeg,
  personWalk,
  readEvents,
  sendFrames,
  waitUntil,
  writeTestConfig,
} from './harness.js';

const PREFIX = 'hand';
const subjects = createSubjects(PREFIX);
const FRAME_MS = 100;
const CAMERA = 'door';

let nats: NatsServer;
let minio: MinioServer;
let nc: NatsConnection;
let dir: string;
const trackers: ServiceProcess[] = [];
/** Written by the first test, shared by the second. */
let configPath = '';

before(async () => {
  dir = makeTempDir('tracker-handover');
  [nats, minio] = await Promise.all([startNatsServer(), startMinio()]);
  nc = await connect({ servers: nats.url, name: 'tracker-handover-test' });
});

after(async () => {
  for (const tracker of trackers) await tracker.child.stop({ termGraceMs: 5000 });
  await nc?.drain();
  await Promise.all([nats?.dispose(), minio?.dispose()]);
  if (dir) await removeTempDir(dir);
});

/** The tracker process whose lease holds the camera now. */
async function currentOwner(): Promise<ServiceProcess | undefined> {
  const leases = await new Kvm(nc).open(trackerLeaseBucket(subjects));
  for (let i = 0; i < 100; i++) {
    const entry = await leases.get(`camera.${CAMERA}`);
    if (entry?.operation === 'PUT') {
      const id = entry.json<{ owner: string }>().owner;
      const found = trackers.find((tracker) => id.includes(`-${tracker.pid}-`));
      if (found) return found;
    }
    await sleep(100);
  }
  return undefined;
}

test(
  'SIGKILL of the tracking process: the other continues the open object, nothing open, nothing twice',
  { timeout: 120_000 },
  async (t) => {
    // max_disappeared of 1 s: the person keeps its id only because the next owner continues at once (its
    // predecessor died on this host, so its lease is taken without waiting out the TTL).
    const config = writeTestConfig(dir, {
      natsUrl: nats.url,
      prefix: PREFIX,
      minio,
      cameras: { [CAMERA]: { detect: { max_disappeared_s: 1 } } },
    });
    configPath = config;
    for (const name of ['a', 'b']) {
      const tracker = await spawnService('tracker', config, join(dir, `tracker-${name}.log`));
      trackers.push(tracker);
      await waitForLog(tracker, 'tracker running');
    }
    t.after(() => {
      if (process.exitCode)
        for (const tracker of trackers) console.log(`${tracker.logFile}:\n${logTail(tracker.logFile)}`);
    });
    const live: ObjectEvent[] = [];
    nc.subscribe(subjects.eventsAll, {
      callback: (error, msg) => {
        if (!error) live.push(decodeJson(ObjectEventSchema, msg.data));
      },
    });
    const first = await currentOwner();
    assert.ok(first, 'one tracker owns the camera');
    const other = trackers.find((tracker) => tracker !== first)!;

    // A person walks slowly across the frame for 16 s; the owner dies 5 s in, once the person is an event.
    const jpeg = await makeJpeg();
    const walk = personWalk({ camera: CAMERA, firstSequence: 1, frames: 160, fromX: 20, toX: 540 });
    const t0 = Date.now();
    const sending = sendFrames(nc, subjects, [walk], { jpeg, t0, frameMs: FRAME_MS });
    await waitUntil(() => live.some((e) => e.type === 'new'), 10_000, 'the person is an event');
    await sleep(Math.max(0, t0 + 5000 - Date.now()));
    first.child.process.kill('SIGKILL');
    await first.child.exited;
    const killedAt = Date.now();
    // The other tracker may have tracked the camera before (while the two settled who owns it): only an
    // entry written after the kill counts.
    await waitUntil(
      () => loggedSince(other.logFile, 'camera owned', killedAt, { camera: CAMERA }),
      15_000,
      'the other tracker takes the camera',
    );
    const tookOverMs = Date.now() - killedAt;
    t.diagnostic(`camera moved ${tookOverMs} ms after the kill`);
    assert.ok(tookOverMs <= 4000 + 1500, `took over within the lease TTL (${tookOverMs} ms)`);
    assert.ok(loggedSince(other.logFile, 'tracker state restored', killedAt), 'the state was restored');
    await sending;
    await waitUntil(() => live.some((e) => e.type === 'end'), 20_000, 'the person ended');
    await sleep(1000);

    const stored = (await readEvents(jetstream(nc), subjects.streams.events)).map((s) => s.event);
    const counts = countByType(stored);
    t.diagnostic(JSON.stringify([...counts]));
    assert.ok(counts.size >= 1);
    for (const [id, c] of counts) {
      assert.equal(c.new, 1, `${id}: exactly one new`);
      assert.equal(c.end, 1, `${id}: ended once`);
    }
    // The walk was continuous, so the person kept one id across the hand-over.
    assert.equal(counts.size, 1, 'one object for one person');
    const end = stored.find((e) => e.type === 'end')!;
    assert.ok(end.end_time! >= t0 + 150 * FRAME_MS, 'the end is the person leaving, after the kill');
  },
);

test(
  'a frozen tracking process: the other takes the camera after the lease TTL, replays the detections it missed, and the person keeps its id',
  { timeout: 120_000 },
  async (t) => {
    const spare = await spawnService('tracker', configPath, join(dir, 'tracker-c.log'));
    trackers.push(spare);
    await waitForLog(spare, 'tracker running');
    // Two live trackers now; whichever holds the camera freezes, the other must take it.
    await sleep(2000);
    const owner = await currentOwner();
    assert.ok(owner, 'a tracker owns the camera');
    const other = trackers.find(
      (tracker) =>
        tracker !== owner &&
        tracker.child.process.exitCode === null &&
        tracker.child.process.signalCode === null,
    )!;
    const live: ObjectEvent[] = [];
    const sub = nc.subscribe(subjects.eventsAll, {
      callback: (error, msg) => {
        if (!error) live.push(decodeJson(ObjectEventSchema, msg.data));
      },
    });
    t.after(() => {
      sub.unsubscribe();
      if (process.env.DEBUG_HANDOVER)
        for (const tracker of trackers) console.log(`${tracker.logFile}:\n${logTail(tracker.logFile)}`);
    });

    const jpeg = await makeJpeg();
    const walk = personWalk({ camera: CAMERA, firstSequence: 1001, frames: 160, fromX: 20, toX: 540 });
    // Frame n goes out at t0 + n * FRAME_MS: the walk starts now.
    const start = Date.now();
    const t0 = start - 1000 * FRAME_MS;
    const sending = sendFrames(nc, subjects, [walk], { jpeg, t0, frameMs: FRAME_MS });
    await waitUntil(() => live.some((e) => e.type === 'new'), 10_000, 'the person is an event');
    await sleep(Math.max(0, start + 4000 - Date.now()));
    // Frozen, not dead: its pid lives, so only the lease TTL (4 s) moves the camera, far past max_disappeared.
    owner.child.process.kill('SIGSTOP');
    const frozenAt = Date.now();
    await waitUntil(
      () => loggedSince(other.logFile, 'camera owned', frozenAt, { camera: CAMERA }),
      15_000,
      'the other tracker takes the camera',
    );
    const tookOverMs = Date.now() - frozenAt;
    t.diagnostic(`camera moved ${tookOverMs} ms after the freeze`);
    assert.ok(tookOverMs >= 2000, `the lease TTL decided (${tookOverMs} ms), not a local takeover`);
    owner.child.process.kill('SIGKILL');
    await sending;
    await waitUntil(() => live.some((e) => e.type === 'end'), 20_000, 'the person ended');
    await sleep(1000);

    const ids = new Set(live.filter((e) => e.type === 'new').map((e) => e.id));
    assert.equal(
      ids.size,
      1,
      `one object for one person across a ${tookOverMs} ms gap: ${[...ids].join(', ')}`,
    );
    const end = live.find((e) => e.type === 'end')!;
    assert.ok(end.end_time! >= t0 + 1150 * FRAME_MS, 'the end is the person leaving, after the hand-over');
  },
);
