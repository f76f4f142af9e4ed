import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import {
  Go2rtcApiError,
  Go2rtcClient,
  Go2rtcStreamExistsError,
  Go2rtcUnavailableError,
  rtspUrl,
} from '../src/index.js';
import { startGo2rtc, waitFor, type Go2rtcServer } from '@shiriki/testing';
import { jpegDimensions } from './jpeg.js';
import { startRtspReader } from './media.js';

const SECRET = 'Sup3rSecret!';

// go2rtc refuses `exec:` sources from its API, so streams added here relay the harness's looping
// `person-walk` stream (768x432 H264, 10 fps) over RTSP.
describe('Go2rtcClient against go2rtc', () => {
  let go2rtc: Go2rtcServer;
  let client: Go2rtcClient;
  let personWalk: string;

  before(async () => {
    go2rtc = await startGo2rtc();
    client = new Go2rtcClient({ apiUrl: go2rtc.apiUrl });
    personWalk = go2rtc.rtspUrl('person-walk');
  });
  after(async () => {
    await go2rtc?.dispose();
  });

  test('adds, lists, replaces and deletes a stream', async () => {
    const source = personWalk;
    await client.addStream('lobby', source);

    const streams = await client.listStreams();
    assert.deepEqual(streams.lobby, {
      producers: [{ state: 'idle', url: source, medias: [], receivers: [] }],
      consumers: [],
    });
    assert.deepEqual(await client.getStream('lobby'), streams.lobby);
    await assert.rejects(client.addStream('lobby', source), Go2rtcStreamExistsError);

    const replacement = [personWalk, 'rtsp://127.0.0.1:9/backup'];
    await client.upsertStream('lobby', replacement);
    const updated = await client.getStream('lobby');
    assert.deepEqual(
      updated?.producers.map((producer) => producer.url),
      replacement,
    );

    await client.deleteStream('lobby');
    assert.equal(await client.getStream('lobby'), undefined);
    assert.equal('lobby' in (await client.listStreams()), false);
  });

  test('health reports a connected H264 producer while an RTSP client reads the stream', async () => {
    await client.upsertStream('walk', personWalk);
    assert.deepEqual(await client.streamHealth('walk'), {
      online: false,
      producers: 1,
      consumers: 0,
      codecs: [],
    });

    const reader = await startRtspReader(rtspUrl('walk', `rtsp://127.0.0.1:${go2rtc.rtspPort}`));
    try {
      const health = await waitFor(
        async () => {
          const current = await client.streamHealth('walk');
          return current?.online && (current.bytesReceived ?? 0) > 0 ? current : undefined;
        },
        { what: 'bytes from the walk producer', timeoutMs: 20_000, intervalMs: 200 },
      );
      assert.deepEqual(health.codecs, ['h264']);
      assert.equal(health.producers, 1);
      assert.equal(health.consumers, 1);

      const stream = await client.getStream('walk');
      const producer = stream?.producers[0];
      assert.equal(producer?.state, 'connected');
      assert.equal(producer?.formatName, 'rtsp');
      assert.deepEqual(producer?.medias, ['video, recvonly, H264']);
      assert.ok((producer?.receivers[0]?.packets ?? 0) > 0);
      assert.equal(stream?.consumers[0]?.senders[0]?.codec?.name, 'h264');
    } finally {
      await reader.stop();
    }
    assert.equal(await client.streamHealth('missing'), undefined);
  });

  test('snapshot returns a 768x432 JPEG of the stream', async () => {
    await client.upsertStream('snap', personWalk);
    const jpeg = await client.snapshot('snap', { timeoutMs: 20_000 });
    assert.equal(jpeg.readUInt16BE(0), 0xffd8, 'starts with SOI');
    assert.equal(jpeg.readUInt16BE(jpeg.length - 2), 0xffd9, 'ends with EOI');
    assert.deepEqual(jpegDimensions(jpeg), { width: 768, height: 432 });

    const scaled = await client.snapshot('snap', { width: 384, timeoutMs: 20_000 });
    assert.deepEqual(jpegDimensions(scaled), { width: 384, height: 216 });
  });

  test('a snapshot of a source that cannot connect is an API error, not an empty buffer', async () => {
    await client.upsertStream('dead', `rtsp://admin:${SECRET}@127.0.0.1:9/dead`);
    const error = await rejection(client.snapshot('dead', { timeoutMs: 20_000 }));
    assert.ok(error instanceof Go2rtcApiError);
    assert.equal(error.status, 200, 'go2rtc reports the failure as an empty 200');
    assert.match(error.message, /returned no JPEG for stream "dead"/);
    assertNoSecret(error);
  });

  test('404 and 400 answers become Go2rtcApiError without credentials', async () => {
    await assert.rejects(client.getStream(''), TypeError);
    const notFound = await rejection(client.snapshot('missing'));
    assert.ok(notFound instanceof Go2rtcApiError);
    assert.equal(notFound.status, 404);
    assert.equal(notFound.method, 'GET');
    assert.equal(notFound.url, `${go2rtc.apiUrl}/api/frame.jpeg?src=missing`);

    const unsupported = await rejection(client.upsertStream('bad', `nosuch://admin:${SECRET}@10.0.0.1/x`));
    assert.ok(unsupported instanceof Go2rtcApiError);
    assert.equal(unsupported.status, 400);
    assert.equal(unsupported.body, 'streams: source not supported');
    assert.equal(unsupported.url, `${go2rtc.apiUrl}/api/streams?name=bad&src=nosuch://admin:***@10.0.0.1/x`);
    assertNoSecret(unsupported);

    const withSpaces = await rejection(
      client.upsertStream('bad', `ffmpeg:rtsp://admin:${SECRET}@10.0.0.1/x#raw=-an -sn`),
    );
    assert.ok(withSpaces instanceof Go2rtcApiError);
    assert.equal(withSpaces.status, 400);
    assertNoSecret(withSpaces);
  });
});

