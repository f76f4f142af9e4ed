// The api against MinIO and PostgreSQL: clips served from S3 by range or presigned redirect, clips cut from
// continuous recordings, and two api replicas sharing one PostgreSQL index.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { continuousObjectKey, eventObjectKeys } from '@shiriki/storage';
import { resolveFfmpegPath } from '@shiriki/process';
import {
  containerDuration,
  makeTempDir,
  removeTempDir,
  startMinio,
  startNatsServer,
  waitFor,
  type MinioServer,
  type NatsServer,
} from '@shiriki/testing';
import { ApiHarness } from './harness.js';
import { clipReady, objectEvent } from './fixtures.js';
import { createTestDatabase } from './postgres.js';

const run = promisify(execFile);
let nats: NatsServer;
let minio: MinioServer;
let work: string;

before(async () => {
  [nats, minio] = await Promise.all([startNatsServer(), startMinio()]);
  work = makeTempDir('api-s3');
});

after(async () => {
  await minio?.dispose();
  await nats?.dispose();
  await removeTempDir(work);
});

/** A real H.264 MP4 of `seconds` of test pattern, one keyframe per second. */
async function testClip(name: string, seconds: number): Promise<string> {
  const path = join(work, name);
  await run(resolveFfmpegPath(), [
    ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `testsrc2=size=320x240:rate=10`],
    ...['-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '10', '-pix_fmt', 'yuv420p'],
    ...['-movflags', '+faststart', '-y', path],
  ]);
  return path;
}

describe('clips and recordings from S3', () => {
  let api: ApiHarness;
  let admin: string;
  before(async () => {
    api = await new ApiHarness({ nats, minio }).start();
    admin = await api.login();
  });
  after(async () => api?.dispose());

  test('an event clip in MinIO streams by range, byte for byte', async () => {
    const event = objectEvent({
      id: 's3-ev',
      type: 'end',
      start_time: Date.now() - 60_000,
      end_time: Date.now() - 50_000,
    });
    const keys = eventObjectKeys(event.camera, event.start_time, event.id);
    const clipPath = await testClip('event.mp4', 3);
    const bytes = await readFile(clipPath);
    await api.store.putFile(keys.clip, clipPath, { contentType: 'video/mp4' });
    await api.publishEvent(event);
    await api.publishClip(clipReady(event, { keys: { clip: keys.clip, metadata: keys.metadata } }));
    await waitFor(
      async () =>
        ((await (await api.get('/api/events/s3-ev', admin)).json()) as { has_clip?: boolean }).has_clip ===
        true,
      {
        timeoutMs: 10_000,
        what: 'clip indexed',
      },
    );
    const part = await api.get('/api/events/s3-ev/clip.mp4', admin, { range: 'bytes=100-4099' });
    assert.equal(part.status, 206);
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), bytes.subarray(100, 4100));
    const whole = await api.get('/api/events/s3-ev/clip.mp4', admin);
    assert.deepEqual(Buffer.from(await whole.arrayBuffer()), bytes);
  });

  test('recordings list the chunks in a window, and a clip cut across two chunks has the asked length', async () => {
    const start = Math.floor(Date.now() / 1000) * 1000 - 120_000;
    for (const [i, offset] of [0, 4000].entries()) {
      const path = await testClip(`chunk-${i}.mp4`, 4);
      await api.store.putFile(continuousObjectKey('front', start + offset), path, {
        contentType: 'video/mp4',
        metadata: { camera: 'front', start: String(start + offset), end: String(start + offset + 4000) },
      });
    }
    const list = await api.get(
      `/api/cameras/front/recordings?after=${(start - 1000) / 1000}&before=${(start + 10_000) / 1000}`,
      admin,
    );
    assert.equal(list.status, 200);
    const chunks = (await list.json()) as Array<{ start_time: number; end_time: number; duration: number }>;
    assert.deepEqual(
      chunks.map((c) => [c.start_time, c.duration]),
      [
        [start / 1000, 4],
        [(start + 4000) / 1000, 4],
      ],
    );
    const clip = await api.get(
      `/api/cameras/front/clip.mp4?start=${(start + 2000) / 1000}&end=${(start + 7000) / 1000}`,
      admin,
    );
    assert.equal(clip.status, 200, await clip.clone().text());
    const out = join(work, 'cut.mp4');
    await (await import('node:fs/promises')).writeFile(out, Buffer.from(await clip.arrayBuffer()));
    const duration = await containerDuration(out);
    // Stream copy starts at the keyframe at or before the in-point (one per second here).
    assert.ok(duration >= 4.9 && duration <= 6.1, `duration ${duration}`);
    assert.equal(
      (
        await api.get(
          `/api/cameras/front/clip.mp4?start=${(start - 60_000) / 1000}&end=${(start - 50_000) / 1000}`,
          admin,
        )
      ).status,
      404,
    );
    assert.equal(
      (
        await api.get(
          `/api/cameras/front/clip.mp4?start=${start / 1000}&end=${(start + 7_200_000) / 1000}`,
          admin,
        )
      ).status,
      400,
    );
    assert.equal((await api.get(`/api/cameras/front/recordings?after=10&before=5`, admin)).status, 400);
  });
});

