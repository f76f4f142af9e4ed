/** Why a frame is sent to the detectors. */
export type PublishReason = 'motion' | 'tracking' | 'stationary' | 'idle';

export interface PublishPolicyOptions {
  /**
   * While a tracked object that is not stationary is in view, send a frame at least this often even without
   * motion (a person standing still keeps its track). `ingest.tracked_frame_interval_s`.
   */
  trackedFrameIntervalMs: number;
  /**
   * While every object in view is stationary, send a frame this often to confirm they are still there.
   * `detect.stationary.interval_frames` frames at the detect fps.
   */
  stationaryFrameIntervalMs: number;
  /**
   * An object not heard of for this long is forgotten (its `end` was lost, or its tracker died and no other
   * took over). Several event heartbeats, so a healthy long-lived object is never forgotten.
   */
  objectHoldMs: number;
  /** Send a frame this often when nothing happens at all, so a scene is re-checked; 0 turns it off. */
  idleFrameIntervalMs: number;
  /**
   * For this long after the camera starts here, objects may be open that this worker never heard of (their
   * `new` came while another worker, or this one before a restart, had the camera): frames go out at the
   * tracked interval as if a moving object were in view, so the tracker sees such objects leave rather than
   * taking the quiet for an outage. `detect.silence_hold_s` plus `detect.max_disappeared_s`; 0 turns it off.
   */
  unknownObjectsMs: number;
}

export const PUBLISH_POLICY_DEFAULTS: PublishPolicyOptions = {
  trackedFrameIntervalMs: 1000,
  stationaryFrameIntervalMs: 10_000,
  objectHoldMs: 150_000,
  idleFrameIntervalMs: 0,
  unknownObjectsMs: 0,
};

/** What the tracker said of one of the camera's objects: an object event, reduced to what matters here. */
export interface TrackedObjectNews {
  id: string;
  type: 'new' | 'update' | 'end';
  stationary: boolean;
}

/**
 * Decides which decoded frames go to the detectors. Inference is the expensive stage, so only frames that
 * can change what is known are sent: every frame with motion; while the tracker reports objects (from its
 * object events, so only tracked labels that passed the filters count), a periodic frame, rarer once all of
 * them are stationary; and optionally a rare idle frame.
 */
export class FramePublishPolicy {
  private readonly objects = new Map<string, { stationary: boolean; heardAt: number }>();
  private lastPublishedAt = -Infinity;
  private firstDecisionAt: number | undefined;
  private readonly options: PublishPolicyOptions;

  constructor(options: Partial<PublishPolicyOptions> = {}) {
    this.options = { ...PUBLISH_POLICY_DEFAULTS, ...options };
  }

  /** Feed back the tracker's object events of this camera. */
  onObjectEvent(atMs: number, news: TrackedObjectNews): void {
    if (news.type === 'end') this.objects.delete(news.id);
    else this.objects.set(news.id, { stationary: news.stationary, heardAt: atMs });
  }

  /** Objects the policy believes are in view at `atMs`. */
  trackedObjects(atMs: number): { moving: number; stationary: number } {
    const counts = { moving: 0, stationary: 0 };
    for (const [id, object] of this.objects) {
      if (atMs - object.heardAt > this.options.objectHoldMs) this.objects.delete(id);
      else if (object.stationary) counts.stationary++;
      else counts.moving++;
    }
    return counts;
  }

  /** Whether to publish a frame captured at `atMs`, and why; `undefined` to skip it. */
  decide(atMs: number, hasMotion: boolean): PublishReason | undefined {
    const sinceLast = atMs - this.lastPublishedAt;
    this.firstDecisionAt ??= atMs;
    let reason: PublishReason | undefined;
    if (hasMotion) reason = 'motion';
    else {
      const unknown = atMs - this.firstDecisionAt < this.options.unknownObjectsMs ? 1 : 0;
      const tracked = this.trackedObjects(atMs);
      const moving = tracked.moving + unknown;
      const stationary = tracked.stationary;
      const { trackedFrameIntervalMs, stationaryFrameIntervalMs, idleFrameIntervalMs } = this.options;
      if (moving > 0 && sinceLast >= trackedFrameIntervalMs) reason = 'tracking';
      else if (moving === 0 && stationary > 0 && sinceLast >= stationaryFrameIntervalMs)
        reason = 'stationary';
      else if (idleFrameIntervalMs > 0 && sinceLast >= idleFrameIntervalMs) reason = 'idle';
    }
    if (reason !== undefined) this.lastPublishedAt = atMs;
    return reason;
  }
}