describe('Go2rtcClient connection failures', () => {
  let silent: Server;
  let silentPort: number;
  const sockets = new Set<Socket>();

  before(async () => {
    // Accepts connections and never answers, to exercise the timeout.
    silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentPort = (silent.address() as { port: number }).port;
  });
  after(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  test('an unused port is Go2rtcUnavailableError without credentials', async () => {
    const client = new Go2rtcClient({ apiUrl: `http://admin:${SECRET}@127.0.0.1:${await unusedPort()}` });
    const error = await rejection(client.upsertStream('cam', `rtsp://admin:${SECRET}@10.0.0.1/x`));
    assert.ok(error instanceof Go2rtcUnavailableError);
    assert.equal(error.reason, 'network');
    assertNoSecret(error);
  });

  test('a server that never answers is Go2rtcUnavailableError with reason timeout', async () => {
    const client = new Go2rtcClient({ apiUrl: `http://127.0.0.1:${silentPort}`, timeoutMs: 200 });
    const error = await rejection(client.listStreams());
    assert.ok(error instanceof Go2rtcUnavailableError);
    assert.equal(error.reason, 'timeout');
  });
});

describe('Go2rtcClient with basic auth', () => {
  let go2rtc: Go2rtcServer;

  before(async () => {
    go2rtc = await startGo2rtc({ streams: {}, api: { username: 'shiriki', password: SECRET } });
  });
  after(async () => {
    await go2rtc?.dispose();
  });

  test('sends credentials from options or from the URL, and a wrong password is a 401', async () => {
    const fromOptions = new Go2rtcClient({ apiUrl: go2rtc.apiUrl, username: 'shiriki', password: SECRET });
    assert.deepEqual(await fromOptions.listStreams(), {});

    const fromUrl = new Go2rtcClient({
      apiUrl: go2rtc.apiUrl.replace('http://', `http://shiriki:${encodeURIComponent(SECRET)}@`),
    });
    assert.deepEqual(await fromUrl.listStreams(), {});

    const wrong = new Go2rtcClient({ apiUrl: go2rtc.apiUrl, username: 'shiriki', password: 'nope' });
    const error = await rejection(wrong.listStreams());
    assert.ok(error instanceof Go2rtcApiError);
    assert.equal(error.status, 401);
  });
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected a rejection');
}

/** The secret must not leak through the message, any typed field, or the cause chain. */
function assertNoSecret(error: unknown): void {
  for (let current = error; current instanceof Error; current = current.cause) {
    const text = [current.message, current.stack, JSON.stringify({ ...current })].join('\n');
    assert.equal(text.includes(SECRET), false, `${current.name} leaks the password: ${text}`);
    assert.equal(
      text.includes(encodeURIComponent(SECRET)),
      false,
      `${current.name} leaks the encoded password`,
    );
  }
}

async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
