import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { liveChildCount } from '@shiriki/process';
import { FfmpegDecoder, FfmpegExitedError, StreamStalledError, type DecoderExit } from '@shiriki/media';
import { captureLogger, PERSON_WALK, recordStates, runFfmpeg, until } from './helpers.js';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

test('an unreachable camera is retried with growing backoff and its password never reaches the logs', async () => {
  const childrenBefore = liveChildCount();
  const logger = captureLogger();
  const port = await closedPort();
  const decoder = new FfmpegDecoder({
    name: 'front-door',
    decode: { inputUrl: `rtsp://user:secret@127.0.0.1:${port}/x`, width: 320, height: 180, fps: 5 },
    logger,
    initialBackoffMs: 100,
    maxBackoffMs: 10_000,
    random: () => 1, // no jitter: the delays are the ceilings
  });
  const states = recordStates(decoder);
  await decoder.start();
  const backoffs = () => states.filter((s) => s.state === 'backoff');
  await until(() => backoffs().length >= 4, 'four failed attempts');
  await decoder.stop();

  assert.deepEqual(
    backoffs().map((s) => s.retryInMs),
    [100, 200, 400, 800],
  );
  for (const change of backoffs()) {
    assert.equal(change.reason, 'Connection refused');
    assert.ok(change.error instanceof FfmpegExitedError);
    assert.equal(change.error.reason, 'Connection refused');
  }
  assert.deepEqual(
    states.slice(0, 4).map((s) => s.state),
    ['starting', 'backoff', 'starting', 'backoff'],
  );
  assert.equal(decoder.stats.restarts, 3);
  assert.equal(decoder.stats.lastErrorReason, 'Connection refused');
  assert.equal(liveChildCount(), childrenBefore);

  const logs = logger.text();
  assert.ok(!logs.includes('secret'), 'the password must not be logged');
  assert.ok(logs.includes(`rtsp://user:***@127.0.0.1:${port}/x`), 'the command line is logged, redacted');
  assert.ok(
    logger.entries.some((e) => e.message.startsWith('ffmpeg: ') && e.message.includes('user:***@')),
    'stderr quoting the URL is logged, redacted',
  );
});

test('stderr logging is rate-limited with a summary of what was suppressed', async () => {
  const logger = captureLogger();
  const decoder = new FfmpegDecoder({
    decode: { inputUrl: `tcp://127.0.0.1:${await closedPort()}`, width: 320, height: 180, fps: 5 },
    logger,
    initialBackoffMs: 1,
    stderrMaxLines: 2,
    stderrWindowMs: 60_000,
  });
  const exits: DecoderExit[] = [];
  decoder.on('exit', (exit) => exits.push(exit));
  await decoder.start();
  await until(() => exits.length >= 3, 'three failed attempts');
  await decoder.stop();

  const stderrLines = logger.entries.filter((e) => e.message.startsWith('ffmpeg: '));
  assert.equal(stderrLines.length, 2);
  const summaries = logger.entries.filter((e) => /^suppressed \d+ ffmpeg stderr lines/.test(e.message));
  assert.ok(summaries.length >= 2, 'each ended run reports its suppressed lines');
});

describeStall();

function describeStall(): void {
  let server: Server;
  let port: number;
  const sockets = new Set<Socket>();
  let connections = 0;

  before(async () => {
    // Ten seconds of MPEG-TS: enough for ffmpeg's stream probing (5 s) to finish and frames to flow.
    const transportStream = await runFfmpeg([
      '-t',
      '10',
      '-i',
      PERSON_WALK,
      '-an',
      '-c:v',
      'copy',
      '-f',
      'mpegts',
      'pipe:1',
    ]);
    server = createServer((socket) => {
      connections++;
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
      // Send everything, then go silent with the connection still open: a camera that froze.
      socket.write(transportStream);
    }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as { port: number }).port;
  });

  after(async () => {
    for (const socket of sockets) socket.destroy();
    server.close();
    await once(server, 'close');
  });

  test('a stream that stops sending is detected as stalled and restarted', async () => {
    const childrenBefore = liveChildCount();
    let frames = 0;
    const exits: DecoderExit[] = [];
    const decoder = new FfmpegDecoder({
      decode: { inputUrl: `tcp://127.0.0.1:${port}`, width: 320, height: 180, fps: 5 },
      logger: captureLogger(),
      stallTimeoutMs: 1500,
      // ffmpeg blocked in a read on a silent socket reads neither `q` nor acts on one SIGTERM (its interrupt
      // callback needs a second signal), so a stall ends in SIGKILL; short graces keep the test quick.
      quitGraceMs: 300,
      termGraceMs: 300,
      initialBackoffMs: 50,
      random: () => 1,
      onFrame: () => void frames++,
    });
    decoder.on('exit', (exit) => exits.push(exit));
    const states = recordStates(decoder);
    await decoder.start();
    await until(
      () => states.filter((s) => s.state === 'streaming').length >= 2,
      'streaming again after a stall',
      30_000,
    );
    await decoder.stop();

    assert.deepEqual(
      states.slice(0, 6).map((s) => s.state),
      ['starting', 'streaming', 'stalled', 'backoff', 'starting', 'streaming'],
    );
    assert.match(states[2]!.reason, /^no frame for \d+ ms$/);
    assert.ok(states[3]!.error instanceof StreamStalledError);
    assert.ok(states[3]!.error.stalledForMs >= 1500);
    assert.equal(exits[0]!.requested, true);
    assert.ok(exits[0]!.frames > 30, `the first run delivered ${exits[0]!.frames} frames`);
    assert.equal(connections, 2);
    assert.equal(decoder.stats.restarts, 1);
    assert.ok(frames > exits[0]!.frames);
    assert.equal(liveChildCount(), childrenBefore);
  });
}
