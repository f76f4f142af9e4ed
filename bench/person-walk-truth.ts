/**
 * What the benches that count events share: the detections of a sampled clip replayed through
 * `CameraTracker`, and `new` events scored against person-walk's truth file.
 */
import { readFileSync } from 'node:fs';
import type { Detections, ObjectEvent } from '@shiriki/bus';
import { parseConfig } from '@shiriki/config';
import { assetPath } from '@shiriki/testing';
import { CameraTracker, trackerOptionsFromCamera, type ConfirmationRule } from '@shiriki/tracking';

/** Seconds of slack at each end of a truth interval. */
export const SLACK_S = 2;

export interface DetectedFrame {
  timeS: number;
  detections: Detections['detections'];
}

export interface PersonWalkTruth {
  person_intervals_s: [number, number][];
  /** One entry per second t, the clip's frame at t + 0.4 s; boxes `[score, x, y, w, h]` in 768x432 pixels. */
  per_second: { t: number; persons: number; boxes: [number, number, number, number, number][] }[];
}

export function readPersonWalkTruth(): PersonWalkTruth {
  return JSON.parse(readFileSync(assetPath('media/person-walk.truth.json'), 'utf8')) as PersonWalkTruth;
}

/** The `new` events the tracker raises for `frames` of a `detect`-size camera tracking `track`. */
export function replayNewEvents(
  frames: readonly DetectedFrame[],
  detect: { width: number; height: number; fps: number },
  track: string[],
  rule?: ConfirmationRule,
): ObjectEvent[] {
  const config = parseConfig(
    JSON.stringify({
      cameras: { bench: { source: 'rtsp://127.0.0.1:8554/bench', objects: { track } } },
      detect,
      storage: { type: 'local' },
    }),
  );
  const options = trackerOptionsFromCamera(config.cameras.bench!, rule ? { confirmation: rule } : {});
  const tracker = new CameraTracker(options);
  const news: ObjectEvent[] = [];
  for (const [k, frame] of frames.entries()) {
    const message: Detections = {
      camera: 'bench',
      sequence: k + 1,
      capture_time: frame.timeS * 1000,
      width: detect.width,
      height: detect.height,
      detections: frame.detections,
      model: 'bench',
      worker: 'bench',
      inference_ms: 0,
      region_count: 1,
      ...(k > 0 ? { previous_sequence: k } : {}),
    };
    for (const event of tracker.push(message)) if (event.type === 'new') news.push(event);
  }
  return news;
}

export interface AppearanceScore {
  /** Truth intervals with no `new` event. */
  missed: number;
  /** `new` events outside every interval. */
  outside: number;
  /** `new` events beyond the first in an interval. */
  extra: number;
  /** Per interval, the first `new` event in it (undefined when missed). */
  firsts: (ObjectEvent | undefined)[];
}

/** `news` of person-walk's `person` against its truth intervals. */
export function scoreAppearances(news: readonly ObjectEvent[], truth: PersonWalkTruth): AppearanceScore {
  const claimed = new Set<ObjectEvent>();
  const score: AppearanceScore = { missed: 0, outside: 0, extra: 0, firsts: [] };
  for (const [from, to] of truth.person_intervals_s) {
    const inside = news.filter(
      (e) => e.start_time >= (from - SLACK_S) * 1000 && e.start_time <= (to + SLACK_S) * 1000,
    );
    for (const event of inside) claimed.add(event);
    if (inside.length === 0) score.missed++;
    score.extra += Math.max(0, inside.length - 1);
    score.firsts.push(inside[0]);
  }
  score.outside = news.filter((e) => !claimed.has(e)).length;
  return score;
}
