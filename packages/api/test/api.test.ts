// The api on real servers: nats-server with JetStream, go2rtc restreaming a test pattern, the local store and
// SQLite. Auth, the event index fed from the streams, media with Range, live updates, stats, go2rtc proxying,
// bad input, and no credential in any response or log line.
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import WebSocket from 'ws';
import { ServiceStatusSchema, encodeJson } from '@shiriki/bus';
import { eventObjectKeys } from '@shiriki/storage';
import { resolveFfmpegPath } from '@shiriki/process';
import {
  startGo2rtc,
  startNatsServer,
  syntheticSource,
  waitFor,
  type Go2rtcServer,
  type NatsServer,
} from '@shiriki/testing';
import { INITIAL_ADMIN_PASSWORD_FILE } from '@shiriki/api';
import { ApiHarness, CAMERA_SECRET, authHeader } from './harness.js';
import { clipReady, objectEvent } from './fixtures.js';

let nats: NatsServer;
let go2rtc: Go2rtcServer;
let api: ApiHarness;
let admin: string;
const secrets: string[] = [CAMERA_SECRET];

before(async () => {
  nats = await startNatsServer();
  go2rtc = await startGo2rtc({
    streams: { synthetic: syntheticSource(resolveFfmpegPath(), { size: '320x240', fps: 10 }) },
  });
  api = await new ApiHarness({ nats, go2rtc, apiYaml: '  auth: { login_attempts_per_minute: 4 }\n' }).start();
  assert.ok(api.adminPassword, 'the first start announces an admin password');
  secrets.push(api.adminPassword);
  admin = await api.login();
  secrets.push(admin.split('=')[1]!);
});

after(async () => {
  // Nothing secret in any log line the api wrote during the whole file.
  const log = api.logs.join('');
  if (process.env.DEBUG_API) console.error(api.logs.filter((l) => l.includes('"level":"error"')).join(''));
  for (const secret of secrets)
    assert.ok(!log.includes(secret), `a secret reached the log: ${secret.slice(0, 4)}...`);
  await api?.dispose();
  await go2rtc?.dispose();
  await nats?.dispose();
});

/** Waits until the index holds `id` (the indexer works asynchronously). */
async function indexed(id: string, check: (body: Record<string, unknown>) => boolean = () => true) {
  let last: Record<string, unknown> | undefined;
  await waitFor(
    async () => {
      const r = await api.get(`/api/events/${id}`, admin);
      if (r.status !== 200) return false;
      last = (await r.json()) as Record<string, unknown>;
      return check(last);
    },
    { timeoutMs: 10_000, what: `event ${id} indexed` },
  );
  return last!;
}

