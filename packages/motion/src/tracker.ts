import { boxArea, unionBox, type Box } from '@shiriki/geometry';
import type { MotionResult } from './detector.js';

/** Tuning of {@link MotionTracker}; defaults in {@link MOTION_TRACKER_DEFAULTS}. */
export interface MotionTrackerOptions {
  /** Consecutive frames with motion boxes before an episode starts; filters one-frame glitches. Default 2. */
  readonly startFrames: number;
  /** Time without motion boxes after which an episode ends. Default 30000 ms. */
  readonly offDelayMs: number;
}

export const MOTION_TRACKER_DEFAULTS: Readonly<MotionTrackerOptions> = Object.freeze({
  startFrames: 2,
  offDelayMs: 30_000,
});

/** A motion episode began: `startFrames` consecutive frames had motion. */
export interface MotionStarted {
  type: 'started';
  /** Timestamp of the first frame of the run that started the episode. */
  startedAtMs: number;
  /** Union of the boxes seen so far in the episode, full-frame pixels. */
  box: Box;
}

/** A motion episode ended: no motion for `offDelayMs`, or the tracker was flushed. */
export interface MotionEnded {
  type: 'ended';
  startedAtMs: number;
  /** Timestamp of the last frame that had motion. */
  lastMotionAtMs: number;
  /** Timestamp at which the end was decided. */
  endedAtMs: number;
  /** Union of every motion box of the episode, full-frame pixels. */
  box: Box;
  /** Largest total box area of one frame in the episode, full-frame square pixels. */
  peakArea: number;
  /** Frames of the episode that had motion. */
  motionFrames: number;
}

export type MotionTransition = MotionStarted | MotionEnded;

/** `idle`: no motion; `pending`: motion, not yet for `startFrames`; `active`: inside an episode. */
export type MotionTrackerState = 'idle' | 'pending' | 'active';

/**
 * Turns per-frame {@link MotionResult}s into motion episodes with a start debounce and an off delay, the
 * transitions a camera publishes as motion alerts.
 */
export class MotionTracker {
  readonly options: MotionTrackerOptions;
  private current: MotionTrackerState = 'idle';
  private startedAtMs = 0;
  private lastMotionAtMs = 0;
  private streak = 0;
  private box: Box = [0, 0, 0, 0];
  private peakArea = 0;
  private motionFrames = 0;

  constructor(options: Partial<MotionTrackerOptions> = {}) {
    this.options = { ...MOTION_TRACKER_DEFAULTS, ...options };
    if (!Number.isInteger(this.options.startFrames) || this.options.startFrames < 1) {
      throw new RangeError(`startFrames must be a positive integer, got ${this.options.startFrames}`);
    }
    if (!(this.options.offDelayMs >= 0)) {
      throw new RangeError(`offDelayMs must be zero or more, got ${this.options.offDelayMs}`);
    }
  }

  get state(): MotionTrackerState {
    return this.current;
  }

  /** Feeds the result for the frame taken at `timestampMs`; returns a transition when one happens. */
  update(result: Pick<MotionResult, 'boxes'>, timestampMs: number): MotionTransition | null {
    if (result.boxes.length > 0) return this.onMotion(result.boxes, timestampMs);
    if (this.current === 'pending') {
      this.current = 'idle';
      this.streak = 0;
    } else if (this.current === 'active' && timestampMs - this.lastMotionAtMs >= this.options.offDelayMs) {
      return this.end(timestampMs);
    }
    return null;
  }

  /** Ends an active episode now (for example when the stream stops); null when none is active. */
  flush(timestampMs: number): MotionEnded | null {
    if (this.current === 'active') return this.end(timestampMs);
    this.current = 'idle';
    this.streak = 0;
    return null;
  }

  private onMotion(boxes: readonly Box[], timestampMs: number): MotionTransition | null {
    let frameBox = boxes[0]!;
    let frameArea = 0;
    for (const box of boxes) {
      frameBox = unionBox(frameBox, box);
      frameArea += boxArea(box);
    }
    if (this.current === 'idle') {
      this.current = 'pending';
      this.startedAtMs = timestampMs;
      this.streak = 0;
      this.box = frameBox;
      this.peakArea = 0;
      this.motionFrames = 0;
    } else {
      this.box = unionBox(this.box, frameBox);
    }
    this.streak++;
    this.motionFrames++;
    this.peakArea = Math.max(this.peakArea, frameArea);
    this.lastMotionAtMs = timestampMs;
    if (this.current === 'pending' && this.streak >= this.options.startFrames) {
      this.current = 'active';
      return { type: 'started', startedAtMs: this.startedAtMs, box: [...this.box] };
    }
    return null;
  }

  private end(timestampMs: number): MotionEnded {
    this.current = 'idle';
    this.streak = 0;
    return {
      type: 'ended',
      startedAtMs: this.startedAtMs,
      lastMotionAtMs: this.lastMotionAtMs,
      endedAtMs: timestampMs,
      box: [...this.box],
      peakArea: this.peakArea,
      motionFrames: this.motionFrames,
    };
  }
}
