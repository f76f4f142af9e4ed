import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FfmpegDecoder,
  JPEG_OUTPUT_FD,
  JpegSplitter,
  decoderArgs,
  type DecodedFrame,
  type DecoderExit,
} from '@shiriki/media';
import { captureLogger, PERSON_WALK, runFfmpeg, until } from './helpers.js';

const WIDTH = 320;
const HEIGHT = 180;
const MOTION_WIDTH = 89;
const MOTION_HEIGHT = 50;
const FPS = 5;
const QUALITY = 4;
const SECONDS = 3;

const JPEG = { quality: QUALITY, motionWidth: MOTION_WIDTH, motionHeight: MOTION_HEIGHT };
const DECODE = {
  inputUrl: PERSON_WALK,
  width: WIDTH,
  height: HEIGHT,
  fps: FPS,
  inputArgs: ['-t', String(SECONDS)],
  jpeg: JPEG,
};

/** The decoder's own argv run once with its two outputs written to files: what each pipe must carry. */
async function direct(): Promise<{ motion: Buffer; jpegs: Buffer[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'shiriki-jpeg-'));
  try {
    const files = {
      'pipe:1': join(dir, 'motion.gray'),
      [`pipe:${JPEG_OUTPUT_FD}`]: join(dir, 'frames.mjpeg'),
    };
    const args = decoderArgs(DECODE).map((arg) => files[arg as keyof typeof files] ?? arg);
    await runFfmpeg(['-y', ...args]);
    const jpegs: Buffer[] = [];
    new JpegSplitter({ onImage: (jpeg) => jpegs.push(jpeg) }).push(
      readFileSync(files[`pipe:${JPEG_OUTPUT_FD}`]),
    );
    return { motion: readFileSync(files['pipe:1']), jpegs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('JPEG output: each frame is the JPEG of the detect-size picture with the gray motion image of the same frame', async () => {
  const { motion: expectedMotion, jpegs: expectedJpegs } = await direct();
  const motionSize = MOTION_WIDTH * MOTION_HEIGHT;
  assert.equal(expectedMotion.length, SECONDS * FPS * motionSize);
  assert.equal(expectedJpegs.length, SECONDS * FPS);

  const frames: DecodedFrame[] = [];
  const exits: DecoderExit[] = [];
  const decoder = new FfmpegDecoder({
    decode: DECODE,
    logger: captureLogger(),
    onFrame: (frame) => void frames.push({ ...frame, data: frame.data.slice() }),
  });
  decoder.on('exit', (exit) => exits.push(exit));
  await decoder.start();
  await until(() => exits.length === 1, 'ffmpeg to reach the end of the file');
  await decoder.stop();

  assert.equal(frames.length, SECONDS * FPS);
  frames.forEach((frame, i) => {
    assert.equal(frame.sequence, i);
    assert.ok(
      Buffer.from(frame.data).equals(expectedMotion.subarray(i * motionSize, (i + 1) * motionSize)),
      `motion ${i}`,
    );
    assert.ok(frame.jpeg?.equals(expectedJpegs[i]!), `jpeg ${i}`);
  });
  assert.equal(decoder.frameSize, motionSize);
  assert.equal(exits[0]!.code, 0);
  const jpegBytes = frames.reduce((sum, frame) => sum + frame.jpeg!.length, 0);
  assert.equal(decoder.stats.bytes, expectedMotion.length + jpegBytes);
  // A JPEG at this quality is a fraction of the raw yuv420p frame.
  assert.ok(
    jpegBytes / frames.length < 0.25 * WIDTH * HEIGHT * 1.5,
    `${jpegBytes / frames.length} bytes a frame`,
  );
});
