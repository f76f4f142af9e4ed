// When no frame of a camera arrives at all, the tracker cannot tell whether its objects left: ingest, NATS or
// the detectors may be down. What ingest promises decides how long a gap may be before it is an outage.
import type { TrackerOptions } from './options.js';
import type { TrackedObject } from './tracked-object.js';

type SilenceOptions = Pick<
  TrackerOptions,
  'fps' | 'trackedFrameIntervalMs' | 'maxDisappearedMs' | 'stationaryMaxDisappearedMs' | 'silenceHoldMs'
>;

/**
 * The longest gap between frames that is still watching the scene. While a moving real object is open,
 * ingest sends a frame at least every tracked-frame interval, and every stationary refresh while all of them
 * are stationary; no frame for longer means an outage on the way. Without a real object nothing is promised.
 */
export function frameAllowanceMs(objects: readonly TrackedObject[], options: SilenceOptions): number {
  const moving = 3 * Math.max(options.trackedFrameIntervalMs, 1000 / options.fps);
  let real = false;
  for (const object of objects) {
    if (object.phase !== 'real') continue;
    if (!object.stationary) return moving;
    real = true;
  }
  if (!real) return Infinity;
  return Math.max(moving, options.stationaryMaxDisappearedMs - options.maxDisappearedMs);
}

/** The part of a gap of `gapMs` without frames that is an outage, at most `silenceHoldMs`. */
export function silenceMs(gapMs: number, objects: readonly TrackedObject[], options: SilenceOptions): number {
  if (options.silenceHoldMs === 0) return 0;
  return Math.min(Math.max(0, gapMs - frameAllowanceMs(objects, options)), options.silenceHoldMs);
}

/** How long `object` has gone unseen at `time`, outages excluded (`blindNow`: the camera's blind time by then). */
export function unseenMs(object: TrackedObject, time: number, blindNow: number): number {
  return time - object.lastSeen - (blindNow - object.blindAtLastSeen);
}
