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
   * background is not changed; it is marked in `revealed` instead, so the caller can put the settled value back.
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
        // The threshold and the settled background's update in the same loop: each pixel's background
        // values are loaded once, and a second pass over the row costs a quarter more.
        const { mean, settled, revealed, changed, threshold, scale, shift, settledAlpha } = comparison;
        for (let x = 0; x < width; x++) {
          const i = row + x;
          const value = (ring[above + x]! + 2 * ring[middle + x]! + ring[below + x]! + 8) >> 4;
          blurred[i] = value;
          const mapped = mean[i]! * scale + shift;
          mean[i] = mapped;
          const base = settled[i]! * scale + shift;
          const off = value - base;
          const offSettled = off > threshold || off < -threshold;
          settled[i] = offSettled ? base : base + off * settledAlpha;
          const delta = value - mapped;
          if (delta > threshold || delta < -threshold) {
            if (offSettled) {
              changed[i] = 1 & mask[i]!;
            } else {
              // The frame shows the settled background again: what differs is a ghost, not motion.
              changed[i] = 0;
              revealed[i] = 1;
            }
          } else {
            changed[i] = 0;
            const unmasked = mask[i]! >> 7;
            residual += delta * unmasked;
            quiet += unmasked;
          }
        }
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
 * frame), and `mean` keeps the mapped values, ready for `RunningBackground.update`. `settled` is mapped too,
 * and follows the pixels that match it with weight `settledAlpha` (see `RunningBackground.settled`).
 */
export interface Comparison {
  mean: Float64Array;
  settled: Float64Array;
  revealed: Uint8Array;
  /** Written: 1 where the pixel changed, else 0. */
  changed: Uint8Array;
  threshold: number;
  scale: number;
  shift: number;
  settledAlpha: number;
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
