import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Go2rtcClient, ensureStreams, rtspUrl } from '../src/index.js';
import { resolveFfmpegPath } from '@shiriki/process';
import { loopingFileSource, startGo2rtc, waitFor, type Go2rtcServer } from '@shiriki/testing';
import { PERSON_WALK, startRtspReader } from './media.js';
import type { LogSink } from '@shiriki/telemetry';

// go2rtc loads `front` from its config file and expands the placeholder; the API shows the value as `***`.
const FRONT_SOURCE = 'rtsp://admin:${SHIRIKI_TEST_FRONT_PASSWORD}@127.0.0.1:9/front';

// `walk` comes from the config file as an `exec:` source (go2rtc refuses those from its API), so it is both
// the looping clip the API-added streams relay over RTSP and a redirected source that hides itself once
// connected.
describe('ensureStreams against go2rtc', () => {
  let go2rtc: Go2rtcServer;
  let client: Go2rtcClient;
  let walk: string;
  const messages: string[] = [];
  const record =
    (level: string) =>
    (fields: object, message?: string): void => {
      messages.push(`${level} ${String((fields as { stream?: unknown }).stream)} ${message}`);
    };
  const logger: LogSink = {
    debug: () => undefined,
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
  };

  before(async () => {
    go2rtc = await startGo2rtc({
      streams: {
        front: FRONT_SOURCE,
        manual: 'rtsp://127.0.0.1:9/manual',
        walk: loopingFileSource(resolveFfmpegPath(), PERSON_WALK),
      },
      env: { SHIRIKI_TEST_FRONT_PASSWORD: 'front-secret' },
    });
    client = new Go2rtcClient({ apiUrl: go2rtc.apiUrl });
    walk = go2rtc.rtspUrl('walk');
  });
  after(async () => {
    await go2rtc?.dispose();
  });

  test('adds missing streams, keeps matching ones and is idempotent', async () => {
    assert.deepEqual(
      (await client.getStream('front'))?.producers[0]?.url,
      'rtsp://admin:***@127.0.0.1:9/front',
    );
    const cameras = {
      front: { source: FRONT_SOURCE },
      back: { source: walk },
      yard: { source: [walk, 'rtsp://127.0.0.1:9/yard'] },
    };

    const first = await ensureStreams(client, cameras, logger);
    assert.deepEqual(first, {
      added: ['back', 'yard'],
      updated: [],
      unchanged: ['front'],
      unverified: [],
      failed: [],
    });
    assert.deepEqual(messages, ['info back added go2rtc stream', 'info yard added go2rtc stream']);

    const second = await ensureStreams(client, cameras, logger);
    assert.deepEqual(second, {
      added: [],
      updated: [],
      unchanged: ['front', 'back', 'yard'],
      unverified: [],
      failed: [],
    });

    const streams = await client.listStreams();
    assert.deepEqual(
      Object.keys(streams).sort(),
      ['back', 'front', 'manual', 'walk', 'yard'],
      'other streams stay',
    );
  });

  test('a stream go2rtc refuses is reported and the other cameras are still added', async () => {
    const refused = loopingFileSource(resolveFfmpegPath(), PERSON_WALK);
    const result = await ensureStreams(
      client,
      { refused: { source: refused }, after_refused: { source: walk } },
      logger,
    );
    assert.deepEqual(result.added, ['after_refused']);
    assert.equal(result.failed.length, 1);
    assert.equal(result.failed[0]?.stream, 'refused');
    assert.ok(await client.getStream('after_refused'));
    assert.equal(await client.getStream('refused'), undefined);
  });

  test('replaces a stream whose sources changed', async () => {
    const cameras = {
      front: { source: 'rtsp://admin:${SHIRIKI_TEST_FRONT_PASSWORD}@127.0.0.1:9/front-hd' },
      back: { source: walk },
      yard: { source: walk },
    };
    messages.length = 0;
    const result = await ensureStreams(client, cameras, logger);
    assert.deepEqual(result, {
      added: [],
      updated: ['front', 'yard'],
      unchanged: ['back'],
      unverified: [],
      failed: [],
    });
    assert.ok(
      messages.includes(
        'warn front go2rtc will not expand ${VAR} placeholders in a stream added through its API',
      ),
    );
    assert.deepEqual(
      (await client.getStream('yard'))?.producers.map((producer) => producer.url),
      [walk],
    );
    assert.deepEqual(await ensureStreams(client, cameras), {
      added: [],
      updated: [],
      unchanged: ['front', 'back', 'yard'],
      unverified: [],
      failed: [],
    });
  });

  test('leaves a stream in use alone when go2rtc hides its source, and checks it again once idle', async () => {
    const reader = await startRtspReader(rtspUrl('walk', `rtsp://127.0.0.1:${go2rtc.rtspPort}`));
    // The last test: afterwards `walk` points at nothing, which no other test reads.
    const changed = { walk: { source: 'rtsp://127.0.0.1:9/walk' } };
    try {
      await waitFor(async () => (await client.streamHealth('walk'))?.online, {
        what: 'a connected walk producer',
        timeoutMs: 20_000,
        intervalMs: 200,
      });
      assert.deepEqual(await ensureStreams(client, changed), {
        added: [],
        updated: [],
        unchanged: [],
        unverified: ['walk'],
        failed: [],
      });
    } finally {
      await reader.stop();
    }
    await waitFor(async () => (await client.streamHealth('walk'))?.online === false, {
      what: 'walk to go idle',
      timeoutMs: 20_000,
      intervalMs: 200,
    });
    assert.deepEqual(await ensureStreams(client, changed), {
      added: [],
      updated: ['walk'],
      unchanged: [],
      unverified: [],
      failed: [],
    });
  });
});
