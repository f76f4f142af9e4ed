import type { RowSpans } from './spans.js';

/**
 * Running-average background of the analysis image, kept in floating point so small weights still move it.
 * Frames are compared with it by `StretchBlur.run` (blur.ts), in the same pass that prepares them.
 */
export class RunningBackground {
  readonly mean: Float64Array;
  /** The background the last frame was compared with: {@link mean} mapped to its stretch, before it followed. */
  readonly mapped: Float64Array;
  /** Per pixel: consecutive frames (saturating at 65535) in which it differed from the background. */
  readonly streaks: Uint16Array;
  /**
   * The background as it was before anything stayed: it follows only pixels that match it, so it never takes
   * in a person who stood still. Where the frame matches it but not {@link mean}, a ghost was uncovered.
   */
  readonly settled: Float64Array;
  /** Pixels the last comparison found back at their settled value (set by `StretchBlur.run`). */
  readonly revealed: Uint8Array;
  /** Row y's streaks may be non-zero only in columns [streakStart[y], streakEnd[y]). */
  private readonly streakStart: Int32Array;
  private readonly streakEnd: Int32Array;

  constructor(
    private readonly width: number,
    height: number,
  ) {
    const pixelCount = width * height;
    this.mean = new Float64Array(pixelCount);
    this.mapped = new Float64Array(pixelCount);
    this.streaks = new Uint16Array(pixelCount);
    this.settled = new Float64Array(pixelCount);
    this.revealed = new Uint8Array(pixelCount);
    this.streakStart = new Int32Array(height);
    this.streakEnd = new Int32Array(height);
  }

  /** Replaces the background with `frame` and forgets every streak. */
  seed(frame: Uint8Array): void {
    this.mean.set(frame);
    this.settled.set(frame);
    this.revealed.fill(0);
    this.forgetStreaks();
  }

  /**
   * `mean = (1 - alpha) * mean + alpha * frame`, `mean` as `StretchBlur.run` mapped it (with `followAlpha` 0);
   * `settled` follows `mean`, and streaks restart.
   */
  blend(frame: Uint8Array, alpha: number): void {
    const { mean, settled } = this;
    for (let i = 0; i < mean.length; i++) {
      const value = mean[i]!;
      mean[i] = value + (frame[i]! - value) * alpha;
      settled[i] = mean[i]!;
    }
    this.forgetStreaks();
  }

  /**
   * Selective update after a frame compared by `StretchBlur.run` with `followAlpha` > 0, which has already let
   * the pixels it found unchanged follow the frame, and put the settled value back into revealed ones. What is
   * left is `changed`, the dilated changes (non-zero where changed), set only within `changedSpans`: changed pixels stay out of the background, so a moving object leaves no trail,
   * until they have been changed for `persistFrames` frames in a row. From then on they are absorbed with
   * weight `absorbAlpha`: whatever stays (a ghost where someone stood, a moved chair, a lighting step) stops
   * being motion within a few frames, while the rest keeps its slow average. Other pixels' streaks restart.
   */
  update(
    frame: Uint8Array,
    changed: Uint8Array,
    changedSpans: RowSpans,
    persistFrames: number,
    absorbAlpha: number,
  ): void {
    const { width, mean, mapped, streaks, revealed, streakStart, streakEnd } = this;
    for (let y = 0; y < streakStart.length; y++) {
      const row = y * width;
      let start = changedSpans.start[y]!;
      let end = changedSpans.end[y]!;
      if (streakStart[y]! < streakEnd[y]!) {
        // Last frame's streaks outside this frame's changes restart.
        if (start >= end) {
          start = streakStart[y]!;
          end = streakEnd[y]!;
        } else {
          if (streakStart[y]! < start) start = streakStart[y]!;
          if (streakEnd[y]! > end) end = streakEnd[y]!;
        }
      }
      streakStart[y] = changedSpans.start[y]!;
      streakEnd[y] = changedSpans.end[y]!;
      for (let i = row + start; i < row + end; i++) {
        if (changed[i] === 0 || revealed[i] !== 0) {
          streaks[i] = 0;
          continue;
        }
        const streak = streaks[i]! + 1;
        if (streak < 65536) streaks[i] = streak;
        const value = mapped[i]!;
        mean[i] = streak >= persistFrames ? value + (frame[i]! - value) * absorbAlpha : value;
      }
    }
  }

  private forgetStreaks(): void {
    this.streaks.fill(0);
    this.streakStart.fill(0);
    this.streakEnd.fill(0);
  }
}
