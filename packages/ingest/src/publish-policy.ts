/** Why a frame is sent to the detectors. */
export type PublishReason = 'motion' | 'tracking' | 'idle';

export interface PublishPolicyOptions {
  /** While objects are tracked, send a frame at least this often even without motion (stationary objects). */
  trackedFrameIntervalMs: number;
  /** Objects count as tracked for this long after the last detection that reported any. */
  objectHoldMs: number;
  /** Send a frame this often when nothing happens at all, so a scene is re-checked; 0 turns it off. */
  idleFrameIntervalMs: number;
}

export const PUBLISH_POLICY_DEFAULTS: PublishPolicyOptions = {
  trackedFrameIntervalMs: 1000,
  objectHoldMs: 10_000,
  idleFrameIntervalMs: 0,
};

/**
 * Decides which decoded frames go to the detectors. Inference is the expensive stage, so only frames that
 * can change what is known are sent: every frame with motion, a periodic frame while objects are tracked
 * (so a parked car or a person standing still keeps its track), and optionally a rare idle frame.
 */
export class FramePublishPolicy {
  private objectsUntil = -Infinity;
  private lastPublishedAt = -Infinity;
  private readonly options: PublishPolicyOptions;

  constructor(options: Partial<PublishPolicyOptions> = {}) {
    this.options = { ...PUBLISH_POLICY_DEFAULTS, ...options };
  }

  /** Feed back what the detectors found for this camera. */
  onDetections(atMs: number, objectCount: number): void {
    if (objectCount > 0) this.objectsUntil = Math.max(this.objectsUntil, atMs + this.options.objectHoldMs);
  }

  /** Whether to publish a frame captured at `atMs`, and why; `undefined` to skip it. */
  decide(atMs: number, hasMotion: boolean): PublishReason | undefined {
    const sinceLast = atMs - this.lastPublishedAt;
    let reason: PublishReason | undefined;
    if (hasMotion) reason = 'motion';
    else if (atMs <= this.objectsUntil && sinceLast >= this.options.trackedFrameIntervalMs)
      reason = 'tracking';
    else if (this.options.idleFrameIntervalMs > 0 && sinceLast >= this.options.idleFrameIntervalMs)
      reason = 'idle';
    if (reason !== undefined) this.lastPublishedAt = atMs;
    return reason;
  }
}
