import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MotionDetector, MotionTracker, type MotionResult } from '@shiriki/motion';

const WIDTH = 640;
const HEIGHT = 360;
const FPS = 10; // the clip's frame rate
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const clip = join(
  process.env.SHIRIKI_ASSETS_DIR ?? join(repoRoot, '..', 'shared', 'assets'),
  'media',
  'person-walk.mp4',
);

/**
 * `$SHIRIKI_FFMPEG`, else `@ffmpeg-installer/ffmpeg` from pnpm's hoisted store (this package has no
 * dependency on @shiriki/process, which owns the lookup); undefined when neither exists.
 */
function findFfmpeg(): string | undefined {
  if (process.env.SHIRIKI_FFMPEG) return process.env.SHIRIKI_FFMPEG;
  try {
    const require = createRequire(join(repoRoot, 'node_modules', '.pnpm', 'node_modules', 'noop.js'));
    const path = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
    return existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

/** The first `seconds` of the clip as 640x360 gray frames. */
function decodeGray(ffmpeg: string, seconds: number): Uint8Array[] {
  const frameBytes = WIDTH * HEIGHT;
  const raw = execFileSync(
    ffmpeg,
    [
      '-v',
      'error',
      '-t',
      String(seconds),
      '-i',
      clip,
      '-vf',
      `scale=${WIDTH}:${HEIGHT}`,
      '-pix_fmt',
      'gray',
      '-f',
      'rawvideo',
      'pipe:1',
    ],
    { maxBuffer: (seconds + 1) * FPS * frameBytes },
  );
  const frames: Uint8Array[] = [];
  for (let offset = 0; offset + frameBytes <= raw.length; offset += frameBytes) {
    frames.push(raw.subarray(offset, offset + frameBytes));
  }
  return frames;
}

const ffmpeg = findFfmpeg();

test(
  'person-walk.mp4: the empty room is quiet, the walking person is motion',
  { skip: !ffmpeg && 'ffmpeg not found' },
  () => {
    const frames = decodeGray(ffmpeg!, 16);
    assert.equal(frames.length, 16 * FPS);
    const detector = new MotionDetector(WIDTH, HEIGHT);
    const tracker = new MotionTracker({ offDelayMs: 3000 });
    const results: MotionResult[] = [];
    const transitions = [];
    for (const [index, frame] of frames.entries()) {
      const result = detector.detect(frame);
      results.push(result);
      const transition = tracker.update(result, (index * 1000) / FPS);
      if (transition) transitions.push(transition);
    }
    const seconds = (from: number, to: number) => results.slice(from * FPS, to * FPS);

    // 0-5 s: nobody in the room (the reference annotation has the person from 6 s on).
    for (const result of seconds(3, 5)) {
      assert.equal(result.calibrating, false);
      assert.deepEqual(result.boxes, []);
    }
    // 8-15 s: the person stands at the table, around x 317..433 in 640x360 per the annotation, and moves.
    const walking = seconds(8, 15);
    const withMotion = walking.filter((r) => r.boxes.length > 0);
    assert.ok(
      withMotion.length >= 0.9 * walking.length,
      `${withMotion.length}/${walking.length} frames with motion`,
    );
    for (const result of withMotion) {
      const [x1, , x2] = result.boxes[0]!;
      assert.ok(x1 < 433 && x2 > 317, `box ${JSON.stringify(result.boxes[0])} misses the person`);
    }
    assert.equal(transitions[0]?.type, 'started');
    assert.ok(
      transitions[0].startedAtMs >= 5000 && transitions[0].startedAtMs <= 7000,
      `started at ${transitions[0].startedAtMs}`,
    );
  },
);

test(
  'person-walk.mp4: motion ends when the first person leaves, no ghost stays, the second person starts motion',
  { skip: !ffmpeg && 'ffmpeg not found' },
  () => {
    const frames = decodeGray(ffmpeg!, 52);
    const detector = new MotionDetector(WIDTH, HEIGHT);
    const tracker = new MotionTracker({ offDelayMs: 2000 });
    const results: MotionResult[] = [];
    const transitions = [];
    for (const [index, frame] of frames.entries()) {
      const result = detector.detect(frame);
      results.push(result);
      const transition = tracker.update(result, (index * 1000) / FPS);
      if (transition) transitions.push(transition);
    }
    const describe = transitions
      .map((t) => `${t.type}@${((t.type === 'ended' ? t.endedAtMs : t.startedAtMs) / 1000).toFixed(1)}`)
      .join(' ');
    // Person intervals (person-walk.truth.json): [6, 19], [23, 43], [51, 69] s.
    const [, ended, again] = transitions;
    assert.equal(ended?.type, 'ended', describe);
    assert.ok(ended.endedAtMs >= 19_000 && ended.endedAtMs <= 24_000, describe);
    assert.equal(again?.type, 'started', describe);
    assert.ok(again.startedAtMs >= 21_000 && again.startedAtMs <= 25_000, describe);
    // The gap after the second person: the camera drifts a little near 48 s, everything else is still.
    const gap = results.slice(45 * FPS, 50 * FPS);
    const moving = gap.filter((r) => r.boxes.length > 0).length;
    assert.ok(moving <= 0.5 * gap.length, `motion on ${moving}/${gap.length} frames in 45-50 s`);
    const settled = results.slice(45 * FPS, 48 * FPS).filter((r) => r.boxes.length > 0).length;
    assert.ok(settled <= 0.2 * 3 * FPS, `motion on ${settled}/${3 * FPS} frames in 45-48 s`);
  },
);
