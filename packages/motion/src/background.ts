import { rowSpans, type RowSpans } from './spans.js';

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
  /** Where the rows' streaks may be non-zero: the changes of the last {@link update}. */
  private readonly streakSpans: RowSpans;

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
    this.streakSpans = rowSpans(height);
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
   * Selective update after a frame compared by `StretchBlur.run` with `followAlpha` set to the frame's weight,
   * which has already let the pixels it found unchanged follow the frame, and put the settled value back into
   * revealed ones. What is left is `changed`, the dilated changes (non-zero where changed, only within
   * `changedSpans`): changed pixels stay out of the background, so a moving object leaves no trail, until they
   * have been changed for `persistFrames` frames in a row. From then on they are absorbed with
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
    const { width, mean, mapped, streaks, revealed, streakSpans } = this;
    for (let y = 0; y < streakSpans.start.length; y++) {
      const row = y * width;
      // Last frame's streaks outside this frame's changes restart, so both spans are visited.
      const [start, end] = unionOf(changedSpans, streakSpans, y);
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
    streakSpans.start.set(changedSpans.start);
    streakSpans.end.set(changedSpans.end);
  }

  private forgetStreaks(): void {
    this.streaks.fill(0);
    this.streakSpans.start.fill(0);
    this.streakSpans.end.fill(0);
  }
}

/** The columns of row `y` that either span covers (with what lies between); [0, 0) when both are empty. */
function unionOf(a: RowSpans, b: RowSpans, y: number): [start: number, end: number] {
  const [aStart, aEnd, bStart, bEnd] = [a.start[y]!, a.end[y]!, b.start[y]!, b.end[y]!];
  if (aStart >= aEnd) return [bStart, bEnd];
  if (bStart >= bEnd) return [aStart, aEnd];
  return [Math.min(aStart, bStart), Math.max(aEnd, bEnd)];
}
