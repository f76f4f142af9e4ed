import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import {
  CameraSwitchBoard,
  AlertSchema,
  ObjectEventSchema,
  connectBus,
  createSubjects,
  decodeJson,
  type Alert,
  type Bus,
  type ObjectEvent,
} from '@shiriki/bus';
import { parseConfig } from '@shiriki/config';
import { createObjectStore, type ObjectStore } from '@shiriki/storage';
import { createLogger, createMetrics } from '@shiriki/telemetry';
import {
  makeTempDir,
  removeTempDir,
  sleep,
  startMinio,
  startNatsServer,
  type MinioServer,
  type NatsServer,
} from '@shiriki/testing';
import { TrackerWorker, createTrackerMetrics, trackerWorkerSettingsFromConfig } from '@shiriki/tracker';
import {
  countByType,
  makeJpeg,
  personWalk,
  readEvents,
  sendFrames,
  shuffleWithinWindow,
  testConfigObject,
  waitUntil,
  type StoredEvent,
} from './harness.js';

const PREFIX = 'trk';
const subjects = createSubjects(PREFIX);
const FRAME_MS = 100;
const RIGHT_ZONE = {
  coordinates: [
    [0.6, 0],
    [1, 0],
    [1, 1],
    [0.6, 1],
  ],
};

let nats: NatsServer;
let minio: MinioServer;
let nc: NatsConnection;
let bus: Bus;
let dir: string;
let worker: TrackerWorker;
let store: ObjectStore;
const live: ObjectEvent[] = [];
const alerts: Alert[] = [];
let stored: StoredEvent[] = [];

const of = (camera: string) => stored.map((s) => s.event).filter((e) => e.camera === camera);

before(async () => {
  dir = makeTempDir('tracker-worker');
  [nats, minio] = await Promise.all([startNatsServer(), startMinio()]);
  nc = await connect({ servers: nats.url, name: 'tracker-test' });
  const config = parseConfig(
    JSON.stringify(
      testConfigObject({
        natsUrl: nats.url,
        prefix: PREFIX,
        minio,
        cameras: {
          yard: { zones: { right: RIGHT_ZONE } },
          'yard-shuffled': { zones: { right: RIGHT_ZONE } },
        },
      }),
    ),
  );
  const logger = createLogger({ service: 'tracker-test', level: 'warn' });
  bus = await connectBus({ servers: [nats.url] }, { logger, name: 'tracker' });
  store = createObjectStore(config.storage);
  worker = new TrackerWorker({
    ...trackerWorkerSettingsFromConfig(config),
    workerId: 'test-worker',
    store,
    bus,
    subjects,
    logger,
    metrics: createTrackerMetrics(createMetrics({ service: 'tracker' })),
    // Deterministic ids: the camera, label and first frame of the track.
    trackerOverrides: { idFactory: (c) => `${c.camera}-${c.label}-${c.sequence}` },
  });
  nc.subscribe(subjects.eventsAll, {
    callback: (error, msg) => {
      if (!error) live.push(decodeJson(ObjectEventSchema, msg.data));
    },
  });
  nc.subscribe(subjects.alertsAll, {
    callback: (error, msg) => {
      if (!error) alerts.push(decodeJson(AlertSchema, msg.data));
    },
  });
  await worker.start();
  await waitUntil(() => worker.ownedCameras().length === 2, 10_000, 'worker owns both cameras');

  // Person A walks from the left edge into the right zone; after a pause person B stays on the left.
  const jpeg = await makeJpeg();
  const walkA = (camera: string) => personWalk({ camera, firstSequence: 1, frames: 25, fromX: 20, toX: 540 });
  const walkB = (camera: string) =>
    personWalk({ camera, firstSequence: 60, frames: 20, fromX: 30, toX: 200 });
  const ordered = [...walkA('yard'), ...walkB('yard')];
  const shuffled = [
    ...shuffleWithinWindow(walkA('yard-shuffled')),
    ...shuffleWithinWindow(walkB('yard-shuffled')),
  ];
  await sendFrames(nc, subjects, [ordered, shuffled], { jpeg, t0: Date.now(), frameMs: FRAME_MS });
  await waitUntil(
    () => live.filter((e) => e.type === 'end').length >= 4,
    20_000,
    'both persons ended on both cameras',
  );
  await sleep(500);
  stored = await readEvents(bus.js, subjects.streams.events);
});

after(async () => {
  await worker?.stop();
  await bus?.drain();
  await nc?.drain();
  await Promise.all([nats?.dispose(), minio?.dispose()]);
  if (dir) await removeTempDir(dir);
});

