/** Running-average background of the analysis image, kept in floating point so small weights still move it. */
export class RunningBackground {
  readonly mean: Float32Array;

  constructor(pixelCount: number) {
    this.mean = new Float32Array(pixelCount);
  }

  /** Replaces the background with `frame`. */
  seed(frame: Uint8Array): void {
    this.mean.set(frame);
  }

  /** `mean = (1 - alpha) * mean + alpha * frame`. */
  blend(frame: Uint8Array, alpha: number): void {
    const mean = this.mean;
    for (let i = 0; i < mean.length; i++) mean[i]! += (frame[i]! - mean[i]!) * alpha;
  }

  /**
   * Marks in `changed` (1 or 0) the unmasked pixels whose luma differs from the background by more than
   * `threshold`; mask bytes are 0 (masked) or 255.
   */
  compare(frame: Uint8Array, threshold: number, mask: Uint8Array, changed: Uint8Array): void {
    const mean = this.mean;
    for (let i = 0; i < mean.length; i++) {
      const delta = frame[i]! - mean[i]!;
      changed[i] = (delta > threshold || delta < -threshold ? 1 : 0) & mask[i]!;
    }
  }
}
