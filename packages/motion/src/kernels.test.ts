import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunningBackground } from './background.js';
import { blur3x3, StretchBlur } from './blur.js';
import { mergeOverlappingBoxes } from './boxes.js';
import { ContrastStretcher } from './contrast.js';
import { Dilator } from './dilate.js';
import { AreaDownscaler, countValues } from './downscale.js';
import { rasteriseMask, UNMASKED } from './mask.js';
import { RegionFinder } from './regions.js';
import type { Box } from '@shiriki/geometry';

function randomBytes(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

test('area downscale averages whole-pixel blocks, packed and byte paths agree', () => {
  const [w, h, ow, oh] = [64, 30, 17, 8];
  const plane = randomBytes(w * h + 1, 3);
  const aligned = plane.subarray(0, w * h);
  const unaligned = plane.subarray(1, w * h + 1);
  const downscaler = new AreaDownscaler(w, h, ow, oh);
  for (const source of [aligned, unaligned]) {
    const target = new Uint8Array(ow * oh);
    const histogram = new Uint32Array(256);
    downscaler.downscale(source, target, histogram);
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        const [c0, c1] = downscaler.sourceColumns(x, x + 1);
        const [r0, r1] = downscaler.sourceRows(y, y + 1);
        let sum = 0;
        for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) sum += source[r * w + c]!;
        assert.equal(target[y * ow + x], Math.round(sum / ((r1 - r0) * (c1 - c0))), `pixel ${x},${y}`);
      }
    }
    assert.equal(
      histogram.reduce((a, b) => a + b, 0),
      ow * oh,
    );
    assert.equal(histogram[target[0]!]! > 0, true);
  }
  assert.deepEqual(downscaler.sourceColumns(0, ow), [0, w]);
  assert.deepEqual(downscaler.sourceRows(0, oh), [0, h]);
});

test('contrast stretch maps the 4th..96th percentiles to 0..255 and averages over its history', () => {
  const stretcher = new ContrastStretcher(4, 8);
  const image = new Uint8Array(1000);
  for (let i = 0; i < image.length; i++) image[i] = 50 + Math.floor((i * 100) / image.length); // 50..149
  const fill = (source: Uint8Array) => {
    stretcher.histogram.fill(0);
    for (const v of source) stretcher.histogram[v]!++;
    stretcher.update(source.length);
  };
  fill(image);
  assert.deepEqual([stretcher.low, stretcher.high], [53, 145]);
  const out = new Uint8Array(3);
  stretcher.apply(Uint8Array.of(20, 100, 200), out, new Uint8Array(3).fill(UNMASKED));
  assert.deepEqual([...out], [0, Math.round(((100 - 53) * 255) / 92), 255]);
  stretcher.apply(Uint8Array.of(20, 100, 200), out, Uint8Array.of(UNMASKED, 0, UNMASKED));
  assert.equal(out[1], 0, 'masked pixels come out 0');
  // With the history full, one very dark frame (percentiles 1 and 38) moves the bounds by a quarter.
  for (let i = 0; i < 3; i++) fill(image);
  fill(Uint8Array.from({ length: 1000 }, (_, i) => Math.floor((i * 40) / 1000)));
  assert.deepEqual([stretcher.low, stretcher.high], [(3 * 53 + 1) / 4, (3 * 145 + 38) / 4]);
});

test('blur3x3 keeps flat areas, smooths a spike with the binomial kernel', () => {
  const source = new Uint8Array(25).fill(100);
  source[12] = 200;
  const target = new Uint8Array(25);
  blur3x3(source, target, new Uint16Array(25), 5, 5);
  assert.equal(target[0], 100);
  assert.equal(target[12], 125); // 100 + 100 * 4/16
  assert.equal(target[7], Math.round(100 + (100 * 2) / 16));
  assert.equal(target[6], Math.round(100 + 100 / 16));
});

