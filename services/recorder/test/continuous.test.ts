import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createSubjects } from '@shiriki/bus';
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
  SEGMENT_S,
  decodeCheck,
  recorderConfigObject,
  sleep,
  until,
  startInProcessRecorder,
  startRecorderServers,
  type InProcessRecorder,
  type RecorderServers,
} from './harness.js';

const CHUNK_S = 6;
let servers: RecorderServers;
let nats: NatsServer;
let minio: MinioServer;
let go2rtc: Go2rtcServer;
let recorder: InProcessRecorder;
let dir: string;
let store: ObjectStore;
let worker: RecorderWorker;

before(async () => {
  dir = makeTempDir('recorder-continuous');
  servers = await startRecorderServers();
  ({ nats, minio, go2rtc } = servers);
  const object = recorderConfigObject({
    natsUrl: nats.url,
    prefix: 'cont',
    minio,
    bucket: 'continuous-test',
    rtspBase: `rtsp://127.0.0.1:${go2rtc.rtspPort}`,
    dir,
  });
  Object.assign(object.record as object, { continuous: true, continuous_chunk_seconds: CHUNK_S });
  const config = parseConfig(JSON.stringify(object));
  recorder = await startInProcessRecorder(config, {
    workerId: 'rec-c',
    subjects: createSubjects('cont'),
    service: 'continuous-test',
  });
  ({ worker, store } = recorder);
});

after(async () => {
  await recorder?.stop();
  await servers?.dispose();
  await removeTempDir(dir);
});

interface Chunk {
  key: string;
  start: number;
  end: number;
}

async function chunks(): Promise<Chunk[]> {
  const found: Chunk[] = [];
  for await (const object of store.list(`recordings/${CAMERA}/`)) {
    const info = await store.stat(object.key);
    found.push({ key: object.key, start: Number(info?.metadata.start), end: Number(info?.metadata.end) });
  }
  return found.sort((a, b) => a.start - b.start);
}

/** Consecutive chunks join within a frame or two: nothing between them is missing. */
function assertContiguous(list: readonly Chunk[]): void {
  for (let i = 1; i < list.length; i++) {
    const gap = list[i]!.start - list[i - 1]!.end;
    assert.ok(Math.abs(gap) <= 250, `chunk ${list[i]!.key} starts ${gap} ms after the previous one ends`);
  }
}

test('all footage is uploaded in MP4 chunks of whole segments that join without gaps', async () => {
  const list = await until(
    'two continuous chunks',
    async () => ((await chunks()).length >= 2 ? chunks() : undefined),
    40_000,
  );
  assertContiguous(list);
  for (const chunk of list.slice(0, 2)) {
    assert.match(
      chunk.key,
      new RegExp(`^recordings/${CAMERA}/\\d{4}-\\d{2}-\\d{2}/\\d{2}/${chunk.start}\\.mp4$`),
    );
    assert.equal((await store.stat(chunk.key))?.contentType, 'video/mp4');
    const path = join(dir, chunk.key.replace(/\//g, '_'));
    await writeFile(path, await store.getBytes(chunk.key));
    const decoded = await decodeCheck(path);
    assert.equal(decoded.code, 0);
    assert.equal(decoded.errors, '', 'the chunk decodes without errors');
    const duration = await containerDuration(path);
    assert.ok(duration >= CHUNK_S - 0.5 && duration <= CHUNK_S + SEGMENT_S + 0.5, `chunk of ${duration} s`);
  }
});

test('footage recorded while the store is down is uploaded once it is back, still without gaps', async () => {
  const before = (await chunks()).length;
  await minio.stop();
  await sleep(CHUNK_S * 2000 + 2000);
  await minio.start();
  await until(
    'the chunks recorded during the outage',
    async () => ((await chunks()).length >= before + 3 ? true : undefined),
    40_000,
  );
  assertContiguous(await chunks());
  assert.equal(worker.recorder(CAMERA)?.segmenter.state, 'recording');
});
