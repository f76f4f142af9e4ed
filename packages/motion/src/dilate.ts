/**
 * Binary dilation with a (2 * radius + 1) square: a horizontal then a vertical sliding-window count, both
 * row-major and independent of the radius. Buffers are allocated once per image size.
 */
export class Dilator {
  private readonly rows: Uint8Array;
  private readonly columnCounts: Int32Array;

  constructor(
    private readonly width: number,
    private readonly height: number,
    private readonly radius: number,
  ) {
    this.rows = new Uint8Array(width * height);
    this.columnCounts = new Int32Array(width);
  }

  /**
   * Dilates `source` (0 or 1 per pixel) into `target`, ANDed with `mask` (0 or 255 per pixel) so growth never
   * reaches masked pixels. Returns the number of set pixels in `target`.
   */
  dilate(source: Uint8Array, target: Uint8Array, mask: Uint8Array): number {
    const { width, height, radius, rows, columnCounts } = this;
    for (let y = 0; y < height; y++) this.dilateRow(source, y * width);
    // Vertical window: keep per-column counts of set pixels in rows [y - radius, y + radius].
    columnCounts.fill(0);
    for (let y = 0; y < radius && y < height; y++) addRow(columnCounts, rows, y * width, 1);
    let set = 0;
    for (let y = 0; y < height; y++) {
      if (y + radius < height) addRow(columnCounts, rows, (y + radius) * width, 1);
      if (y > radius) addRow(columnCounts, rows, (y - radius - 1) * width, -1);
      const row = y * width;
      for (let x = 0; x < width; x++) {
        const value = (columnCounts[x]! > 0 ? 1 : 0) & mask[row + x]!;
        target[row + x] = value;
        set += value;
      }
    }
    return set;
  }

  /** Horizontal window of one row into `rows`: running count of set pixels in [x - radius, x + radius]. */
  private dilateRow(source: Uint8Array, row: number): void {
    const { width, radius, rows } = this;
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
}

function addRow(counts: Int32Array, rows: Uint8Array, row: number, sign: 1 | -1): void {
  for (let x = 0; x < counts.length; x++) counts[x]! += sign * rows[row + x]!;
}