describe('presigned redirects', () => {
  test('with clip_redirect, the clip answers 302 to a URL that serves it without credentials', async () => {
    const api = await new ApiHarness({ nats, minio, apiYaml: '  clip_redirect: true\n' }).start();
    try {
      const admin = await api.login();
      const event = objectEvent({ id: 'redirect-ev', start_time: Date.now() - 1000 });
      const keys = eventObjectKeys(event.camera, event.start_time, event.id);
      await api.store.put(keys.snapshot, Buffer.from('snapshot-bytes'), { contentType: 'image/jpeg' });
      await api.publishEvent(event);
      await api.publishClip(
        clipReady(event, { keys: { clip: keys.clip, snapshot: keys.snapshot, metadata: keys.metadata } }),
      );
      await waitFor(async () => (await api.get('/api/events/redirect-ev', admin)).status === 200, {
        timeoutMs: 10_000,
        what: 'indexed',
      });
      const r = await api.get('/api/events/redirect-ev/snapshot.jpg', admin);
      assert.equal(r.status, 302);
      const location = r.headers.get('location')!;
      assert.match(location, /X-Amz-Signature=/);
      const direct = await fetch(location);
      assert.equal(await direct.text(), 'snapshot-bytes');
    } finally {
      await api.dispose();
    }
  });
});

describe('two api replicas on one PostgreSQL index', () => {
  test('they share the index and its consumers: every event once, visible from both', async () => {
    const db = await createTestDatabase();
    const a = new ApiHarness({ nats, postgresUrl: db.url });
    const b = new ApiHarness({ nats, postgresUrl: db.url });
    try {
      const indexConsumers = async (h: ApiHarness) =>
        (await h.bus.jsm.consumers.list(h.subjects.streams.events).next())
          .map((c) => c.name)
          .filter((name) => name.startsWith('api_index_'));
      await a.connect();
      const before = new Set(await indexConsumers(a));
      await Promise.all([a.start(), b.start()]);
      const password = a.adminPassword ?? b.adminPassword;
      assert.ok(password, 'one of the replicas created the admin');
      assert.ok(!(a.adminPassword && b.adminPassword), 'only one admin created');
      const cookieA = await a.login('admin', password);
      const cookieB = await b.login('admin', password);
      // A session made on one replica works on the other.
      assert.equal((await b.get('/api/auth/me', cookieA)).status, 200);
      const t0 = Date.now() - 100_000;
      for (let i = 0; i < 40; i++) {
        const e = objectEvent({ id: `pg-${i}`, start_time: t0 + i });
        await a.publishEvent(e);
        await a.publishEvent({ ...e, type: 'end', end_time: t0 + i + 10 });
      }
      const count = async (h: ApiHarness, cookie: string) =>
        (
          (await (
            await h.get(`/api/events?after=${(t0 - 1) / 1000}&before=${(t0 + 40) / 1000}&limit=1000`, cookie)
          ).json()) as {
            events: unknown[];
          }
        ).events.length;
      await waitFor(async () => (await count(a, cookieA)) === 40, {
        timeoutMs: 15_000,
        what: '40 events indexed',
      });
      assert.equal(await count(b, cookieB), 40);
      // Both replicas pull from one consumer named after the shared index.
      const added = (await indexConsumers(a)).filter((name) => !before.has(name));
      assert.equal(added.length, 1, added.join(', '));
    } finally {
      await a.dispose();
      await b.dispose();
      await db.drop();
    }
  });
});
