/**
 * Running-average background of the analysis image, kept in floating point so small weights still move it.
 * Frames are compared with it by `StretchBlur.run` (blur.ts), in the same pass that prepares them.
 */
export class RunningBackground {
  readonly mean: Float64Array;
  /** Per pixel: consecutive frames (saturating at 65535) in which it differed from the background. */
  readonly streaks: Uint16Array;
  /**
   * The background as it was before anything stayed: it follows only pixels that match it, so it never takes
   * in a person who stood still. Where the frame matches it but not {@link mean}, a ghost was uncovered.
   */
  readonly settled: Float64Array;
  /** Pixels the last comparison found back at their settled value (set by `StretchBlur.run`). */
  readonly revealed: Uint8Array;

  constructor(pixelCount: number) {
    this.mean = new Float64Array(pixelCount);
    this.streaks = new Uint16Array(pixelCount);
    this.settled = new Float64Array(pixelCount);
    this.revealed = new Uint8Array(pixelCount);
  }

  /** Replaces the background with `frame` and forgets every streak. */
  seed(frame: Uint8Array): void {
    this.mean.set(frame);
    this.settled.set(frame);
    this.streaks.fill(0);
    this.revealed.fill(0);
  }

  /**
   * `mean = (1 - alpha) * mean + alpha * frame`, `mean` as `StretchBlur.run` mapped it; `settled` follows
   * `mean`, and streaks restart.
   */
  blend(frame: Uint8Array, alpha: number): void {
    const { mean, settled } = this;
    for (let i = 0; i < mean.length; i++) {
      const value = mean[i]!;
      mean[i] = value + (frame[i]! - value) * alpha;
      settled[i] = mean[i]!;
    }
    this.streaks.fill(0);
  }

  /**
   * Selective update after a frame compared by `StretchBlur.run`, which has already mapped {@link mean} to the
   * frame's stretch and exposure and updated {@link settled}. Unchanged pixels (`changed[i]` 0) follow the
   * frame with weight `alpha`; changed pixels stay out of the background, so a moving object leaves no trail,
   * until they have been changed for `persistFrames` frames in a row. From then on they are absorbed with
   * weight `absorbAlpha`: whatever stays (a ghost where someone stood, a moved chair, a lighting step) stops
   * being motion within a few frames, while the rest keeps its slow average. Revealed pixels take the settled
   * value.
   */
  update(
    frame: Uint8Array,
    changed: Uint8Array,
    alpha: number,
    persistFrames: number,
    absorbAlpha: number,
  ): void {
    const { mean, streaks, settled, revealed } = this;
    for (let i = 0; i < mean.length; i++) {
      if (revealed[i] !== 0) {
        revealed[i] = 0;
        streaks[i] = 0;
        mean[i] = settled[i]!;
        continue;
      }
      const value = mean[i]!;
      if (changed[i] === 0) {
        streaks[i] = 0;
        mean[i] = value + (frame[i]! - value) * alpha;
      } else {
        const streak = streaks[i]! + 1;
        if (streak < 65536) streaks[i] = streak;
        if (streak >= persistFrames) mean[i] = value + (frame[i]! - value) * absorbAlpha;
      }
    }
  }
}
