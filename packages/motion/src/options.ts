import { InvalidMotionOptionError } from './errors.js';
import { withoutUndefined } from '@shiriki/options';

/** A point in normalised frame coordinates: 0..1 from the left and top edges. */
export type NormalisedPoint = readonly [x: number, y: number];

/** A closed polygon in normalised frame coordinates; at least three points. */
export type MaskPolygon = readonly NormalisedPoint[];

/** Tuning of {@link MotionDetector}. Every field has a default in {@link MOTION_DEFAULTS}. */
export interface MotionOptions {
  /** Height of the analysis image in pixels; the width follows the frame's aspect ratio. Default 100. */
  readonly frameHeight: number;
  /** Luma difference (1..255) between the frame and the background above which a pixel changed. Default 30. */
  readonly threshold: number;
  /**
   * Smallest region that counts as motion, in analysis pixels, measured like OpenCV's `contourArea` of the
   * region's outer contour (so Frigate's `contour_area` values carry over). Default 10.
   */
  readonly contourArea: number;
  /** Stretch the luma range between the 4th and 96th percentile to 0..255 before comparing. Default true. */
  readonly improveContrast: boolean;
  /** Frames whose percentiles are averaged into the stretch, so one frame cannot swing it. Default 50. */
  readonly contrastHistory: number;
  /**
   * Narrowest luma range the stretch maps to 0..255; caps the gain (255 / range) so flat, noisy scenes are
   * not amplified into false motion. Default 32 (gain at most about 8).
   */
  readonly contrastMinRange: number;
  /** Weight of the current frame in the running-average background once calibrated. Default 0.01. */
  readonly frameAlpha: number;
  /** Weight of the current frame in the background while calibrating. Default 0.2. */
  readonly calibrationAlpha: number;
  /** Frames after start or a reset during which the background settles and no motion is reported. Default 30. */
  readonly calibrationFrames: number;
  /**
   * Consecutive frames a pixel must differ from the background before the background absorbs it (with
   * `absorbAlpha`). Until then changed pixels stay out of the background, so moving objects leave no trail;
   * after it, whatever stays (the ghost where someone stood, a moved chair, an exposure step) stops being
   * motion. Counted per pixel. Default 20.
   */
  readonly persistFrames: number;
  /** Weight of the current frame for pixels changed for `persistFrames` frames or more. Default 0.3. */
  readonly absorbAlpha: number;
  /**
   * Fraction (0..1] of the unmasked image that may change at once before the change is treated as a lighting
   * switch (lightning, IR cut filter, PTZ move): the background is rebuilt and calibration starts again.
   * Default 0.8.
   */
  readonly lightningThreshold: number;
  /**
   * Follow exposure steps: the mean difference between frame and background over the pixels that did not
   * change is added to the background before the next comparison, so auto-exposure and small brightness
   * shifts are not motion. Default true.
   */
  readonly compensateExposure: boolean;
  /** Dilation radius in analysis pixels that joins nearby changed pixels into one region. Default 1 (3x3). */
  readonly dilateRadius: number;
  /** Polygons in normalised coordinates whose pixels never count as motion. Default none. */
  readonly mask: readonly MaskPolygon[];
}

/** Defaults of every motion option; they match Frigate's `motion` config where Frigate has the same knob. */
export const MOTION_DEFAULTS: Readonly<MotionOptions> = Object.freeze({
  frameHeight: 100,
  threshold: 30,
  contourArea: 10,
  improveContrast: true,
  contrastHistory: 50,
  contrastMinRange: 32,
  frameAlpha: 0.01,
  calibrationAlpha: 0.2,
  calibrationFrames: 30,
  persistFrames: 20,
  absorbAlpha: 0.3,
  lightningThreshold: 0.8,
  compensateExposure: true,
  dilateRadius: 1,
  mask: [],
});

/** Fills in defaults and rejects values the detector cannot work with. */
export function resolveMotionOptions(input: Partial<MotionOptions> = {}): MotionOptions {
  const options: MotionOptions = { ...MOTION_DEFAULTS, ...withoutUndefined(input) };
  requireInteger('frameHeight', options.frameHeight, 1, 4096);
  requireInteger('threshold', options.threshold, 1, 255);
  requireNumber('contourArea', options.contourArea, 0, Number.MAX_SAFE_INTEGER);
  requireInteger('contrastHistory', options.contrastHistory, 1, 10_000);
  requireInteger('contrastMinRange', options.contrastMinRange, 1, 255);
  requireNumber('frameAlpha', options.frameAlpha, 0, 1);
  requireNumber('calibrationAlpha', options.calibrationAlpha, 0, 1);
  requireInteger('calibrationFrames', options.calibrationFrames, 0, 1_000_000);
  requireInteger('persistFrames', options.persistFrames, 1, 65_535);
  requireNumber('absorbAlpha', options.absorbAlpha, 0, 1);
  requireNumber('lightningThreshold', options.lightningThreshold, 0, 1);
  requireInteger('dilateRadius', options.dilateRadius, 0, 16);
  options.mask.forEach((polygon, index) => {
    if (polygon.length < 3) {
      throw new InvalidMotionOptionError(`mask[${index}]`, 'a polygon needs at least three points');
    }
    for (const [x, y] of polygon) {
      if (!Number.isFinite(x) || !Number.isFinite(y)) {
        throw new InvalidMotionOptionError(`mask[${index}]`, 'coordinates must be finite numbers');
      }
    }
  });
  return options;
}

function requireNumber(option: string, value: number, min: number, max: number): void {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new InvalidMotionOptionError(option, `expected a number in ${min}..${max}, got ${value}`);
  }
}

function requireInteger(option: string, value: number, min: number, max: number): void {
  requireNumber(option, value, min, max);
  if (!Number.isInteger(value))
    throw new InvalidMotionOptionError(option, `expected an integer, got ${value}`);
}
