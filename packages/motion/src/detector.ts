import { RunningBackground } from './background.js';
import { StretchBlur, type Comparison } from './blur.js';
import { mergeOverlappingBoxes } from './boxes.js';
import { ContrastStretcher } from './contrast.js';
import { Dilator } from './dilate.js';
import { AreaDownscaler, countValues } from './downscale.js';
import { FrameSizeError } from './errors.js';
import { rasteriseMask } from './mask.js';
import { MOTION_DEFAULTS, resolveMotionOptions, type MotionOptions } from './options.js';
import { RegionFinder, type Region } from './regions.js';
import { rowSpans, type RowSpans } from './spans.js';
import type { Box } from '@shiriki/geometry';

/** Below this share of unchanged pixels the exposure step is not measured: too much of the scene moved. */
const MIN_QUIET_FRACTION = 0.25;

/** What {@link MotionDetector.detect} found in one frame. */
export interface MotionResult {
  /** Regions of motion in full-frame pixels, overlapping ones merged; empty while calibrating. */
  boxes: Box[];
  /** Fraction (0..1) of the unmasked analysis image that differs from the background, after dilation. */
  changedFraction: number;
  /** The background is still settling (start, reset or lighting switch), so no motion is reported. */
  calibrating: boolean;
  /** So much changed at once that it was taken for a lighting switch; the background was rebuilt. */
  lightning: boolean;
}

/**
 * Size of the image motion is analysed on for a `width` x `height` frame: `frameHeight` rows (at most the
 * frame's), the width following the aspect ratio. A producer that can scale frames itself (ffmpeg) sends
 * planes of this size, which the detector then takes as they are.
 */
export function motionAnalysisSize(
  width: number,
  height: number,
  frameHeight: number = MOTION_DEFAULTS.frameHeight,
): { width: number; height: number } {
  const analysisHeight = Math.min(frameHeight, height);
  return {
    width: Math.min(width, Math.max(1, Math.round((analysisHeight * width) / height))),
    height: analysisHeight,
  };
}

/**
 * Background-subtraction motion detector for the luma plane of a camera stream, after Frigate's improved
 * detector: area downscale, smoothed percentile contrast stretch, blur, running-average background,
 * threshold, dilation, masked connected regions. All buffers are allocated here; a frame allocates only
 * its result.
 *
 * Planes come at the frame's size (a decoded frame's Y plane), which the detector area-downscales itself,
 * or already at the analysis size ({@link motionAnalysisSize}, `planes: 'analysis'`), e.g. ffmpeg's own
 * area-scaled gray output: then a frame skips the one pass over the full plane, which is most of the cost.
 * Boxes are in frame pixels either way.
 */
export class MotionDetector {
  readonly options: MotionOptions;
  /** Size of the image the detector analyses. */
  readonly analysisWidth: number;
  readonly analysisHeight: number;

  /** Maps analysis pixels to frame pixels; also downscales frame-size planes. */
  private readonly downscaler: AreaDownscaler;
  /** Planes arrive at the analysis size: no downscaling. */
  private readonly analysisPlanes: boolean;
  private readonly stretcher: ContrastStretcher;
  private readonly background: RunningBackground;
  private readonly dilator: Dilator;
  private readonly regions: RegionFinder;
  private readonly mask: Uint8Array;
  private readonly unmaskedPixels: number;
  private readonly smoother: StretchBlur;
  /** The background comparison of every frame; `scale` and `shift` are set per frame. */
  private readonly comparison: Comparison;
  private readonly small: Uint8Array;
  private readonly blurred: Uint8Array;
  private readonly core: Uint8Array;
  /** Where `core`'s rows hold changed pixels (written by the comparison). */
  private readonly coreSpans: RowSpans;
  private readonly grown: Uint8Array;

  private seeded = false;
  private framesSinceReset = 0;
  /** Stretch bounds (luma mapped to 0 and 255) the background's values are expressed in. */
  private backgroundLow = 0;
  private backgroundHigh = 255;
  /** Exposure step measured on the last frame's unchanged pixels, applied to the next comparison. */
  private exposureShift = 0;

