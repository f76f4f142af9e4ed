/**
 * Running-average background of the analysis image, kept in floating point so small weights still move it.
 * Frames are compared with it by `StretchBlur.run` (blur.ts), in the same pass that prepares them.
 */
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
}
