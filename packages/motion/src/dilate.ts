import { rowSpans, type RowSpans } from './spans.js';

/**
 * Binary dilation with a (2 * radius + 1) square: a horizontal sliding-window count per row, then the OR of the
 * 2 * radius + 1 horizontally dilated rows around each row. Only the columns between the first and last set
 * pixel (plus the radius) are computed, the rest is cleared with `fill`: motion is usually a small part of a
 * frame. Buffers are allocated once per image size.
 */
export class Dilator {
  private readonly rows: Uint8Array;
  /** Where the rows of `rows` may be set. */
  private readonly rowsSpans: RowSpans;
  /** Where the rows of the last {@link dilate} result may be set. */
  readonly spans: RowSpans;

  constructor(
    private readonly width: number,
    private readonly height: number,
    private readonly radius: number,
  ) {
    this.rows = new Uint8Array(width * height);
    this.rowsSpans = rowSpans(height);
    this.spans = rowSpans(height);
  }

  /**
   * Dilates `source` (0 or 1 per pixel) into `target`, ANDed with `mask` (0 or 255 per pixel) so growth never
   * reaches masked pixels. Returns the number of set pixels in `target`.
   * `sourceSpans`, when given, bound the set pixels of `source`'s rows, so rows are not searched for them.
   */
  dilate(source: Uint8Array, target: Uint8Array, mask: Uint8Array, sourceSpans?: RowSpans): number {
    const { width, height, radius, rows, spans } = this;
    const { start: rowStart, end: rowEnd } = this.rowsSpans;
    for (let y = 0; y < height; y++) {
      const row = y * width;
      let first = 0;
      let end = 0;
      if (sourceSpans) {
        first = sourceSpans.start[y]!;
        end = sourceSpans.end[y]!;
      } else {
        while (first < width && source[row + first] === 0) first++;
        end = width;
        while (end > first && source[row + end - 1] === 0) end--;
      }
      if (first >= end) {
        rowStart[y] = rowEnd[y] = 0;
        rows.fill(0, row, row + width);
        continue;
      }
      const start = first > radius ? first - radius : 0;
      const stop = end + radius < width ? end + radius : width;
      rowStart[y] = start;
      rowEnd[y] = stop;
      rows.fill(0, row, row + start);
      rows.fill(0, row + stop, row + width);
      if (radius === 1) dilateSpanByOne(source, rows, row, start, stop, width);
      else dilateRow(source, rows, row, width, radius);
    }
    let set = 0;
    for (let y = 0; y < height; y++) {
      const row = y * width;
      const first = y > radius ? y - radius : 0;
      const last = y + radius < height ? y + radius : height - 1;
      let start = width;
      let stop = 0;
      for (let k = first; k <= last; k++) {
        if (rowStart[k]! < rowEnd[k]!) {
          if (rowStart[k]! < start) start = rowStart[k]!;
          if (rowEnd[k]! > stop) stop = rowEnd[k]!;
        }
      }
      let count = 0;
      if (start >= stop) {
        spans.start[y] = spans.end[y] = 0;
        target.fill(0, row, row + width);
      } else {
        spans.start[y] = start;
        spans.end[y] = stop;
        target.fill(0, row, row + start);
        target.fill(0, row + stop, row + width);
        if (radius === 1 && last - first === 2) {
          const above = first * width;
          const below = last * width;
          for (let x = start; x < stop; x++) {
            const value = (rows[above + x]! | rows[row + x]! | rows[below + x]!) & mask[row + x]!;
            target[row + x] = value;
            count += value;
          }
        } else {
          for (let x = start; x < stop; x++) {
            let value = 0;
            for (let k = first; k <= last; k++) value |= rows[k * width + x]!;
            value &= mask[row + x]!;
            target[row + x] = value;
            count += value;
          }
        }
      }
      set += count;
    }
    return set;
  }
}

/**
 * `rows[x] = source[x - 1] | source[x] | source[x + 1]` for x in [start, end) of one row; pixels outside the
 * row read as 0.
 */
function dilateSpanByOne(
  source: Uint8Array,
  rows: Uint8Array,
  row: number,
  start: number,
  end: number,
  width: number,
): void {
  let left = start > 0 ? source[row + start - 1]! : 0;
  let centre = source[row + start]!;
  const last = end - 1;
  for (let x = start; x < last; x++) {
    const right = source[row + x + 1]!;
    rows[row + x] = left | centre | right;
    left = centre;
    centre = right;
  }
  rows[row + last] = left | centre | (end < width ? source[row + end]! : 0);
}

/** Horizontal window of one row into `rows`: whether any pixel in [x - radius, x + radius] is set. */
function dilateRow(source: Uint8Array, rows: Uint8Array, row: number, width: number, radius: number): void {
  let count = 0;
  for (let x = 0; x < radius && x < width; x++) count += source[row + x]!;
  const firstFull = Math.min(width, radius + 1);
  const lastFull = width - radius;
  let x = 0;
  for (; x < firstFull; x++) {
    if (x + radius < width) count += source[row + x + radius]!;
    rows[row + x] = count > 0 ? 1 : 0;
  }
  for (; x < lastFull; x++) {
    count += source[row + x + radius]! - source[row + x - radius - 1]!;
    rows[row + x] = count > 0 ? 1 : 0;
  }
  for (; x < width; x++) {
    count -= source[row + x - radius - 1]!;
    rows[row + x] = count > 0 ? 1 : 0;
  }
}