test('StretchBlur equals stretch, mask and blur3x3 run separately, and compares with the mapped background', () => {
  for (const [w, h] of [
    [17, 9],
    [1, 5],
    [6, 1],
    [2, 2],
  ] as const) {
    const source = randomBytes(w * h, 11 + w);
    const stretcher = new ContrastStretcher(3, 16);
    for (const v of source) stretcher.histogram[v]!++;
    stretcher.update(source.length);
    const mask = randomBytes(w * h, 5).map((v) => (v < 40 ? 0 : UNMASKED));
    const stretched = new Uint8Array(w * h);
    stretcher.apply(source, stretched, mask);
    const expected = new Uint8Array(w * h);
    blur3x3(stretched, expected, new Uint16Array(w * h), w, h);

    const smoother = new StretchBlur(w, h);
    const blurred = new Uint8Array(w * h);
    smoother.run(source, stretcher.table, mask, blurred);
    assert.deepEqual(blurred, expected, `${w}x${h}`);

    const mean = Float64Array.from(randomBytes(w * h, 17), (v) => v + 0.25);
    const settled = Float64Array.from(randomBytes(w * h, 23), (v) => v - 0.5);
    for (const followAlpha of [0, 0.125]) {
      const comparison = {
        mean: mean.slice(),
        mapped: new Float64Array(w * h),
        settled: settled.slice(),
        revealed: new Uint8Array(w * h).fill(9),
        changed: new Uint8Array(w * h).fill(7),
        changedSpans: { start: new Int32Array(h).fill(-3), end: new Int32Array(h).fill(-3) },
        threshold: 20,
        scale: 0.5,
        shift: 3,
        settledAlpha: 0.25,
        followAlpha,
      };
      blurred.fill(0);
      smoother.run(source, stretcher.table, mask, blurred, comparison);
      assert.deepEqual(blurred, expected, `${w}x${h} with threshold`);
      expected.forEach((value, i) => {
        const mapped = mean[i]! * 0.5 + 3;
        const base = settled[i]! * 0.5 + 3;
        const offMean = Math.abs(value - mapped) > 20;
        const offSettled = Math.abs(value - base) > 20;
        const changed = offMean && offSettled && mask[i] !== 0;
        const revealed = offMean && !offSettled;
        const settledNow = offSettled ? base : base + (value - base) * 0.25;
        const at = `${w}x${h} pixel ${i}, follow ${followAlpha}`;
        assert.equal(comparison.mapped[i], mapped, `${at}: mapped`);
        assert.equal(comparison.settled[i], settledNow, `${at}: settled`);
        assert.equal(comparison.changed[i], changed ? 1 : 0, `${at}: changed`);
        assert.equal(comparison.revealed[i], revealed ? 1 : 0, `${at}: revealed`);
        const followed = mapped + (value - mapped) * followAlpha;
        assert.equal(comparison.mean[i], revealed ? settledNow : changed ? mapped : followed, `${at}: mean`);
      });
      for (let y = 0; y < h; y++) {
        const columns = [...comparison.changed.subarray(y * w, (y + 1) * w)].flatMap((c, x) =>
          c ? [x] : [],
        );
        const span = columns.length === 0 ? [0, 0] : [Math.min(...columns), Math.max(...columns) + 1];
        const { start, end } = comparison.changedSpans;
        assert.deepEqual([start[y], end[y]], span, `${w}x${h} row ${y}`);
      }
    }
  }
});