test('one new and one end per person, stable ids, a snapshot in the object store', async () => {
  const events = of('yard');
  const counts = countByType(events);
  assert.deepEqual([...counts.keys()].sort(), ['yard-person-1', 'yard-person-60']);
  for (const [id, c] of counts) assert.deepEqual(c, { new: 1, end: 1 }, id);
  for (const id of counts.keys()) {
    const mine = events.filter((e) => e.id === id);
    assert.equal(mine[0]?.type, 'new', `${id} starts with new`);
    assert.equal(mine.at(-1)?.type, 'end', `${id} ends with end`);
    const end = mine.at(-1)!;
    const key = end.snapshot?.key;
    assert.ok(key, `${id}: end carries a snapshot key`);
    assert.match(key, new RegExp(`^events/yard/\\d{4}-\\d{2}-\\d{2}/${id}/snapshot\\.jpg$`));
    const jpeg = await store.getBytes(key);
    assert.equal((await sharp(jpeg).metadata()).format, 'jpeg');
    const thumb = await store.getBytes(key.replace('snapshot.jpg', 'thumbnail.jpg'));
    assert.equal((await sharp(thumb).metadata()).width, 320);
  }
  // Alerts: person is an alert label without zones, so one alert per person at its `new`.
  const yardAlerts = alerts.filter((a) => a.camera === 'yard');
  assert.deepEqual(yardAlerts.map((a) => (a.kind === 'object' ? a.event_id : '')).sort(), [
    'yard-person-1',
    'yard-person-60',
  ]);
});

test('the same detections out of order give the same events', () => {
  const summary = (camera: string) =>
    of(camera)
      .filter((e) => e.type !== 'update')
      .map((e) => ({
        type: e.type,
        id: e.id.slice(camera.length),
        label: e.label,
        start: e.start_time,
        end: e.end_time,
        entered: e.entered_zones,
      }));
  assert.deepEqual(summary('yard-shuffled'), summary('yard'));
});

test('entered_zones only for the person who walked into the zone', () => {
  const ends = of('yard').filter((e) => e.type === 'end');
  const entered = Object.fromEntries(ends.map((e) => [e.id, e.entered_zones]));
  assert.deepEqual(entered, { 'yard-person-1': ['right'], 'yard-person-60': [] });
});

test('an ordered consumer started at the first event time replays what a live subscriber saw', async () => {
  const first = stored[0];
  assert.ok(first, 'events stored');
  const replayed = await readEvents(bus.js, subjects.streams.events, { startTime: first.time });
  assert.ok(replayed.length > 0);
  assert.deepEqual(
    replayed.map((r) => r.event),
    live,
  );
  // And it starts at the time, not at the stream's start: nothing before the first event.
  assert.equal(replayed[0]?.seq, first.seq);
});

test('with snapshots switched off, an object ends without a snapshot', async () => {
  const board = await CameraSwitchBoard.open(bus.js, subjects.buckets.cameraSwitches, () => ({
    detect: true,
    motion: true,
    recordings: true,
    snapshots: true,
  }));
  await board.set('yard', { snapshots: false }, 'test');
  await sleep(500);
  const jpeg = await makeJpeg();
  const walk = personWalk({ camera: 'yard', firstSequence: 200, frames: 20, fromX: 30, toX: 300 });
  await sendFrames(nc, subjects, [walk], { jpeg, t0: Date.now(), frameMs: FRAME_MS });
  const endOf = () => live.find((e) => e.id === 'yard-person-200' && e.type === 'end');
  await waitUntil(() => endOf() !== undefined, 20_000, 'the person to end');
  assert.ok(endOf()?.snapshot, 'the tracker still chose a best frame');
  assert.equal(endOf()?.snapshot?.key, undefined, 'but stored no snapshot while snapshots are off');
  await board.set('yard', { snapshots: true }, 'test');
});

test('switching detect off ends the objects in view at once, not after the silence that follows', async () => {
  const board = await CameraSwitchBoard.open(bus.js, subjects.buckets.cameraSwitches, () => ({
    detect: true,
    motion: true,
    recordings: true,
    snapshots: true,
  }));
  const jpeg = await makeJpeg();
  const walk = personWalk({ camera: 'yard', firstSequence: 300, frames: 20, fromX: 30, toX: 300 });
  await sendFrames(nc, subjects, [walk], { jpeg, t0: Date.now(), frameMs: FRAME_MS });
  const of300 = (type: string) => live.find((e) => e.id === 'yard-person-300' && e.type === type);
  assert.ok(of300('new'), 'the person is real before the switch');
  await board.set('yard', { detect: false }, 'test');
  try {
    // Left to itself the object would end by `disappeared` 1 s (max_disappeared) plus the 2 s reorder delay on.
    await waitUntil(() => of300('end') !== undefined, 10_000, 'the person to end');
    assert.equal(of300('end')?.['end_reason'], 'detect_off');
  } finally {
    await board.set('yard', { detect: true }, 'test');
  }
});
