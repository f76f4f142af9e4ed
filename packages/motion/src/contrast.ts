/** Percentiles that bound the stretched range; the outer 4 % on each side saturate. */
const LOW_PERCENTILE = 0.04;
const HIGH_PERCENTILE = 0.96;

/**
 * Contrast stretch through a lookup table. The bounds are the 4th and 96th luma percentiles read from a
 * 256-bin histogram and averaged over recent frames, so a single bright or dark frame cannot swing the
 * mapping (and with it every pixel of the background comparison).
 */
export class ContrastStretcher {
  /** Histogram of the current analysis image; the caller fills it before {@link update}. */
  readonly histogram = new Uint32Array(256);
  /** The current mapping: `table[luma]` is the stretched value. */
  readonly table = new Uint8Array(256);
  private readonly lows: Uint8Array;
  private readonly highs: Uint8Array;
  private filled = 0;
  private next = 0;
  /** Luma mapped to 0 by the current table (after averaging and the minimum-range cap). */
  low = 0;
  /** Luma mapped to 255 by the current table. */
  high = 255;

  constructor(
    historyLength: number,
    private readonly minRange: number,
  ) {
    this.lows = new Uint8Array(historyLength);
    this.highs = new Uint8Array(historyLength);
    this.reset();
  }

  /** Forgets the history; the mapping becomes the identity until the next {@link update}. */
  reset(): void {
    this.filled = 0;
    this.next = 0;
    this.low = 0;
    this.high = 255;
    for (let v = 0; v < 256; v++) this.table[v] = v;
  }

  /** Adds the percentiles of {@link histogram} (over `pixelCount` pixels) to the history and rebuilds the table. */
  update(pixelCount: number): void {
    const low = this.percentile(pixelCount, LOW_PERCENTILE);
    const high = this.percentile(pixelCount, HIGH_PERCENTILE);
    if (low >= high) return; // a single-colour frame says nothing about the scene's range
    this.lows[this.next] = low;
    this.highs[this.next] = high;
    this.next = (this.next + 1) % this.lows.length;
    this.filled = Math.min(this.filled + 1, this.lows.length);
    this.rebuildTable();
  }

  /** `target[i] = table[source[i]] & mask[i]`; mask bytes are 0 (masked) or 255. */
  apply(source: Uint8Array, target: Uint8Array, mask: Uint8Array): void {
    const table = this.table;
    for (let i = 0; i < source.length; i++) target[i] = table[source[i]!]! & mask[i]!;
  }

  private percentile(pixelCount: number, fraction: number): number {
    const rank = Math.floor(fraction * (pixelCount - 1));
    let cumulative = 0;
    for (let v = 0; v < 256; v++) {
      cumulative += this.histogram[v]!;
      if (cumulative > rank) return v;
    }
    return 255;
  }

  private rebuildTable(): void {
    let lowSum = 0;
    let highSum = 0;
    for (let i = 0; i < this.filled; i++) {
      lowSum += this.lows[i]!;
      highSum += this.highs[i]!;
    }
    let low = lowSum / this.filled;
    let high = highSum / this.filled;
    if (high - low < this.minRange) {
      const centre = (low + high) / 2;
      low = Math.max(0, Math.min(centre - this.minRange / 2, 255 - this.minRange));
      high = low + this.minRange;
    }
    this.low = low;
    this.high = high;
    const gain = 255 / (high - low);
    for (let v = 0; v < 256; v++) {
      const stretched = (v - low) * gain;
      this.table[v] = stretched <= 0 ? 0 : stretched >= 255 ? 255 : Math.round(stretched);
    }
  }
}
