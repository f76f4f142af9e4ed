import { test } from 'node:test';
import assert from 'node:assert/strict';
import { liveChildCount } from '@shiriki/process';
import { FfmpegDecoder, frameSizeOf, type DecodedFrame, type DecoderExit } from '@shiriki/media';
import { captureLogger, PERSON_WALK, recordStates, runFfmpeg, until } from './helpers.js';

const WIDTH = 320;
const HEIGHT = 180;
const FPS = 5;
/**
 * The restart after the end of the file, pushed beyond the test: with the default 1 s, a loaded machine could
 * restart ffmpeg and hand over more frames before the test stops the decoder (seen once in CI: 21 frames of 20).
 */
const NO_RESTART_MS = 60_000;

test('a file decodes in real time into whole frames identical to a direct ffmpeg decode', async () => {
  const seconds = 3;
  const expected = await runFfmpeg([
    ...['-t', String(seconds), '-i', PERSON_WALK],
    ...[
      '-an',
      '-vf',
      `fps=${FPS},scale=${WIDTH}:${HEIGHT}`,
      '-pix_fmt',
      'yuv420p',
      '-f',
      'rawvideo',
      'pipe:1',
    ],
  ]);
  const frameSize = frameSizeOf(WIDTH, HEIGHT);
  assert.equal(expected.length % frameSize, 0);

  const frames: DecodedFrame[] = [];
  const exits: DecoderExit[] = [];
  const decoder = new FfmpegDecoder({
    decode: {
      inputUrl: PERSON_WALK,
      width: WIDTH,
      height: HEIGHT,
      fps: FPS,
      inputArgs: ['-re', '-t', String(seconds)],
    },
    logger: captureLogger(),
    initialBackoffMs: NO_RESTART_MS,
    // Frames are only valid during the call: keep copies.
    onFrame: (frame) => void frames.push({ ...frame, data: frame.data.slice() }),
  });
  decoder.on('exit', (exit) => exits.push(exit));
  const states = recordStates(decoder);
  const startedAt = Date.now();
  await decoder.start();
  await until(() => exits.length === 1, 'ffmpeg to reach the end of the file');
  const elapsedMs = Date.now() - startedAt;
  await decoder.stop();

  assert.equal(frames.length, expected.length / frameSize);
  assert.equal(frames.length, seconds * FPS);
  frames.forEach((frame, i) => {
    assert.equal(frame.sequence, i);
    assert.equal(frame.data.length, frameSize);
    assert.equal(
      Buffer.compare(frame.data, expected.subarray(i * frameSize, (i + 1) * frameSize)),
      0,
      `frame ${i}`,
    );
    if (i > 0) assert.ok(frame.receivedAt >= frames[i - 1]!.receivedAt);
  });
  assert.ok(elapsedMs >= (seconds - 1) * 1000, `-re paces the file in real time (took ${elapsedMs} ms)`);
  assert.deepEqual(
    { code: exits[0]!.code, reason: exits[0]!.reason, requested: exits[0]!.requested },
    { code: 0, reason: 'end of stream', requested: false },
  );
  assert.deepEqual(
    states.map((s) => s.state),
    ['starting', 'streaming', 'backoff', 'stopped'],
  );
  assert.equal(decoder.stats.frames, frames.length);
  assert.equal(decoder.stats.bytes, expected.length);
  assert.equal(decoder.stats.framesDropped, 0);
});

test('a slow consumer still gets every frame, whole, before the exit is reported', async () => {
  // No -re and a slow handler: ffmpeg writes faster than the handler takes frames, so its last frames are
  // still in the socket when it exits.
  const seconds = 4;
  const frameSize = frameSizeOf(WIDTH, HEIGHT);
  let frames = 0;
  let exitFrames = -1;
  let framesAtExit = -1;
  const decoder = new FfmpegDecoder({
    decode: {
      inputUrl: PERSON_WALK,
      width: WIDTH,
      height: HEIGHT,
      fps: FPS,
      inputArgs: ['-t', String(seconds)],
    },
    logger: captureLogger(),
    initialBackoffMs: NO_RESTART_MS,
    onFrame: (frame) => {
      assert.equal(frame.data.length, frameSize);
      frames++;
      const busyUntil = Date.now() + 40;
      while (Date.now() < busyUntil); // a busy synchronous handler
    },
  });
  decoder.on('exit', (exit) => {
    exitFrames = exit.frames;
    framesAtExit = frames;
  });
  await decoder.start();
  await until(() => exitFrames >= 0, 'ffmpeg to reach the end of the file');
  await decoder.stop();
  assert.equal(framesAtExit, seconds * FPS, 'every frame was handled before the exit was reported');
  assert.equal(exitFrames, seconds * FPS);
  assert.equal(decoder.stats.bytes, seconds * FPS * frameSize);
  assert.equal(decoder.stats.framesDropped, 0);
});

