import assert from 'node:assert/strict';
import { writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { CameraSwitchBoard, createSubjects, type ClipReady } from '@shiriki/bus';
import { parseConfig } from '@shiriki/config';
import type { RecorderWorker } from '@shiriki/recorder';
import type { ObjectStore } from '@shiriki/storage';
import {
  makeTempDir,
  removeTempDir,
  type Go2rtcServer,
  type MinioServer,
  containerDuration,
  type NatsServer,
} from '@shiriki/testing';
import {
  CAMERA,
  POST_S,
  PRE_S,
  SEGMENT_S,
  collectClipReady,
  decodeCheck,
  objectEvent,
  publishEvent,
  recorderConfigObject,
  sleep,
  until,
  startInProcessRecorder,
  startRecorderServers,
  type InProcessRecorder,
  type RecorderServers,
} from './harness.js';

const PREFIX = 'rec';
const subjects = createSubjects(PREFIX);

let servers: RecorderServers;
let nats: NatsServer;
let minio: MinioServer;
let go2rtc: Go2rtcServer;
let nc: NatsConnection;
let js: JetStreamClient;
let recorder: InProcessRecorder;
let dir: string;
let store: ObjectStore;
let worker: RecorderWorker;
let clipReady: ClipReady[];

before(async () => {
  dir = makeTempDir('recorder-worker');
  servers = await startRecorderServers();
  ({ nats, minio, go2rtc } = servers);
  nc = await connect({ servers: nats.url, name: 'recorder-test' });
  js = jetstream(nc);
  clipReady = collectClipReady(nc, subjects);
  const config = parseConfig(
    JSON.stringify(
      recorderConfigObject({
        natsUrl: nats.url,
        prefix: PREFIX,
        minio,
        bucket: 'recorder-test',
        rtspBase: `rtsp://127.0.0.1:${go2rtc.rtspPort}`,
        dir,
      }),
    ),
  );
  recorder = await startInProcessRecorder(config, { workerId: 'rec-1', subjects, service: 'recorder-test' });
  ({ worker, store } = recorder);
});

after(async () => {
  await recorder?.stop();
  await nc?.close();
  await servers?.dispose();
  await removeTempDir(dir);
});

const ring = () => worker.recorder(CAMERA)?.ring;

async function waitUntilTime(ms: number): Promise<void> {
  await sleep(Math.max(0, ms - Date.now()));
}

async function runEvent(id: string, startMs: number, endMs: number): Promise<void> {
  await waitUntilTime(startMs);
  await publishEvent(js, subjects, objectEvent('new', id, startMs));
  await waitUntilTime(endMs);
  await publishEvent(js, subjects, objectEvent('end', id, startMs, endMs));
}

const clipsOf = (id: string) => clipReady.filter((c) => c.event_id === id);

async function downloadClip(key: string): Promise<string> {
  const path = join(dir, `${key.replace(/\//g, '_')}`);
  await writeFile(path, await store.getBytes(key));
  return path;
}

test('overlapping events get complete clips with pre and post capture', async () => {
  const first = await until('the first segment', () => ring()?.segments()[0], 30_000);
  const t0 = first.startMs;
  // Two overlapping events, 8 s after the recorder's first segment, 6 s long (the person walks in at 6 s).
  await Promise.all([runEvent('evt-a', t0 + 8000, t0 + 14_000), runEvent('evt-b', t0 + 10_000, t0 + 16_000)]);
  for (const [id, start, end] of [
    ['evt-a', t0 + 8000, t0 + 14_000],
    ['evt-b', t0 + 10_000, t0 + 16_000],
  ] as const) {
    const ready = await until(`ClipReady of ${id}`, () => clipsOf(id)[0], 40_000);
    assert.equal(ready.partial, undefined, `clip of ${id} is complete: ${ready.reason ?? ''}`);
    assert.ok(ready.start <= start - PRE_S * 1000, 'the clip starts at least pre_capture before the event');
    const expected = (end - start) / 1000 + PRE_S + POST_S;
    const file = await downloadClip(ready.keys.clip);
    const decoded = await decodeCheck(file);
    assert.equal(decoded.code, 0);
    assert.equal(decoded.errors, '', 'the clip decodes without errors');
    const duration = await containerDuration(file);
    assert.ok(
      Math.abs(duration - expected) <= SEGMENT_S + 0.5,
      `duration ${duration} s, expected ${expected} s`,
    );
    const info = await store.stat(ready.keys.clip);
    assert.equal(info?.contentType, 'video/mp4');
    const metadata = JSON.parse(new TextDecoder().decode(await store.getBytes(ready.keys.metadata))) as {
      event_id: string;
      partial: boolean;
      clip: { start: number; window_start: number; segments: unknown[] };
    };
    assert.equal(metadata.event_id, id);
    assert.equal(metadata.partial, false);
    assert.ok(metadata.clip.start <= metadata.clip.window_start);
    assert.ok(metadata.clip.segments.length >= 2);
  }
});

test('a clip whose window ends inside the segment being written is cut from it without waiting', async () => {
  // Catch a segment that has just begun, so it stays open for about a segment more after the window ends.
  let live = ring()?.live;
  const deadline = Date.now() + 30_000;
  while (!live || Date.now() - live.startMs > 500) {
    assert.ok(Date.now() < deadline, 'a fresh live segment within 30 s');
    await sleep(20);
    live = ring()?.live;
  }
  const windowEnd = live.startMs + 900;
  const end = windowEnd - POST_S * 1000;
  const start = end - 3000;
  await publishEvent(js, subjects, objectEvent('new', 'evt-live', start));
  await publishEvent(js, subjects, objectEvent('end', 'evt-live', start, end));
  const ready = await until('ClipReady of evt-live', () => clipsOf('evt-live')[0], 20_000);
  assert.equal(ready.partial, undefined, `complete clip: ${ready.reason ?? ''}`);
  const metadata = JSON.parse(new TextDecoder().decode(await store.getBytes(ready.keys.metadata))) as {
    clip: { end: number; segments: { startMs: number; endMs: number; live?: boolean }[] };
  };
  const last = metadata.clip.segments.at(-1);
  assert.equal(last?.live, true, 'the last footage came from the live segment');
  assert.equal(last.startMs, live.startMs);
  assert.ok(last.endMs >= windowEnd, 'the live footage reaches the window end');
  assert.ok(last.endMs < live.startMs + SEGMENT_S * 1000, 'cut before the segment closed');
  const decoded = await decodeCheck(await downloadClip(ready.keys.clip));
  assert.equal(decoded.code, 0);
  assert.equal(decoded.errors, '', 'the clip decodes without errors');
});

test('a corrupt and a missing segment give a partial clip with reasons, not a crash', async () => {
  const start = Date.now();
  const end = start + 8000;
  await publishEvent(js, subjects, objectEvent('new', 'evt-corrupt', start));
  await until(
    'footage inside the event',
    () => ((ring()?.newestEndMs ?? 0) >= start + 5000 ? true : undefined),
    30_000,
  );
  const inside = ring()!
    .covering(start, end)
    .filter((s) => s.startMs >= start);
  assert.ok(inside.length >= 2, 'two segments inside the event');
  await writeFile(inside[0]!.path, Buffer.alloc(inside[0]!.bytes, 0x55));
  await rm(inside[1]!.path);
  await sleep(Math.max(0, end - Date.now()));
  await publishEvent(js, subjects, objectEvent('end', 'evt-corrupt', start, end));
  const ready = await until('ClipReady of the corrupt event', () => clipsOf('evt-corrupt')[0], 40_000);
  assert.equal(ready.partial, true);
  assert.match(ready.reason ?? '', /corrupt/);
  assert.match(ready.reason ?? '', /missing/);
  const decoded = await decodeCheck(await downloadClip(ready.keys.clip));
  assert.equal(decoded.code, 0);
  assert.equal(worker.recorder(CAMERA)?.segmenter.state, 'recording');
});

test('clips of events that end while MinIO is down for a minute are spooled and all arrive once it is back', async () => {
  await minio.stop();
  const outageStart = Date.now();
  const ids = ['evt-out-1', 'evt-out-2', 'evt-out-3'];
  const start = Date.now();
  await Promise.all(ids.map((id, i) => runEvent(id, start + i * 2000, start + 4000 + i * 2000)));
  await until('three spooled clips', () => (worker.spool?.files === 3 ? true : undefined), 40_000);
  assert.deepEqual(
    ids.map((id) => clipsOf(id).length),
    [0, 0, 0],
    'nothing is announced while the store is down',
  );
  // The store stays down for a whole minute while the drainer keeps trying.
  await sleep(Math.max(0, outageStart + 60_000 - Date.now()));
  await minio.start();
  await until(
    'all clips announced',
    () => (ids.every((id) => clipsOf(id).length > 0) ? true : undefined),
    60_000,
  );
  await sleep(3000);
  assert.equal(worker.spool?.files, 0);
  for (const id of ids) {
    assert.equal(clipsOf(id).length, 1, `exactly one ClipReady for ${id}`);
    const ready = clipsOf(id)[0]!;
    assert.ok(await store.stat(ready.keys.clip), `clip of ${id} in the store`);
    assert.ok(await store.stat(ready.keys.metadata), `metadata of ${id} in the store`);
  }
  const clips: string[] = [];
  for await (const object of store.list(`events/${CAMERA}/`))
    if (object.key.endsWith('.mp4')) clips.push(object.key);
  const all = ['evt-a', 'evt-b', 'evt-live', 'evt-corrupt', ...ids];
  assert.equal(clips.length, all.length, `one clip per event: ${clips.join(', ')}`);
  // Durable stream: one ClipReady per clip, no duplicates.
  const info = await (
    await import('@nats-io/jetstream')
  )
    .jetstreamManager(nc)
    .then((m) => m.streams.info(subjects.streams.clips));
  assert.equal(info.state.messages, all.length);
});

test('an event that ends while recordings are switched off gets no clip; switched on again, the next one does', async () => {
  const board = await CameraSwitchBoard.open(js, subjects.buckets.cameraSwitches, () => ({
    detect: true,
    motion: true,
    recordings: true,
    snapshots: true,
  }));
  await board.set(CAMERA, { recordings: false }, 'test');
  await sleep(500);
  const off = Date.now() + 500;
  await runEvent('evt-switched-off', off, off + 2000);

  await board.set(CAMERA, { recordings: true }, 'test');
  await sleep(500);
  const on = Date.now() + 500;
  await runEvent('evt-switched-on', on, on + 2000);
  await until('the clip after recordings are back on', () => clipsOf('evt-switched-on')[0], 40_000);
  // The first event ended earlier and its clip would have been cut first.
  assert.deepEqual(
    clipsOf('evt-switched-off'),
    [],
    'no clip for the event that ended while recordings were off',
  );
});
