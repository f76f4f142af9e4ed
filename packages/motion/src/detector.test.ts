import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '@shiriki/testing';
import { MotionDetector, motionAnalysisSize, type MotionResult } from './detector.js';
import { AreaDownscaler } from './downscale.js';
import { FrameSizeError, InvalidMotionOptionError } from './errors.js';
import type { Box } from '@shiriki/geometry';

const WIDTH = 640;
const HEIGHT = 360;

interface Square {
  x: number;
  y: number;
  size: number;
  luma: number;
}

/** A textured static scene (horizontal ramp plus stripes) with +-noise sensor noise and optional squares. */
class Scene {
  private readonly random = seededRandom(7);
  private readonly background = new Float64Array(WIDTH * HEIGHT);
  /** Noise for two frames; each frame reads it from a random offset, which keeps frame building cheap. */
  private readonly noiseBank = new Int8Array(2 * WIDTH * HEIGHT);
  constructor(
    base: (x: number, y: number) => number = (x, y) => 40 + (150 * x) / WIDTH + 20 * Math.sin(y / 9),
    private readonly noise = 5,
  ) {
    for (let y = 0; y < HEIGHT; y++) {
      for (let x = 0; x < WIDTH; x++) this.background[y * WIDTH + x] = base(x, y);
    }
    for (let i = 0; i < this.noiseBank.length; i++) {
      this.noiseBank[i] = Math.round((this.random() * 2 - 1) * this.noise);
    }
  }

  frame(squares: Square[] = [], offset = 0): Uint8Array {
    const frame = new Uint8Array(WIDTH * HEIGHT);
    const shift = Math.floor(this.random() * WIDTH * HEIGHT);
    for (let i = 0; i < frame.length; i++) {
      const value = this.background[i]! + offset + this.noiseBank[i + shift]!;
      frame[i] = Math.max(0, Math.min(255, value));
    }
    for (const s of squares) {
      for (let y = s.y; y < s.y + s.size; y++) {
        for (let x = s.x; x < s.x + s.size; x++) {
          const value = s.luma + this.noiseBank[y * WIDTH + x + shift]!;
          frame[y * WIDTH + x] = Math.max(0, Math.min(255, value));
        }
      }
    }
    return frame;
  }
}

function calibrate(detector: MotionDetector, scene: Scene, frames = 40): void {
  for (let i = 0; i < frames; i++) detector.detect(scene.frame());
  assert.equal(detector.calibrating, false);
}

function assertBoxNear(box: Box | undefined, expected: Box, tolerance: number): void {
  assert.ok(box, 'expected a motion box');
  for (let i = 0; i < 4; i++) {
    assert.ok(
      Math.abs(box[i]! - expected[i]!) <= tolerance,
      `box ${JSON.stringify(box)} differs from ${JSON.stringify(expected)} by more than ${tolerance}px`,
    );
  }
}

test('a static scene with sensor noise shows no motion once calibrated', () => {
  const scene = new Scene();
  const detector = new MotionDetector(WIDTH, HEIGHT);
  const results: MotionResult[] = [];
  for (let i = 0; i < 120; i++) results.push(detector.detect(scene.frame()));
  assert.ok(results.slice(0, 30).every((r) => r.calibrating && r.boxes.length === 0));
  for (const result of results.slice(30)) {
    assert.equal(result.calibrating, false);
    assert.deepEqual(result.boxes, []);
    assert.equal(result.changedFraction, 0);
  }
});

test('a flat grey scene with noise stays quiet because the contrast gain is capped', () => {
  const quietFrames = (contrastMinRange: number): number => {
    const scene = new Scene(() => 120);
    const detector = new MotionDetector(WIDTH, HEIGHT, { contrastMinRange });
    let quiet = 0;
    for (let i = 0; i < 80; i++) {
      const result = detector.detect(scene.frame());
      if (!result.calibrating && !result.lightning && result.boxes.length === 0) quiet++;
    }
    return quiet;
  };
  assert.equal(quietFrames(32), 50, 'every frame after calibration is quiet');
  // Uncapped, the stretch blows +-5 noise up to full-range flicker that keeps tripping the lightning guard.
  assert.equal(quietFrames(1), 0);
});

