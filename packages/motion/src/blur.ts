import type { RowSpans } from './spans.js';

/**
 * Separable [1 2 1] / 4 blur in both directions (the 3x3 binomial kernel, close to a Gaussian with sigma 0.85),
 * in integer arithmetic with replicated borders. `scratch` holds the horizontal pass (width * height entries).
 */
export function blur3x3(
  source: Uint8Array,
  target: Uint8Array,
  scratch: Uint16Array,
  width: number,
  height: number,
): void {
  const last = width - 1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    if (width === 1) {
      scratch[row] = source[row]! * 4;
      continue;
    }
    scratch[row] = source[row]! * 3 + source[row + 1]!;
    for (let x = 1; x < last; x++) {
      const i = row + x;
      scratch[i] = source[i - 1]! + 2 * source[i]! + source[i + 1]!;
    }
    scratch[row + last] = source[row + last - 1]! + source[row + last]! * 3;
  }
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const above = y === 0 ? row : row - width;
    const below = y === height - 1 ? row : row + width;
    for (let x = 0; x < width; x++) {
      // 16 = 4 (horizontal) * 4 (vertical); +8 rounds to nearest.
      target[row + x] = (scratch[above + x]! + 2 * scratch[row + x]! + scratch[below + x]! + 8) >> 4;
    }
  }
}

/**
 * The detector's fused front end: contrast table and mask, then {@link blur3x3}, then (when a background is
 * given) the threshold against it, row by row. Three rows of the horizontal pass live in a small ring, so the
 * stretched and horizontally blurred images are never written out whole and the working set stays in cache.
 * The result equals `blur3x3` of `table[source] & mask` bit for bit.
 */
export class StretchBlur {
  /** Horizontal [1 2 1] sums of three consecutive rows; row r lives at `(r % 3) * width`. */
  private readonly ring: Uint16Array;
  /** Sum of `value - background` over the pixels the last comparing {@link run} found unchanged. */
  residual = 0;
  /** How many unmasked pixels the last comparing {@link run} found unchanged. */
  quietPixels = 0;

  constructor(
    private readonly width: number,
    private readonly height: number,
  ) {
    this.ring = new Uint16Array(3 * width);
  }

  /**
   * Writes the blurred, stretched `source` into `blurred`. With a `comparison`, also compares each pixel with
   * the background (see {@link Comparison}): marks in its `changed` (1 or 0) the unmasked pixels
   * whose blurred value differs from the mapped `mean` by more than the threshold, and sums the differences of
   * the other pixels into {@link residual}. A pixel that differs from `mean` but not from the `settled`
   * background is not changed; it is marked in `revealed` (1, else 0) and takes the settled value.
   */
  run(
    source: Uint8Array,
    table: Uint8Array,
    mask: Uint8Array,
    blurred: Uint8Array,
    comparison?: Comparison,
  ): void {
    const { width, height, ring } = this;
    let residual = 0;
    let quiet = 0;
    if (comparison) {
      // Changes are few: clearing both outputs at once is cheaper than storing a zero for every pixel.
      comparison.changed.fill(0);
      comparison.revealed.fill(0);
    }
    stretchBlurRow(source, table, mask, 0, ring, 0, width);
    for (let y = 0; y < height; y++) {
      const row = y * width;
      if (y + 1 < height)
        stretchBlurRow(source, table, mask, row + width, ring, ((y + 1) % 3) * width, width);
      const above = (y === 0 ? 0 : (y - 1) % 3) * width;
      const middle = (y % 3) * width;
      const below = (y + 1 < height ? (y + 1) % 3 : y % 3) * width;
      // 16 = 4 (horizontal) * 4 (vertical); +8 rounds to nearest.
      if (comparison) {
        // The threshold and both backgrounds' updates in the same loop: each pixel's background values are
        // loaded once, and every further pass over the image costs about a fifth of the detector's time.
        const { mean, mapped, settled, revealed, changed, threshold, scale, shift } = comparison;
        const { settledAlpha, followAlpha, changedSpans } = comparison;
        let first = width;
        let end = 0;
        for (let x = 0; x < width; x++) {
          const i = row + x;
          const value = (ring[above + x]! + 2 * ring[middle + x]! + ring[below + x]! + 8) >> 4;
          blurred[i] = value;
          const background = mean[i]! * scale + shift;
          mapped[i] = background;
          const base = settled[i]! * scale + shift;
          const off = value - base;
          const offSettled = Math.abs(off) > threshold;
          const settledNow = offSettled ? base : base + off * settledAlpha;
          settled[i] = settledNow;
          const delta = value - background;
          if (Math.abs(delta) > threshold) {
            if (offSettled) {
              if (mask[i] !== 0) {
                changed[i] = 1;
                mean[i] = background;
                if (first > x) first = x;
                end = x + 1;
              } else {
                mean[i] = background + delta * followAlpha;
              }
            } else {
              // The frame shows the settled background again: what differs is a ghost, not motion.
              revealed[i] = 1;
              mean[i] = settledNow;
            }
          } else {
            mean[i] = background + delta * followAlpha;
            const unmasked = mask[i]! >> 7;
            residual += delta * unmasked;
            quiet += unmasked;
          }
        }
        changedSpans.start[y] = first < end ? first : 0;
        changedSpans.end[y] = end;
      } else {
        for (let x = 0; x < width; x++) {
          blurred[row + x] = (ring[above + x]! + 2 * ring[middle + x]! + ring[below + x]! + 8) >> 4;
        }
      }
    }
    this.residual = residual;
    this.quietPixels = quiet;
  }
}

/**
 * A comparison of the prepared frame with the background, in {@link StretchBlur.run}. The background is
 * first mapped through `value * scale + shift` (the change of contrast stretch and exposure since the last
 * frame) into `mapped`. `mean` takes the mapped value, moved towards the frame by `followAlpha` where the pixel
 * did not change: the common case of `RunningBackground.update`, which then only corrects the pixels that
 * dilation adds to the changed ones. `settled` is mapped too, and follows the pixels that match it with weight
 * `settledAlpha` (see `RunningBackground.settled`); a revealed pixel's `mean` takes its settled value.
 */
export interface Comparison {
  mean: Float64Array;
  /** Written: the background the frame was compared with. */
  mapped: Float64Array;
  settled: Float64Array;
  /** Written: 1 where the pixel shows the settled background again, else 0. */
  revealed: Uint8Array;
  /** Written: 1 where the pixel changed, else 0. */
  changed: Uint8Array;
  /** Written: the columns of each row that hold its changed pixels. */
  changedSpans: RowSpans;
  threshold: number;
  scale: number;
  shift: number;
  settledAlpha: number;
  /** Weight with which unchanged pixels follow the frame; 0 leaves `mean` mapped (while calibrating). */
  followAlpha: number;
}

/** Horizontal [1 2 1] sums of `table[source] & mask` over the row at `row`, replicated borders, into `out`. */
function stretchBlurRow(
  source: Uint8Array,
  table: Uint8Array,
  mask: Uint8Array,
  row: number,
  out: Uint16Array,
  outOffset: number,
  width: number,
): void {
  let left = table[source[row]!]! & mask[row]!;
  let centre = left;
  const last = width - 1;
  for (let x = 0; x < last; x++) {
    const right = table[source[row + x + 1]!]! & mask[row + x + 1]!;
    out[outOffset + x] = left + 2 * centre + right;
    left = centre;
    centre = right;
  }
  out[outOffset + last] = left + 3 * centre;
}
