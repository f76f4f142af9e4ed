/** Most source rows one output row may cover on the packed path: 16-bit lanes hold at most 257 * 255. */
const MAX_PACKED_ROWS = 257;
const EVEN_BYTES = 0x00ff00ff;

/**
 * Area-average downscaling of an 8-bit plane. Each output pixel averages a whole-pixel block of the source;
 * block edges are computed once, so a frame costs one read of every source byte and no allocation.
 *
 * When the plane is 4-byte aligned and its width a multiple of 4, rows are summed four bytes per load:
 * even and odd bytes of each 32-bit word go to two accumulators with two 16-bit lanes each.
 */
export class AreaDownscaler {
  /** Source column where output column `x` starts; entry `width` is the source width. */
  readonly columnEdges: Int32Array;
  /** Source row where output row `y` starts; entry `height` is the source height. */
  readonly rowEdges: Int32Array;
  private readonly columnSums: Uint32Array;
  private readonly evenLanes: Uint32Array;
  private readonly oddLanes: Uint32Array;
  private readonly inverseColumnCounts: Float64Array;
  private readonly packable: boolean;
  private wordsCache: { source: Uint8Array; words: Uint32Array } | undefined;

  constructor(
    readonly sourceWidth: number,
    readonly sourceHeight: number,
    readonly width: number,
    readonly height: number,
  ) {
    if (width < 1 || height < 1 || width > sourceWidth || height > sourceHeight) {
      throw new RangeError(`cannot area-downscale ${sourceWidth}x${sourceHeight} to ${width}x${height}`);
    }
    this.columnEdges = edges(sourceWidth, width);
    this.rowEdges = edges(sourceHeight, height);
    this.columnSums = new Uint32Array(sourceWidth);
    this.evenLanes = new Uint32Array(sourceWidth >> 2);
    this.oddLanes = new Uint32Array(sourceWidth >> 2);
    this.inverseColumnCounts = new Float64Array(width);
    for (let x = 0; x < width; x++) {
      this.inverseColumnCounts[x] = 1 / (this.columnEdges[x + 1]! - this.columnEdges[x]!);
    }
    this.packable = sourceWidth % 4 === 0 && Math.ceil(sourceHeight / height) + 1 <= MAX_PACKED_ROWS;
  }

  /**
   * Writes the downscaled `source` (stride = source width) into `target` (width x height) and, when given,
   * counts the output values into `histogram` (256 bins, cleared first).
   */
  downscale(source: Uint8Array, target: Uint8Array, histogram?: Uint32Array): void {
    const { width, height, columnSums, columnEdges, rowEdges, inverseColumnCounts } = this;
    const words = this.wordsOf(source);
    histogram?.fill(0);
    for (let y = 0; y < height; y++) {
      const firstRow = rowEdges[y]!;
      const endRow = rowEdges[y + 1]!;
      if (words) this.sumRowsPacked(words, firstRow, endRow);
      else this.sumRows(source, firstRow, endRow);
      const inverseRows = 1 / (endRow - firstRow);
      const outOffset = y * width;
      let c = 0;
      for (let x = 0; x < width; x++) {
        const end = columnEdges[x + 1]!;
        let sum = 0;
        for (; c < end; c++) sum += columnSums[c]!;
        const value = (sum * inverseColumnCounts[x]! * inverseRows + 0.5) | 0;
        target[outOffset + x] = value;
        if (histogram) histogram[value]!++;
      }
    }
  }

  /** Full-frame columns [start, end) covered by analysis columns [x1, x2). */
  sourceColumns(x1: number, x2: number): [start: number, end: number] {
    return [this.columnEdges[x1]!, this.columnEdges[x2]!];
  }

  /** Full-frame rows [start, end) covered by analysis rows [y1, y2). */
  sourceRows(y1: number, y2: number): [start: number, end: number] {
    return [this.rowEdges[y1]!, this.rowEdges[y2]!];
  }

  /** Per-column sums of source rows [firstRow, endRow) into `columnSums`, a byte at a time. */
  private sumRows(source: Uint8Array, firstRow: number, endRow: number): void {
    const { sourceWidth, columnSums } = this;
    let offset = firstRow * sourceWidth;
    for (let c = 0; c < sourceWidth; c++) columnSums[c] = source[offset + c]!;
    for (let row = firstRow + 1; row < endRow; row++) {
      offset += sourceWidth;
      for (let c = 0; c < sourceWidth; c++) columnSums[c]! += source[offset + c]!;
    }
  }

  /** Same as {@link sumRows}, four bytes per load. */
  private sumRowsPacked(words: Uint32Array, firstRow: number, endRow: number): void {
    const { evenLanes, oddLanes, columnSums } = this;
    const rowWords = evenLanes.length;
    let offset = firstRow * rowWords;
    for (let k = 0; k < rowWords; k++) {
      const word = words[offset + k]!;
      evenLanes[k] = word & EVEN_BYTES;
      oddLanes[k] = (word >>> 8) & EVEN_BYTES;
    }
    for (let row = firstRow + 1; row < endRow; row++) {
      offset += rowWords;
      for (let k = 0; k < rowWords; k++) {
        const word = words[offset + k]!;
        evenLanes[k]! += word & EVEN_BYTES;
        oddLanes[k]! += (word >>> 8) & EVEN_BYTES;
      }
    }
    for (let k = 0, c = 0; k < rowWords; k++, c += 4) {
      const even = evenLanes[k]!;
      const odd = oddLanes[k]!;
      columnSums[c] = even & 0xffff;
      columnSums[c + 1] = odd & 0xffff;
      columnSums[c + 2] = even >>> 16;
      columnSums[c + 3] = odd >>> 16;
    }
  }

  /** A 32-bit view of `source` when the packed path applies (little-endian, aligned), cached per plane. */
  private wordsOf(source: Uint8Array): Uint32Array | undefined {
    if (!this.packable || !LITTLE_ENDIAN || source.byteOffset % 4 !== 0) return undefined;
    if (this.wordsCache?.source !== source) {
      const words = new Uint32Array(
        source.buffer,
        source.byteOffset,
        (this.sourceWidth * this.sourceHeight) >> 2,
      );
      this.wordsCache = { source, words };
    }
    return this.wordsCache.words;
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function edges(sourceSize: number, size: number): Int32Array {
  const result = new Int32Array(size + 1);
  for (let i = 0; i <= size; i++) result[i] = Math.round((i * sourceSize) / size);
  return result;
}