test('a moving bright square is boxed in full-frame pixels', () => {
  const scene = new Scene();
  const detector = new MotionDetector(WIDTH, HEIGHT);
  calibrate(detector, scene);
  for (let step = 0; step < 20; step++) {
    const square = { x: 100 + step * 12, y: 150 + step * 3, size: 48, luma: 250 };
    const result = detector.detect(scene.frame([square]));
    assert.equal(result.boxes.length, 1, `step ${step}: ${JSON.stringify(result.boxes)}`);
    const box = result.boxes[0]!;
    // Blur spreads a sharp edge by one analysis pixel (3.6 frame pixels) plus rounding to whole blocks.
    assertBoxNear(box, [square.x, square.y, square.x + square.size, square.y + square.size], 8);
    assert.ok(box[0] <= square.x && box[1] <= square.y, 'box contains the square');
    assert.ok(
      box[2] >= square.x + square.size && box[3] >= square.y + square.size,
      'box contains the square',
    );
  }
});

test('two distant objects give two boxes', () => {
  const scene = new Scene();
  const detector = new MotionDetector(WIDTH, HEIGHT);
  calibrate(detector, scene);
  const left = { x: 40, y: 40, size: 40, luma: 250 };
  const right = { x: 500, y: 260, size: 40, luma: 5 };
  const result = detector.detect(scene.frame([left, right]));
  const boxes = [...result.boxes].sort((a, b) => a[0] - b[0]);
  assert.equal(boxes.length, 2);
  assertBoxNear(boxes[0], [40, 40, 80, 80], 8);
  assertBoxNear(boxes[1], [500, 260, 540, 300], 8);
});

test('changes smaller than contourArea are ignored', () => {
  const scene = new Scene();
  const detector = new MotionDetector(WIDTH, HEIGHT, { contourArea: 200 });
  calibrate(detector, scene);
  const small = { x: 300, y: 150, size: 12, luma: 250 };
  assert.deepEqual(detector.detect(scene.frame([small])).boxes, []);
  const large = { x: 300, y: 150, size: 60, luma: 250 };
  assert.equal(detector.detect(scene.frame([large])).boxes.length, 1);
});

test('motion inside a mask polygon is never reported, motion outside still is', () => {
  const scene = new Scene();
  const leftHalf: [number, number][] = [
    [0, 0],
    [0.5, 0],
    [0.5, 1],
    [0, 1],
  ];
  const detector = new MotionDetector(WIDTH, HEIGHT, { mask: [leftHalf] });
  calibrate(detector, scene);
  for (let step = 0; step < 10; step++) {
    const inside = { x: 60 + step * 10, y: 100, size: 60, luma: 250 };
    assert.deepEqual(detector.detect(scene.frame([inside])).boxes, [], `step ${step}`);
  }
  // A square straddling the mask edge is cut at the edge (x = 320).
  const straddling = { x: 290, y: 100, size: 60, luma: 250 };
  const [box, ...rest] = detector.detect(scene.frame([straddling])).boxes;
  assert.deepEqual(rest, []);
  assertBoxNear(box, [320, 100, 350, 160], 8);
  assert.ok(box![0] >= 316, `box ${JSON.stringify(box)} reaches into the mask`);
});