test('comparison plus update move the background as the plain per-pixel rule does, frame after frame', () => {
  const [w, h] = [19, 13];
  const [threshold, settledAlpha, alpha, persist, absorb] = [12, 0.05, 0.1, 3, 0.3];
  const mask = randomBytes(w * h, 31).map((v) => (v < 30 ? 0 : UNMASKED));
  const identity = Uint8Array.from({ length: 256 }, (_, v) => v);
  const background = new RunningBackground(w, h);
  const smoother = new StretchBlur(w, h);
  const dilator = new Dilator(w, h, 1);
  const blurred = new Uint8Array(w * h);
  const changed = new Uint8Array(w * h);
  const grown = new Uint8Array(w * h);
  const spans = { start: new Int32Array(h), end: new Int32Array(h) };
  const comparison = {
    mean: background.mean,
    mapped: background.mapped,
    settled: background.settled,
    revealed: background.revealed,
    changed,
    changedSpans: spans,
    threshold,
    scale: 1,
    shift: 0,
    settledAlpha,
    followAlpha: alpha,
  };
  const scene = randomBytes(w * h, 41);
  background.seed(scene);
  const mean = Float64Array.from(scene);
  const settled = Float64Array.from(scene);
  const streaks = new Uint16Array(w * h);
  for (let step = 0; step < 12; step++) {
    // A block that moves and then stays put, over a scene whose exposure drifts.
    const frame = scene.map((v, i) => {
      const [x, y] = [i % w, Math.floor(i / w)];
      const bx = Math.min(step, 7);
      return x >= bx && x < bx + 5 && y >= 3 && y < 8 ? 250 - (v >> 3) : v;
    });
    const [scale, shift] = [1 + (step % 3) * 0.01, (step % 4) - 1.5];
    Object.assign(comparison, { scale, shift });
    smoother.run(frame, identity, mask, blurred, comparison);
    dilator.dilate(changed, grown, mask, spans);
    background.update(blurred, grown, dilator.spans, persist, absorb);

    const core = new Uint8Array(w * h);
    const revealed = new Uint8Array(w * h);
    const mapped = new Float64Array(w * h);
    for (let i = 0; i < w * h; i++) {
      const value = blurred[i]!;
      mapped[i] = mean[i]! * scale + shift;
      const base = settled[i]! * scale + shift;
      const offSettled = Math.abs(value - base) > threshold;
      settled[i] = offSettled ? base : base + (value - base) * settledAlpha;
      const offMean = Math.abs(value - mapped[i]!) > threshold;
      revealed[i] = offMean && !offSettled ? 1 : 0;
      core[i] = offMean && offSettled && mask[i] ? 1 : 0;
    }
    const expectedGrown = new Uint8Array(w * h);
    new Dilator(w, h, 1).dilate(core, expectedGrown, mask);
    for (let i = 0; i < w * h; i++) {
      const value = blurred[i]!;
      if (revealed[i]) {
        mean[i] = settled[i]!;
        streaks[i] = 0;
      } else if (!expectedGrown[i]) {
        mean[i] = mapped[i]! + (value - mapped[i]!) * alpha;
        streaks[i] = 0;
      } else {
        streaks[i] = Math.min(streaks[i]! + 1, 65535);
        mean[i] = streaks[i]! >= persist ? mapped[i]! + (value - mapped[i]!) * absorb : mapped[i]!;
      }
    }
    assert.deepEqual(background.settled, settled, `step ${step}: settled`);
    assert.deepEqual(background.streaks, streaks, `step ${step}: streaks`);
    assert.deepEqual(background.mean, mean, `step ${step}: mean`);
  }
  assert.ok(
    streaks.some((s) => s >= persist),
    'the block stayed long enough to be absorbed',
  );
});

test('dilation matches a brute-force square maximum for any radius, and respects the mask', () => {
  const [w, h] = [23, 11];
  const source = randomBytes(w * h, 9).map((v) => (v > 235 ? 1 : 0));
  const mask = new Uint8Array(w * h).fill(UNMASKED);
  mask.fill(0, 0, w); // first row masked
  for (const radius of [0, 1, 2, 4, 30]) {
    const target = new Uint8Array(w * h);
    const dilator = new Dilator(w, h, radius);
    const spans = { start: new Int32Array(h), end: new Int32Array(h) };
    for (let y = 0; y < h; y++) {
      const row = [...source.subarray(y * w, (y + 1) * w)];
      [spans.start[y], spans.end[y]] = row.includes(1) ? [row.indexOf(1), row.lastIndexOf(1) + 1] : [0, 0];
    }
    const count = dilator.dilate(source, target, mask);
    const counted = new Uint8Array(w * h);
    assert.equal(dilator.dilate(source, counted, mask, spans), count, 'the source spans give the same count');
    assert.deepEqual(counted, target, `radius ${radius}: the source spans give the same result`);
    let expectedCount = 0;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let any = 0;
        for (let dy = -radius; dy <= radius; dy++) {
          for (let dx = -radius; dx <= radius; dx++) {
            const [sx, sy] = [x + dx, y + dy];
            if (sx >= 0 && sx < w && sy >= 0 && sy < h && source[sy * w + sx]) any = 1;
          }
        }
        const expected = y === 0 ? 0 : any;
        expectedCount += expected;
        assert.equal(target[y * w + x], expected, `radius ${radius} at ${x},${y}`);
      }
    }
    assert.equal(count, expectedCount);
    for (let y = 0; y < h; y++) {
      const [start, end] = [dilator.spans.start[y]!, dilator.spans.end[y]!];
      target.subarray(y * w, (y + 1) * w).forEach((value, x) => {
        if (value)
          assert.ok(x >= start && x < end, `radius ${radius} row ${y}: ${x} outside [${start}, ${end})`);
      });
    }
  }
  const empty = new Uint8Array(w * h);
  const stale = new Uint8Array(w * h).fill(1);
  assert.equal(new Dilator(w, h, 1).dilate(empty, stale, mask), 0);
  assert.deepEqual(stale, empty, 'empty rows are cleared');
});

