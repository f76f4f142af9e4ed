/** Most source rows one output row may cover on the packed path: 16-bit lanes hold at most 257 * 255. */
const MAX_PACKED_ROWS = 257;
const EVEN_BYTES = 0x00ff00ff;

/**
 * Area-average downscaling of an 8-bit plane. Each output pixel averages a whole-pixel block of the source;
 * block edges are computed once, so a frame costs one read of every source byte and no allocation.
 *
 * For each output row the covered source rows are summed per column into running (prefix) sums along the row,
 * so an output pixel is the difference of two prefix sums, however many columns its block spans. When the
 * plane is 4-byte aligned and its width a multiple of 4, the rows are summed four bytes per load: even and odd
 * bytes of each 32-bit word go to two accumulators with two 16-bit lanes each.
 */
export class AreaDownscaler {
  /** Source column where output column `x` starts; entry `width` is the source width. */
  readonly columnEdges: Int32Array;
  /** Source row where output row `y` starts; entry `height` is the source height. */
  readonly rowEdges: Int32Array;
  /** `columnPrefix[c]`: sum over the current block of rows of source columns [0, c). Doubles never overflow. */
  private readonly columnPrefix: Float64Array;
  private readonly inverseColumnCounts: Float64Array;
  private readonly packable: boolean;
  /** 32-bit view of the last packed source's whole buffer: frames cut from one buffer share it. */
  private words: Uint32Array | undefined;

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
    this.columnPrefix = new Float64Array(sourceWidth + 1);
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
    const { width, height, sourceWidth, columnPrefix, columnEdges, rowEdges, inverseColumnCounts } = this;
    const words = this.wordsOf(source);
    const wordOffset = source.byteOffset >> 2;
    for (let y = 0; y < height; y++) {
      const firstRow = rowEdges[y]!;
      const rows = rowEdges[y + 1]! - firstRow;
      if (words) sumRowsPacked(words, wordOffset + firstRow * (sourceWidth >> 2), rows, columnPrefix);
      else sumRows(source, firstRow * sourceWidth, rows, columnPrefix);
      const inverseRows = 1 / rows;
      const outOffset = y * width;
      let start = columnPrefix[0]!;
      for (let x = 0; x < width; x++) {
        const end = columnPrefix[columnEdges[x + 1]!]!;
        target[outOffset + x] = ((end - start) * inverseColumnCounts[x]! * inverseRows + 0.5) | 0;
        start = end;
      }
    }
    // A separate pass: counting inside the loop above costs twice as much (runs of equal values serialise
    // the increments of one bin).
    if (histogram) countValues(target, width * height, histogram);
  }

  /** Full-frame columns [start, end) covered by analysis columns [x1, x2). */
  sourceColumns(x1: number, x2: number): [start: number, end: number] {
    return [this.columnEdges[x1]!, this.columnEdges[x2]!];
  }

  /** Full-frame rows [start, end) covered by analysis rows [y1, y2). */
  sourceRows(y1: number, y2: number): [start: number, end: number] {
    return [this.rowEdges[y1]!, this.rowEdges[y2]!];
  }

  /** A 32-bit view of `source`'s buffer when the packed path applies (little-endian, aligned). */
  private wordsOf(source: Uint8Array): Uint32Array | undefined {
    if (!this.packable || !LITTLE_ENDIAN || source.byteOffset % 4 !== 0) return undefined;
    if (this.words?.buffer !== source.buffer) {
      this.words = new Uint32Array(source.buffer, 0, source.buffer.byteLength >> 2);
    }
    return this.words;
  }
}

/** Prefix sums along the row of the per-column sums of `rows` source rows starting at byte `offset`. */
function sumRows(source: Uint8Array, offset: number, rows: number, prefix: Float64Array): void {
  const stride = prefix.length - 1;
  let running = 0;
  for (let c = 0; c < stride; c++) {
    let column = 0;
    for (let r = 0, i = offset + c; r < rows; r++, i += stride) column += source[i]!;
    running += column;
    prefix[c + 1] = running;
  }
}

/**
 * Same as {@link sumRows} from a 32-bit view, four bytes per load; `offset` counts words. Blocks of three or
 * four rows (640x360 to 100 rows) have an unrolled loop, which halves the cost of the generic one.
 */
function sumRowsPacked(words: Uint32Array, offset: number, rows: number, prefix: Float64Array): void {
  const rowWords = (prefix.length - 1) >> 2;
  const end = offset + rowWords;
  let running = 0;
  let c = 0;
  if (rows === 3 || rows === 4) {
    const fourth = rows === 4;
    for (let i = offset; i < end; i++, c += 4) {
      const a = words[i]!;
      const b = words[i + rowWords]!;
      const d = words[i + 2 * rowWords]!;
      let even = (a & EVEN_BYTES) + (b & EVEN_BYTES) + (d & EVEN_BYTES);
      let odd = ((a >>> 8) & EVEN_BYTES) + ((b >>> 8) & EVEN_BYTES) + ((d >>> 8) & EVEN_BYTES);
      if (fourth) {
        const e = words[i + 3 * rowWords]!;
        even += e & EVEN_BYTES;
        odd += (e >>> 8) & EVEN_BYTES;
      }
      running += even & 0xffff;
      prefix[c + 1] = running;
      running += odd & 0xffff;
      prefix[c + 2] = running;
      running += even >>> 16;
      prefix[c + 3] = running;
      running += odd >>> 16;
      prefix[c + 4] = running;
    }
    return;
  }
  for (let k = offset; k < end; k++, c += 4) {
    let even = 0;
    let odd = 0;
    for (let r = 0, i = k; r < rows; r++, i += rowWords) {
      const word = words[i]!;
      even += word & EVEN_BYTES;
      odd += (word >>> 8) & EVEN_BYTES;
    }
    running += even & 0xffff;
    prefix[c + 1] = running;
    running += odd & 0xffff;
    prefix[c + 2] = running;
    running += even >>> 16;
    prefix[c + 3] = running;
    running += odd >>> 16;
    prefix[c + 4] = running;
  }
}

/** Four interleaved histograms: neighbouring pixels with equal values increment different counters. */
const lanes = new Uint32Array(4 * 256);

/** Counts the first `count` values into `histogram` (256 bins, cleared first). */
export function countValues(values: Uint8Array, count: number, histogram: Uint32Array): void {
  // One counter would serialise runs of equal values (each increment waits for the last one's store).
  lanes.fill(0);
  const whole = count & ~3;
  let i = 0;
  for (; i < whole; i += 4) {
    lanes[values[i]!]!++;
    lanes[256 + values[i + 1]!]!++;
    lanes[512 + values[i + 2]!]!++;
    lanes[768 + values[i + 3]!]!++;
  }
  for (; i < count; i++) lanes[values[i]!]!++;
  for (let v = 0; v < 256; v++)
    histogram[v] = lanes[v]! + lanes[256 + v]! + lanes[512 + v]! + lanes[768 + v]!;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function edges(sourceSize: number, size: number): Int32Array {
  const result = new Int32Array(size + 1);
  for (let i = 0; i <= size; i++) result[i] = Math.round((i * sourceSize) / size);
  return result;
}