test('cameras faster than the detect rate give the detect rate, slower ones their own, never a repeated frame', async () => {
  const seconds = 4;
  // testsrc2 draws a frame counter, so no two of its frames are alike.
  const pattern = (fps: number) => `testsrc2=size=${WIDTH}x${HEIGHT}:rate=${fps}:duration=${seconds}`;
  for (const [camera, source, expected] of [
    ['12.5 fps', pattern(12.5), seconds * FPS],
    ['25 fps', pattern(25), seconds * FPS],
    ['3 fps', pattern(3), seconds * 3],
    // A camera at the detect rate whose timestamps wander by up to 80 ms (of 200): every frame still counts.
    ['jittery 5 fps', `${pattern(FPS)},settb=1/1000,setpts=N/${FPS}/TB+0.08*sin(N*1.7)/TB`, seconds * FPS],
  ] as const) {
    const frames: Uint8Array[] = [];
    let exited = false;
    const decoder = new FfmpegDecoder({
      decode: {
        inputUrl: source,
        width: WIDTH,
        height: HEIGHT,
        fps: FPS,
        inputArgs: ['-f', 'lavfi'],
      },
      logger: captureLogger(),
      onFrame: (frame) => void frames.push(frame.data.slice()),
    });
    decoder.on('exit', () => (exited = true));
    await decoder.start();
    await until(() => exited, 'ffmpeg to reach the end of the test pattern');
    await decoder.stop();
    assert.ok(
      Math.abs(frames.length - expected) <= 1,
      `${camera} camera: ${frames.length} frames, expected ${expected}`,
    );
    for (let i = 1; i < frames.length; i++) {
      assert.notEqual(Buffer.compare(frames[i]!, frames[i - 1]!), 0, `${camera} camera: frame ${i} repeats`);
    }
  }
});

test('stop() while streaming quits ffmpeg with q, leaves no child and delivers no later frame', async () => {
  const childrenBefore = liveChildCount();
  let framesAfterStop = 0;
  let stopped = false;
  let frames = 0;
  const exits: DecoderExit[] = [];
  const quitGraceMs = 4000;
  const decoder = new FfmpegDecoder({
    decode: { inputUrl: PERSON_WALK, width: WIDTH, height: HEIGHT, fps: FPS, inputArgs: ['-re'] },
    logger: captureLogger(),
    quitGraceMs,
    onFrame: () => {
      frames++;
      if (stopped) framesAfterStop++;
    },
  });
  decoder.on('exit', (exit) => exits.push(exit));
  await decoder.start();
  assert.equal(liveChildCount(), childrenBefore + 1);
  await until(() => frames >= 3, 'a few frames');
  assert.equal(decoder.state, 'streaming');

  const stopStartedAt = Date.now();
  stopped = true;
  await decoder.stop();
  const stopMs = Date.now() - stopStartedAt;

  assert.equal(exits.length, 1);
  assert.equal(exits[0]!.signal, null, 'ended by q, not by a signal');
  assert.equal(exits[0]!.code, 0);
  assert.equal(exits[0]!.requested, true);
  assert.ok(stopMs < quitGraceMs, `stop took ${stopMs} ms`);
  assert.equal(decoder.state, 'stopped');
  assert.equal(liveChildCount(), childrenBefore);
  assert.equal(framesAfterStop, 0);
});

test('after healthyAfterMs of frames the backoff starts over at initialBackoffMs', async () => {
  const decoder = new FfmpegDecoder({
    decode: {
      inputUrl: PERSON_WALK,
      width: WIDTH,
      height: HEIGHT,
      fps: FPS,
      inputArgs: ['-re', '-t', '1.5'],
    },
    logger: captureLogger(),
    healthyAfterMs: 500,
    initialBackoffMs: 100,
    random: () => 1,
  });
  const states = recordStates(decoder);
  await decoder.start();
  await until(() => states.filter((s) => s.state === 'backoff').length >= 2, 'two runs to end');
  await decoder.stop();
  // Without the reset the second delay would be 200 ms.
  assert.deepEqual(
    states.filter((s) => s.state === 'backoff').map((s) => s.retryInMs),
    [100, 100],
  );
});