test('regions are 8-connected, measured like contourArea, boxed by their core pixels', () => {
  const w = 12;
  const rows = [
    '............',
    '.###........',
    '.###....#...',
    '.###.....#..',
    '............',
    '......#.....',
  ];
  const grown = Uint8Array.from(rows.join(''), (c) => (c === '#' ? 1 : 0));
  const core = new Uint8Array(grown.length);
  core[2 * w + 2] = 1; // the 3x3 block grew from its centre
  core[2 * w + 8] = 1;
  core[3 * w + 9] = 1;
  core[5 * w + 6] = 1;
  const regions = new RegionFinder(w, rows.length).find(grown, core, 0);
  assert.deepEqual(regions, [
    { x1: 2, y1: 2, x2: 3, y2: 3, area: 4 }, // OpenCV: a 3x3 block's contour encloses 2x2
    { x1: 8, y1: 2, x2: 10, y2: 4, area: 0 }, // diagonal neighbours join
    { x1: 6, y1: 5, x2: 7, y2: 6, area: 0 },
  ]);
  assert.deepEqual(grown.filter((v) => v === 1).length, 0, 'every changed pixel was visited');
  grown.forEach((v, i) => (grown[i] = v ? 1 : 0));
  assert.equal(new RegionFinder(w, rows.length).find(grown, core, 1).length, 1);
  grown.forEach((v, i) => (grown[i] = v ? 1 : 0));
  const spans = {
    start: Int32Array.from(rows, (row) => Math.max(0, row.indexOf('#'))),
    end: Int32Array.from(rows, (row) => row.lastIndexOf('#') + 1),
  };
  assert.deepEqual(new RegionFinder(w, rows.length).find(grown, core, 0, spans), regions);
});

test('overlapping boxes merge transitively, separate ones stay', () => {
  const boxes: Box[] = [
    [0, 0, 10, 10],
    [20, 0, 30, 10],
    [9, 9, 21, 12],
    [100, 100, 110, 110],
  ];
  assert.deepEqual(mergeOverlappingBoxes(boxes), [
    [0, 0, 30, 12],
    [100, 100, 110, 110],
  ]);
  assert.deepEqual(
    mergeOverlappingBoxes([
      [0, 0, 10, 10],
      [10, 0, 20, 10],
    ]).length,
    2,
    'touching is not overlapping',
  );
});

test('mask polygons are rasterised by pixel centre', () => {
  const mask = rasteriseMask(
    [
      [
        [0, 0],
        [0.5, 0],
        [0.5, 0.5],
        [0, 0.5],
      ],
    ],
    4,
    4,
  );
  assert.deepEqual([...mask].map((v) => (v ? '.' : 'x')).join(''), 'xx..' + 'xx..' + '....' + '....');
});

test('countValues counts the first count values, whatever the count modulo 4, and clears the histogram first', () => {
  const values = randomBytes(1003, 31).map((v) => (v < 128 ? 7 : v)); // long runs of one value
  const histogram = new Uint32Array(256).fill(99);
  for (const count of [0, 1, 2, 3, 4, 5, 1000, 1003]) {
    countValues(values, count, histogram);
    const expected = new Uint32Array(256);
    for (let i = 0; i < count; i++) expected[values[i]!]!++;
    assert.deepEqual(histogram, expected, `count ${count}`);
  }
});