test('a sudden global brightness jump is lightning: no boxes, background rebuilt, calibration again', () => {
  const scene = new Scene();
  const detector = new MotionDetector(WIDTH, HEIGHT);
  calibrate(detector, scene);
  const flash = detector.detect(scene.frame([], 70));
  assert.equal(flash.lightning, true);
  assert.equal(flash.calibrating, true);
  assert.deepEqual(flash.boxes, []);
  assert.ok(flash.changedFraction > 0.8);
  // The brighter scene is the new normal: calibration runs again, then nothing moves.
  for (let i = 1; i < 30; i++) {
    const result = detector.detect(scene.frame([], 70));
    assert.equal(result.calibrating, true, `frame ${i} after the flash`);
    assert.equal(result.lightning, false);
    assert.deepEqual(result.boxes, []);
  }
  for (let i = 0; i < 20; i++) {
    const result = detector.detect(scene.frame([], 70));
    assert.equal(result.calibrating, false);
    assert.deepEqual(result.boxes, []);
  }
  const square = { x: 200, y: 100, size: 50, luma: 0 };
  assertBoxNear(detector.detect(scene.frame([square], 70)).boxes[0], [200, 100, 250, 150], 8);
});

test('the contrast stretch keeps a low-contrast object detectable', () => {
  // A dim scene spanning ~40 luma levels, and an object only 20 levels brighter than what it covers.
  const dim = (x: number): number => 60 + (40 * x) / WIDTH;
  const object = (step: number) => ({
    x: 150 + step * 8,
    y: 120,
    size: 60,
    luma: Math.round(dim(150 + step * 8) + 20),
  });
  const run = (improveContrast: boolean): number => {
    const scene = new Scene(dim, 2);
    const detector = new MotionDetector(WIDTH, HEIGHT, { improveContrast });
    calibrate(detector, scene, 60);
    let framesWithMotion = 0;
    for (let step = 0; step < 10; step++) {
      if (detector.detect(scene.frame([object(step)])).boxes.length > 0) framesWithMotion++;
    }
    return framesWithMotion;
  };
  assert.equal(run(false), 0, 'a 20-level change is below the threshold of 30 without the stretch');
  assert.equal(run(true), 10);
});

test('a change that stays is absorbed into the background after a while', () => {
  const scene = new Scene();
  const detector = new MotionDetector(WIDTH, HEIGHT, { frameAlpha: 0.05 });
  calibrate(detector, scene);
  const parked = { x: 200, y: 100, size: 60, luma: 250 };
  assert.equal(detector.detect(scene.frame([parked])).boxes.length, 1);
  let frames = 1;
  while (detector.detect(scene.frame([parked])).boxes.length > 0 && frames < 300) frames++;
  assert.ok(frames > 10 && frames < 300, `absorbed after ${frames} frames`);
});

test('reset() starts a new calibration on the next frame', () => {
  const scene = new Scene();
  const detector = new MotionDetector(WIDTH, HEIGHT);
  calibrate(detector, scene);
  detector.reset();
  assert.equal(detector.calibrating, true);
  const result = detector.detect(scene.frame([{ x: 10, y: 10, size: 80, luma: 250 }]));
  assert.equal(result.calibrating, true);
  assert.deepEqual(result.boxes, []);
});

test('the analysis size follows frameHeight and the aspect ratio', () => {
  const detector = new MotionDetector(1920, 1080, { frameHeight: 90 });
  assert.equal(detector.analysisHeight, 90);
  assert.equal(detector.analysisWidth, 160);
  const tiny = new MotionDetector(64, 36);
  assert.equal(tiny.analysisHeight, 36, 'never upscales');
});

test('bad options and short frames are rejected with typed errors', () => {
  assert.throws(() => new MotionDetector(WIDTH, HEIGHT, { threshold: 0 }), InvalidMotionOptionError);
  assert.throws(() => new MotionDetector(WIDTH, HEIGHT, { frameAlpha: 2 }), InvalidMotionOptionError);
  assert.throws(() => new MotionDetector(WIDTH, HEIGHT, { mask: [[[0, 0]]] }), InvalidMotionOptionError);
  assert.throws(() => new MotionDetector(WIDTH, HEIGHT).detect(new Uint8Array(10)), FrameSizeError);
});