  /**
   * `width` and `height` are the full frame's. `detect` expects planes of exactly that size, or with
   * `planes: 'analysis'` of the analysis size.
   */
  constructor(
    readonly width: number,
    readonly height: number,
    options: Partial<MotionOptions> = {},
    planes: 'frame' | 'analysis' = 'frame',
  ) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
      throw new RangeError(`frame size must be positive integers, got ${width}x${height}`);
    }
    this.options = resolveMotionOptions(options);
    const analysis = motionAnalysisSize(width, height, this.options.frameHeight);
    this.analysisHeight = analysis.height;
    this.analysisWidth = analysis.width;
    this.analysisPlanes = planes === 'analysis';
    const pixels = this.analysisWidth * this.analysisHeight;

    this.downscaler = new AreaDownscaler(width, height, this.analysisWidth, this.analysisHeight);
    this.stretcher = new ContrastStretcher(this.options.contrastHistory, this.options.contrastMinRange);
    this.background = new RunningBackground(this.analysisWidth, this.analysisHeight);
    this.dilator = new Dilator(this.analysisWidth, this.analysisHeight, this.options.dilateRadius);
    this.regions = new RegionFinder(this.analysisWidth, this.analysisHeight);
    this.mask = rasteriseMask(this.options.mask, this.analysisWidth, this.analysisHeight);
    this.unmaskedPixels = this.mask.reduce((count, value) => count + (value ? 1 : 0), 0);
    this.smoother = new StretchBlur(this.analysisWidth, this.analysisHeight);
    this.small = new Uint8Array(pixels);
    this.blurred = new Uint8Array(pixels);
    this.core = new Uint8Array(pixels);
    this.grown = new Uint8Array(pixels);
    this.coreSpans = rowSpans(this.analysisHeight);
    const { mean, mapped, settled, revealed } = this.background;
    this.comparison = {
      mean,
      mapped,
      settled,
      revealed,
      changed: this.core,
      changedSpans: this.coreSpans,
      threshold: this.options.threshold,
      scale: 1,
      shift: 0,
      settledAlpha: this.options.frameAlpha,
      followAlpha: 0,
    };
  }

  /** Whether the next frame will still be spent calibrating. */
  get calibrating(): boolean {
    return !this.seeded || this.framesSinceReset < this.options.calibrationFrames;
  }

  /** Bytes `detect` reads of a plane: the frame's or the analysis image's pixels. */
  get planeSize(): number {
    return this.analysisPlanes ? this.small.length : this.width * this.height;
  }

  /**
   * Analyses one frame. `luma` is the Y plane (or gray image) with stride = its width, at the frame's or the
   * analysis size as constructed; a whole yuv420p frame works too, since only the first plane is read.
   */
  detect(luma: Uint8Array): MotionResult {
    const expected = this.planeSize;
    if (luma.length < expected) throw new FrameSizeError(expected, luma.length);
    const { options, background } = this;

    const histogram = options.improveContrast ? this.stretcher.histogram : undefined;
    if (this.analysisPlanes) {
      this.small.set(luma.subarray(0, expected));
      if (histogram) countValues(this.small, expected, histogram);
    } else {
      this.downscaler.downscale(luma, this.small, histogram);
    }
    if (options.improveContrast) this.stretcher.update(this.small.length);

    if (!this.seeded) {
      this.prepare();
      this.rebaseline();
      return { boxes: [], changedFraction: 0, calibrating: true, lightning: false };
    }

    // The stretch follows the scene (a dark coat in the picture lowers its 4th percentile), so the
    // background is mapped from the stretch it was built under to the current one, plus the exposure step
    // measured on the last frame, instead of reporting every such shift as motion.
    const { low, high } = this.stretcher;
    const scale = (this.backgroundHigh - this.backgroundLow) / (high - low);
    const shift = ((this.backgroundLow - low) * 255) / (high - low) + this.exposureShift;
    this.backgroundLow = low;
    this.backgroundHigh = high;

    // Prepare the frame and compare it with the background in one pass, which also maps the background
    // to the current stretch, updates its settled part and lets its unchanged pixels follow the frame.
    const smoother = this.smoother;
    const comparison = this.comparison;
    comparison.scale = scale;
    comparison.shift = shift;
    // Calibration blends the whole frame in afterwards, so the mapped background must stay as it is.
    const calibrated = this.framesSinceReset >= options.calibrationFrames;
    comparison.followAlpha = calibrated ? options.frameAlpha : 0;
    smoother.run(this.small, this.stretcher.table, this.mask, this.blurred, comparison);
    this.exposureShift =
      options.compensateExposure && smoother.quietPixels >= this.unmaskedPixels * MIN_QUIET_FRACTION
        ? smoother.residual / smoother.quietPixels
        : 0;
    const changed = this.dilator.dilate(this.core, this.grown, this.mask, this.coreSpans);
    const changedFraction = this.unmaskedPixels > 0 ? changed / this.unmaskedPixels : 0;

    if (changedFraction > options.lightningThreshold && changed > 0) {
      // The whole scene changed at once: comparing against the old background would report everything.
      this.stretcher.reset();
      if (options.improveContrast) this.stretcher.update(this.small.length);
      this.prepare();
      this.rebaseline();
      return { boxes: [], changedFraction, calibrating: true, lightning: true };
    }

    if (!calibrated) {
      this.framesSinceReset++;
      background.blend(this.blurred, options.calibrationAlpha);
      return { boxes: [], changedFraction, calibrating: true, lightning: false };
    }

    const boxes =
      changed > 0
        ? mergeOverlappingBoxes(
            this.regions
              .find(this.grown, this.core, options.contourArea, this.dilator.spans)
              .map((r) => this.toFrameBox(r)),
          )
        : [];
    background.update(
      this.blurred,
      this.grown,
      this.dilator.spans,
      options.persistFrames,
      options.absorbAlpha,
    );
    return { boxes, changedFraction, calibrating: false, lightning: false };
  }

  /** Forgets the background and contrast history; the next frame starts a new calibration. */
  reset(): void {
    this.seeded = false;
    this.framesSinceReset = 0;
    this.stretcher.reset();
  }

  /** Stretch (with the mask folded in) and blur `small` into `blurred`. */
  private prepare(): void {
    this.smoother.run(this.small, this.stretcher.table, this.mask, this.blurred);
  }

  /** Makes the current prepared frame the background and restarts calibration. */
  private rebaseline(): void {
    this.background.seed(this.blurred);
    this.backgroundLow = this.stretcher.low;
    this.backgroundHigh = this.stretcher.high;
    this.exposureShift = 0;
    this.seeded = true;
    this.framesSinceReset = 1;
  }

  private toFrameBox(region: Region): Box {
    const [x1, x2] = this.downscaler.sourceColumns(region.x1, region.x2);
    const [y1, y2] = this.downscaler.sourceRows(region.y1, region.y2);
    return [x1, y1, x2, y2];
  }
}