describe('authentication', () => {
  test('health is public; everything else answers 401 without credentials', async () => {
    assert.equal((await api.get('/healthz', undefined)).status, 200);
    assert.deepEqual(await (await api.get('/api/auth/session', undefined)).json(), { user: null });
    assert.equal((await api.get('/readyz', undefined)).status, 200);
    assert.equal((await api.get('/metrics', undefined)).status, 200);
    for (const path of [
      '/api/events',
      '/api/cameras',
      '/api/streams',
      '/api/stats',
      '/api/openapi.json',
      '/api/events/x/clip.mp4',
      '/api/nope',
    ]) {
      const r = await api.get(path, undefined);
      assert.equal(r.status, 401, path);
      assert.equal(r.headers.get('www-authenticate'), 'Bearer realm="shiriki"');
    }
  });

  test('the first admin password is in a 0600 file, and login sets an HttpOnly SameSite cookie', async () => {
    const file = join(api.dataDir, 'api', INITIAL_ADMIN_PASSWORD_FILE);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const r = await fetch(`${api.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // Frigate's body shape (`user`) works too.
      body: JSON.stringify({ user: 'admin', password: api.adminPassword }),
    });
    assert.equal(r.status, 200);
    const cookie = r.headers.get('set-cookie') ?? '';
    assert.match(cookie, /^shiriki_session=[A-Za-z0-9_-]{40,};/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    const me = (await (await api.get('/api/auth/me', cookie.split(';')[0])).json()) as Record<
      string,
      unknown
    >;
    assert.equal(me.username, 'admin');
    assert.equal(me.must_change_password, true);
    assert.ok(!JSON.stringify(me).includes('hash'));
  });

  test('API tokens authenticate as Bearer until revoked; viewers cannot delete', async () => {
    const created = await fetch(`${api.url}/api/users`, {
      method: 'POST',
      headers: { ...authHeader(admin), 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'viewer1', password: 'viewer-password-1', role: 'viewer' }),
    });
    assert.equal(created.status, 201);
    const viewer = await api.login('viewer1', 'viewer-password-1');
    const t = await fetch(`${api.url}/api/tokens`, {
      method: 'POST',
      headers: { ...authHeader(viewer), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'home assistant' }),
    });
    assert.equal(t.status, 201);
    const { token, info } = (await t.json()) as { token: string; info: { id: string } };
    secrets.push(token);
    assert.match(token, /^shk_/);
    assert.equal((await api.get('/api/events', token)).status, 200);
    const del = await fetch(`${api.url}/api/events/whatever`, {
      method: 'DELETE',
      headers: authHeader(token),
    });
    assert.equal(del.status, 403);
    const listed = (await (await api.get('/api/tokens', token)).json()) as Array<Record<string, unknown>>;
    assert.equal(listed.length, 1);
    assert.ok(!JSON.stringify(listed).includes(token.slice(4)), 'the token list never shows a secret');
    const revoke = await fetch(`${api.url}/api/tokens/${info.id}`, {
      method: 'DELETE',
      headers: authHeader(viewer),
    });
    assert.equal(revoke.status, 204);
    assert.equal((await api.get('/api/events', token)).status, 401);
    assert.equal((await api.get('/api/users', viewer)).status, 403);
  });

  test('wrong passwords get 401, and past the per-minute limit 429', async () => {
    const attempt = () =>
      fetch(`${api.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: 'wrong-password' }),
      });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await attempt()).status);
    // Earlier tests of this file logged in too, so the limit may be reached sooner; once reached it holds.
    const first429 = statuses.indexOf(429);
    assert.ok(first429 > -1 && first429 <= 4, statuses.join(','));
    assert.ok(statuses.slice(0, first429).every((s) => s === 401));
    assert.ok(statuses.slice(first429).every((s) => s === 429));
  });
});