test('a square that stops and later leaves leaves no lasting ghost', () => {
  const width = 160;
  const height = 100;
  const detector = new MotionDetector(width, height, { improveContrast: false, calibrationFrames: 5 });
  const frame = (squareAt: number | undefined): Uint8Array => {
    const plane = new Uint8Array(width * height).fill(60);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x += 8) plane[y * width + x] = 120;
    if (squareAt !== undefined) {
      for (let y = 40; y < 60; y++) for (let x = squareAt; x < squareAt + 20; x++) plane[y * width + x] = 220;
    }
    return plane;
  };
  for (let i = 0; i < 10; i++) detector.detect(frame(undefined));
  for (let x = 0; x < 60; x += 5) assert.ok(detector.detect(frame(x)).boxes.length > 0, 'moving square');
  // It stands still long enough to be absorbed, then leaves.
  for (let i = 0; i < 60; i++) detector.detect(frame(60));
  const after = Array.from({ length: 30 }, () => detector.detect(frame(undefined)).boxes.length);
  assert.ok(
    after.slice(3).every((n) => n === 0),
    `ghost motion: ${after.join(',')}`,
  );
});

test('half the image changing for good is absorbed, not lasting motion', () => {
  const width = 160;
  const height = 100;
  const detector = new MotionDetector(width, height, { improveContrast: false, calibrationFrames: 5 });
  const frame = (shifted: boolean): Uint8Array => {
    const plane = new Uint8Array(width * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++)
        plane[y * width + x] = (x < width / 2 && shifted ? 150 : 80) + (x % 7) * 3;
    }
    return plane;
  };
  for (let i = 0; i < 10; i++) detector.detect(frame(false));
  const results = Array.from({ length: 60 }, () => detector.detect(frame(true)));
  assert.ok(results[0]!.boxes.length > 0, 'the change itself is motion');
  const lasting = results.slice(30).filter((r) => r.boxes.length > 0).length;
  assert.equal(lasting, 0, `motion on ${lasting} of the last 30 frames`);
});

test('an exposure step over the whole image is not motion', () => {
  const width = 160;
  const height = 100;
  const detector = new MotionDetector(width, height, { calibrationFrames: 5 });
  const frame = (offset: number): Uint8Array => {
    const plane = new Uint8Array(width * height);
    for (let i = 0; i < plane.length; i++) plane[i] = 40 + ((i * 7) % 150) + offset;
    return plane;
  };
  for (let i = 0; i < 10; i++) detector.detect(frame(0));
  for (let step = 1; step <= 20; step++) detector.detect(frame(step));
  const results = Array.from({ length: 10 }, () => detector.detect(frame(20)));
  assert.ok(results.every((r) => r.boxes.length === 0));
});

test('planes at the analysis size (ffmpeg scaled them) give the same results as full planes, in frame pixels', () => {
  const scene = new Scene();
  const full = new MotionDetector(WIDTH, HEIGHT);
  const small = new MotionDetector(WIDTH, HEIGHT, {}, 'analysis');
  const size = motionAnalysisSize(WIDTH, HEIGHT);
  assert.deepEqual(size, { width: full.analysisWidth, height: full.analysisHeight });
  assert.equal(small.planeSize, size.width * size.height);
  const scaler = new AreaDownscaler(WIDTH, HEIGHT, size.width, size.height);
  const plane = new Uint8Array(size.width * size.height);
  for (let i = 0; i < 60; i++) {
    const squares = i >= 40 ? [{ x: 100 + 8 * (i - 40), y: 120, size: 60, luma: 230 }] : [];
    const frame = scene.frame(squares);
    scaler.downscale(frame, plane);
    const expected = full.detect(frame);
    assert.deepEqual(small.detect(plane), expected, `frame ${i}`);
    if (i >= 42) assert.ok(expected.boxes.length > 0, `the square moves in frame ${i}`);
  }
  assert.throws(() => small.detect(new Uint8Array(plane.length - 1)), FrameSizeError);
});
