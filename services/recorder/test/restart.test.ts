import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { createSubjects, type ClipReady } from '@shiriki/bus';
import type { ManagedChild } from '@shiriki/process';
import {
  makeTempDir,
  removeTempDir,
  type Go2rtcServer,
  type MinioServer,
  type NatsServer,
} from '@shiriki/testing';
import {
  CAMERA,
  collectClipReady,
  objectEvent,
  publishEvent,
  recorderConfigObject,
  sleep,
  spawnRecorder,
  until,
  writeConfig,
  startRecorderServers,
  type RecorderServers,
} from './harness.js';

const PREFIX = 'rst';
const subjects = createSubjects(PREFIX);

let servers: RecorderServers;
let nats: NatsServer;
let minio: MinioServer;
let go2rtc: Go2rtcServer;
let nc: NatsConnection;
let js: JetStreamClient;
let dir: string;
let configPath: string;
let recorder: ManagedChild | undefined;
let clipReady: ClipReady[];

before(async () => {
  dir = makeTempDir('recorder-restart');
  servers = await startRecorderServers();
  ({ nats, minio, go2rtc } = servers);
  nc = await connect({ servers: nats.url, name: 'recorder-restart-test' });
  js = jetstream(nc);
  clipReady = collectClipReady(nc, subjects);
  configPath = writeConfig(
    dir,
    recorderConfigObject({
      natsUrl: nats.url,
      prefix: PREFIX,
      minio,
      bucket: 'recorder-restart',
      rtspBase: `rtsp://127.0.0.1:${go2rtc.rtspPort}`,
      dir,
    }),
  );
});

after(async () => {
  await recorder?.stop({ termGraceMs: 5000 });
  await nc?.close();
  await servers?.dispose();
  await removeTempDir(dir);
});

const ringFiles = () => {
  try {
    return readdirSync(join(dir, 'ring', CAMERA)).filter((f) => /^\d+-\d+\.ts$/.test(f));
  } catch {
    return [];
  }
};

test('a recorder SIGKILLed during an event still delivers its clip after a restart', async () => {
  const log = join(dir, 'recorder.log');
  recorder = await spawnRecorder(configPath, log);
  await until('segments in the ring', () => (ringFiles().length >= 3 ? true : undefined), 40_000);
  const start = Date.now();
  await publishEvent(js, subjects, objectEvent('new', 'evt-kill', start));
  await sleep(3000);
  recorder.process.kill('SIGKILL');
  await recorder.exited;
  recorder = await spawnRecorder(configPath, log);
  await sleep(2000);
  const end = Date.now();
  await publishEvent(js, subjects, objectEvent('end', 'evt-kill', start, end));
  const ready = await until(
    'the ClipReady of the event',
    () => clipReady.find((c) => c.event_id === 'evt-kill'),
    60_000,
  );
  assert.ok(ready.duration_s > 0);
  assert.ok(ready.start <= start, 'the footage before the kill is in the clip');
  assert.equal(ready.partial, true, 'footage of the restart gap is missing');
  assert.match(ready.reason ?? '', /gap|before the window|after the window/);
  await sleep(2000);
  assert.equal(clipReady.filter((c) => c.event_id === 'evt-kill').length, 1);
});