describe('events', () => {
  const t0 = Date.now() - 3_600_000;
  const events = Array.from({ length: 12 }, (_, i) =>
    objectEvent({
      id: `ev-${String(i).padStart(2, '0')}`,
      camera: i % 2 === 0 ? 'front' : 'synthetic',
      label: i % 3 === 0 ? 'car' : 'person',
      start_time: t0 + i * 1000,
      entered_zones: i === 4 ? ['porch'] : [],
      zones: i === 4 ? ['porch'] : [],
    }),
  );
  const clipBytes = Buffer.from(Array.from({ length: 100_000 }, (_, i) => i % 251));

  before(async () => {
    for (const e of events) {
      await api.publishEvent(e);
      await api.publishEvent({ ...e, type: 'end', end_time: e.start_time + 5000, top_score: 0.95 });
    }
    const withClip = events[0]!;
    const keys = eventObjectKeys(withClip.camera, withClip.start_time, withClip.id);
    await api.store.put(keys.clip, clipBytes, { contentType: 'video/mp4' });
    await api.store.put(keys.snapshot, Buffer.from('jpeg-bytes'), { contentType: 'image/jpeg' });
    await api.store.put(keys.metadata, Buffer.from('{}'), { contentType: 'application/json' });
    await api.publishClip(
      clipReady(
        { ...withClip, end_time: withClip.start_time + 5000 },
        { keys: { clip: keys.clip, snapshot: keys.snapshot, metadata: keys.metadata } },
      ),
    );
    await indexed(withClip.id, (b) => b.has_clip === true);
    await indexed(events.at(-1)!.id, (b) => b.end_time !== null);
  });

  test('the list filters, pages with a cursor and speaks epoch seconds', async () => {
    const after = (t0 - 1) / 1000;
    const list = async (query: string) => {
      const r = await api.get(`/api/events?after=${after}&${query}`, admin);
      assert.equal(r.status, 200, await r.clone().text());
      return (await r.json()) as { events: Array<Record<string, unknown>>; next_cursor: string | null };
    };
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(`limit=5${cursor ? `&cursor=${cursor}` : ''}`);
      ids.push(...page.events.map((e) => e.id as string));
      cursor = page.next_cursor;
    } while (cursor);
    assert.deepEqual(ids, events.map((e) => e.id).reverse());
    assert.equal((await list('cameras=front')).events.length, 6);
    assert.equal((await list('camera=front&label=car')).events.length, 2);
    assert.equal((await list('labels=car,person')).events.length, 12);
    assert.deepEqual(
      (await list('zone=porch')).events.map((e) => e.id),
      ['ev-04'],
    );
    assert.deepEqual(
      (await list('has_clip=1')).events.map((e) => e.id),
      ['ev-00'],
    );
    const first = (await list('camera=front&label=car&limit=1')).events[0]!;
    assert.equal(first.start_time, events[6]!.start_time / 1000);
    assert.equal(first.end_time, (events[6]!.start_time + 5000) / 1000);
    assert.equal(first.top_score, 0.95);
  });

  test('bad parameters get 400 with a message; unknown ids 404', async () => {
    for (const query of [
      'limit=0',
      'limit=5000',
      'after=abc',
      'after=20&before=10',
      'cursor=@@',
      'camera=a;b',
      'bogus=1',
      'has_clip=maybe',
    ]) {
      const r = await api.get(`/api/events?${query}`, admin);
      assert.equal(r.status, 400, query);
      const body = (await r.json()) as { message: string; success: boolean };
      assert.equal(body.success, false);
      assert.ok(body.message.length > 5, query);
    }
    assert.equal((await api.get('/api/events/nope', admin)).status, 404);
    assert.equal((await api.get('/api/events/nope/clip.mp4', admin)).status, 404);
    assert.equal((await api.get('/api/events/ev-01/clip.mp4', admin)).status, 404, 'no clip yet');
    for (const path of [
      '/api/events/..%2F..%2Fetc%2Fpasswd/clip.mp4',
      '/api/events/%2e%2e/snapshot.jpg',
      '/api/cameras/..%2Fx/latest.jpg',
    ]) {
      const status = (await api.get(path, admin)).status;
      assert.ok(status === 400 || status === 404, `${path}: ${status}`);
    }
  });

  test('any query string gets an answer below 500', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.constantFrom(
            'camera',
            'cameras',
            'label',
            'zone',
            'after',
            'before',
            'has_clip',
            'limit',
            'cursor',
            'x',
          ),
          fc.oneof(fc.string(), fc.integer().map(String), fc.double().map(String)),
          { maxKeys: 5 },
        ),
        async (params) => {
          const r = await api.get(`/api/events?${new URLSearchParams(params).toString()}`, admin);
          assert.ok(r.status === 200 || r.status === 400, `${r.status} for ${JSON.stringify(params)}`);
        },
      ),
      { numRuns: 150 },
    );
  });

  test('the clip streams whole, by range (206), and refuses ranges past its end (416)', async () => {
    const whole = await api.get('/api/events/ev-00/clip.mp4', admin);
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get('accept-ranges'), 'bytes');
    assert.equal(whole.headers.get('content-type'), 'video/mp4');
    assert.equal(Number(whole.headers.get('content-length')), clipBytes.length);
    assert.deepEqual(Buffer.from(await whole.arrayBuffer()), clipBytes);
    const part = await api.get('/api/events/ev-00/clip.mp4', admin, { range: 'bytes=1000-1999' });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 1000-1999/${clipBytes.length}`);
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), clipBytes.subarray(1000, 2000));
    const tail = await api.get('/api/events/ev-00/clip.mp4', admin, { range: 'bytes=-10' });
    assert.deepEqual(Buffer.from(await tail.arrayBuffer()), clipBytes.subarray(-10));
    const past = await api.get('/api/events/ev-00/clip.mp4', admin, { range: `bytes=${clipBytes.length}-` });
    assert.equal(past.status, 416);
    assert.equal(past.headers.get('content-range'), `bytes */${clipBytes.length}`);
    const garbage = await api.get('/api/events/ev-00/clip.mp4', admin, { range: 'bytes=zz' });
    assert.equal(garbage.status, 200, 'a malformed Range is ignored, as RFC 9110 allows');
    const snap = await api.get('/api/events/ev-00/snapshot.jpg?download=1', admin);
    assert.equal(snap.status, 200);
    assert.equal(await snap.text(), 'jpeg-bytes');
    assert.match(
      snap.headers.get('content-disposition') ?? '',
      /^attachment; filename="front-ev-00-snapshot.jpg"/,
    );
    const thumb = await api.get('/api/events/ev-00/thumbnail.jpg', admin);
    assert.equal(await thumb.text(), 'jpeg-bytes', 'without a thumbnail, the snapshot stands in');
    assert.equal((await api.get('/api/events/ev-01/thumbnail.jpg', admin)).status, 404, 'neither exists');
  });

  test('deleting an event removes its objects, and later messages do not bring it back', async () => {
    const e = events[0]!;
    const keys = eventObjectKeys(e.camera, e.start_time, e.id);
    const del = await fetch(`${api.url}/api/events/${e.id}`, {
      method: 'DELETE',
      headers: authHeader(admin),
    });
    assert.equal(del.status, 204);
    assert.equal(await api.store.stat(keys.clip), undefined);
    assert.equal(await api.store.stat(keys.snapshot), undefined);
    assert.equal((await api.get(`/api/events/${e.id}`, admin)).status, 404);
    await api.publishEvent({ ...e, type: 'update' });
    await api.publishEvent(objectEvent({ id: 'marker-after-delete', start_time: t0 }));
    await indexed('marker-after-delete');
    assert.equal((await api.get(`/api/events/${e.id}`, admin)).status, 404);
  });

  test('events published while the api was down are indexed on restart, each once', async () => {
    await api.stop();
    const missed = Array.from({ length: 30 }, (_, i) =>
      objectEvent({ id: `missed-${i}`, start_time: t0 - 600_000 + i }),
    );
    for (const e of missed) {
      await api.publishEvent(e);
      await api.publishEvent({ ...e, type: 'end', end_time: e.start_time + 10 });
    }
    await api.start();
    admin = await api.login('admin', api.adminPassword);
    await indexed('missed-29', (b) => b.end_time !== null);
    const r = await api.get(`/api/events?before=${(t0 - 1) / 1000}&limit=1000`, admin);
    const ids = ((await r.json()) as { events: Array<{ id: string }> }).events.map((e) => e.id);
    assert.equal(ids.length, 30);
    assert.equal(new Set(ids).size, 30);
    assert.equal(api.adminPassword, secrets[1], 'no second admin on restart');
  });
});

describe('live updates over SSE', () => {
  async function readSse(path: string, headers: Record<string, string>, want: number) {
    const abort = new AbortController();
    const r = await fetch(`${api.url}${path}`, {
      headers: { ...authHeader(admin), ...headers },
      signal: abort.signal,
    });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/event-stream/);
    const messages: Array<{ id: string; event: string; data: Record<string, unknown> }> = [];
    const decoder = new TextDecoder();
    let buffer = '';
    const reader = r.body!.getReader();
    const deadline = setTimeout(() => abort.abort(), 10_000);
    try {
      while (messages.length < want) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(Buffer.from(value), { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields = Object.fromEntries(
            block
              .split('\n')
              .filter((l) => !l.startsWith(':') && l.includes(': '))
              .map((l) => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)]),
          );
          if (fields.data)
            messages.push({
              id: fields.id!,
              event: fields.event!,
              data: JSON.parse(fields.data) as Record<string, unknown>,
            });
        }
      }
    } finally {
      clearTimeout(deadline);
      abort.abort();
    }
    return messages;
  }

  test('new messages arrive live; Last-Event-ID resumes after the last one seen, without repeats', async () => {
    const since = Date.now() / 1000;
    const live = readSse('/api/events/stream', {}, 2);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await api.publishEvent(objectEvent({ id: 'sse-1', start_time: Date.now() }));
    await api.publishEvent(objectEvent({ id: 'sse-2', start_time: Date.now() }));
    const got = await live;
    assert.deepEqual(
      got.map((m) => m.data.id),
      ['sse-1', 'sse-2'],
    );
    assert.equal(got[0]!.event, 'event');
    assert.ok(Math.abs((got[0]!.data.start_time as number) - Date.now() / 1000) < 30, 'times in seconds');
    await api.publishEvent(objectEvent({ id: 'sse-3', start_time: Date.now() }));
    await api.publishClip(clipReady(objectEvent({ id: 'sse-1' })));
    const resumed = await readSse('/api/events/stream', { 'last-event-id': got[0]!.id }, 3);
    // Each stream keeps its order; the two streams interleave as they arrive.
    const names = (kind: string) =>
      resumed.filter((m) => m.event === kind).map((m) => String(m.data.id ?? m.data.event_id));
    assert.deepEqual(names('event'), ['sse-2', 'sse-3']);
    assert.deepEqual(names('clip'), ['sse-1']);
    const replay = await readSse(`/api/events/stream?since=${since}`, {}, 4);
    assert.deepEqual(
      replay.filter((m) => m.event === 'event').map((m) => m.data.id),
      ['sse-1', 'sse-2', 'sse-3'],
    );
    assert.equal((await api.get('/api/events/stream', admin, { 'last-event-id': 'garbage' })).status, 400);
  });
});

describe('cameras, streams, stats and go2rtc', () => {
  test('run-time switches: read by anyone, set by admins, motion kept on while detect is on', async () => {
    const put = (body: unknown, auth: string | undefined = admin) =>
      fetch(`${api.url}/api/cameras/front/switches`, {
        method: 'PUT',
        headers: { ...authHeader(auth), 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const initial = await api.get('/api/cameras/front/switches', admin);
    assert.equal(initial.status, 200);
    assert.deepEqual(await initial.json(), { detect: true, motion: true, recordings: true, snapshots: true });
    const off = await put({ detect: false, snapshots: false });
    assert.equal(off.status, 200);
    assert.deepEqual(await off.json(), { detect: false, motion: true, recordings: true, snapshots: false });
    assert.deepEqual(await (await api.get('/api/cameras/front/switches', admin)).json(), {
      detect: false,
      motion: true,
      recordings: true,
      snapshots: false,
    });
    assert.equal((await put({ detect: true })).status, 200);
    const refused = await put({ motion: false });
    assert.equal(refused.status, 400);
    assert.match(((await refused.json()) as { message: string }).message, /detect/);
    assert.equal((await put({})).status, 400, 'an empty change');
    assert.equal((await put({ detect: 'yes' })).status, 400, 'not a boolean');
    assert.equal((await put({ exposure: true })).status, 400, 'not a switch');
    assert.equal((await api.get('/api/cameras/nowhere/switches', admin)).status, 404);
    await fetch(`${api.url}/api/users`, {
      method: 'POST',
      headers: { ...authHeader(admin), 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'viewer2', password: 'viewer-password-2', role: 'viewer' }),
    });
    const viewer = await api.login('viewer2', 'viewer-password-2');
    assert.equal((await api.get('/api/cameras/front/switches', viewer)).status, 200);
    assert.equal((await put({ snapshots: true }, viewer)).status, 403);
    assert.equal((await put({ snapshots: true })).status, 200);
  });

  test('streams come live from go2rtc with their RTSP base and no credentials', async () => {
    const r = await api.get('/api/streams', admin);
    assert.equal(r.status, 200);
    const body = (await r.json()) as { rtsp_url_base: string; streams: Array<Record<string, unknown>> };
    assert.equal(body.rtsp_url_base, `rtsp://127.0.0.1:${go2rtc.rtspPort}/`);
    const synthetic = body.streams.find((s) => s.name === 'synthetic');
    assert.equal(synthetic?.camera, true);
    assert.equal(synthetic?.rtsp_url, `rtsp://127.0.0.1:${go2rtc.rtspPort}/synthetic`);
    assert.ok(!JSON.stringify(body).includes(CAMERA_SECRET));
  });

  test('stream.mp4 and the websocket reach go2rtc through the api', async () => {
    const abort = new AbortController();
    const r = await fetch(`${api.url}/api/cameras/synthetic/stream.mp4`, {
      headers: authHeader(admin),
      signal: abort.signal,
    });
    assert.equal(r.status, 200);
    const reader = r.body!.getReader();
    let bytes = Buffer.alloc(0);
    while (bytes.length < 2000) {
      const { value, done } = await reader.read();
      if (done) break;
      bytes = Buffer.concat([bytes, Buffer.from(value)]);
    }
    abort.abort();
    assert.equal(bytes.subarray(4, 8).toString('latin1'), 'ftyp', 'an MP4 starts with its ftyp box');
    // The live stream's consumer shows up in go2rtc while connected.
    const ws = new WebSocket(`${api.url.replace('http', 'ws')}/api/cameras/synthetic/ws`, {
      headers: authHeader(admin),
    });
    const first = await new Promise<string>((resolve, reject) => {
      ws.once('open', () =>
        ws.send(JSON.stringify({ type: 'mse', value: 'avc1.640029,avc1.64002A,avc1.640033,mp4a.40.2' })),
      );
      ws.once('message', (data: Buffer) => resolve(data.toString('utf8')));
      ws.once('error', reject);
      setTimeout(() => reject(new Error('no websocket message from go2rtc')), 10_000);
    });
    ws.close();
    assert.match(first, /"type":"mse"/);
    const denied = new WebSocket(`${api.url.replace('http', 'ws')}/api/cameras/synthetic/ws`);
    const status = await new Promise<number>((resolve) =>
      denied.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
    );
    assert.equal(status, 401);
  });

  test('cameras list status from the bus; stats list live instances and the index', async () => {
    const status = {
      camera: 'synthetic',
      state: 'streaming',
      owner: 'ingest-a',
      since: Date.now(),
      fps_in: 9.8,
      frames_published: 100,
      frames_dropped: 1,
      restarts: 0,
      motion_active: true,
    };
    api.bus.nc.publish(api.subjects.cameraStatus('synthetic'), JSON.stringify(status));
    api.bus.nc.publish(
      api.subjects.status('detector', 'det-1'),
      encodeJson(ServiceStatusSchema, {
        busy_ratio: 0.4,
        service: 'detector',
        instance: 'det-1',
        state: 'running',
        time: Date.now(),
        started_at: Date.now() - 1000,
      }),
    );
    await waitFor(
      async () => {
        const cams = (await (await api.get('/api/cameras', admin)).json()) as Array<Record<string, unknown>>;
        return cams.find((c) => c.name === 'synthetic')?.status === 'online';
      },
      { timeoutMs: 5000, what: 'camera status' },
    );
    const cams = (await (await api.get('/api/cameras', admin)).json()) as Array<Record<string, unknown>>;
    const synthetic = cams.find((c) => c.name === 'synthetic')!;
    assert.equal(synthetic.owner, 'ingest-a');
    assert.equal(synthetic.fps_in, 9.8);
    assert.equal(cams.find((c) => c.name === 'front')?.status, 'unknown');
    assert.deepEqual(cams.find((c) => c.name === 'front')?.zones, ['porch']);
    assert.ok(!JSON.stringify(cams).includes(CAMERA_SECRET));
    assert.equal((await api.get('/api/cameras/nope', admin)).status, 404);
    interface Stats {
      services: Record<string, Array<{ instance: string; busy_ratio: number | null }>>;
      cameras: Record<string, { fps_in: number }>;
      index: { events: number };
      detector: { backlog: number | null };
      storage: { bytes: number | null };
    }
    const stats = (await (await api.get('/api/stats', admin)).json()) as Stats;
    assert.equal(stats.services.detector?.[0]?.instance, 'det-1');
    assert.equal(stats.services.detector?.[0]?.busy_ratio, 0.4);
    assert.equal(stats.cameras.synthetic?.fps_in, 9.8);
    assert.ok(stats.index.events > 30);
    assert.equal(stats.detector.backlog, null, 'no frames stream in this test');
    await waitFor(
      async () => ((await (await api.get('/api/stats', admin)).json()) as Stats).storage.bytes !== null,
      {
        timeoutMs: 5000,
        what: 'storage use measured',
      },
    );
  });

  test('latest.jpg is a JPEG from go2rtc', async () => {
    const r = await api.get('/api/cameras/synthetic/latest.jpg?height=120', admin);
    assert.equal(r.status, 200, await r.clone().text());
    const jpeg = Buffer.from(await r.arrayBuffer());
    assert.equal(jpeg[0], 0xff);
    assert.equal(jpeg[1], 0xd8);
  });

  test('the OpenAPI document lists every route with its parameters', async () => {
    const doc = (await (await api.get('/api/openapi.json', admin)).json()) as {
      openapi: string;
      paths: Record<string, { get?: { parameters?: Array<{ name: string; schema: { maximum?: number } }> } }>;
    };
    assert.match(doc.openapi, /^3\./);
    for (const path of [
      '/api/events',
      '/api/events/{id}',
      '/api/events/{id}/clip.mp4',
      '/api/streams',
      '/api/cameras',
      '/api/cameras/{camera}/recordings',
      '/api/cameras/{camera}/clip.mp4',
      '/api/stats',
      '/api/events/stream',
      '/api/auth/login',
    ]) {
      assert.ok(doc.paths[path], `${path} documented`);
    }
    const limit = doc.paths['/api/events']?.get?.parameters?.find((p) => p.name === 'limit');
    assert.equal(limit?.schema.maximum, 1000);
    assert.equal((await api.get('/api/docs/', admin)).status, 200);
  });
});
