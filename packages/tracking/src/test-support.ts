import { ObjectEventSchema, type Detections, type ObjectEvent } from '@shiriki/bus';
import { DEFAULT_OBJECT_FILTER, TRACKER_DEFAULTS, type TrackerOptions } from './options.js';
import type { Box } from '@shiriki/geometry';

/** Test fixtures shared by the unit tests of this package (not part of the public API). */
export const T0 = 1_700_000_000_000;
export const FRAME_MS = 200;

export function testOptions(overrides: Partial<TrackerOptions> = {}): TrackerOptions {
  let counter = 0;
  return {
    camera: 'cam',
    track: ['person', 'car'],
    filters: { person: DEFAULT_OBJECT_FILTER, car: DEFAULT_OBJECT_FILTER },
    zones: {},
    fps: 5,
    minInitializedFrames: 2,
    maxDisappearedMs: 5000,
    stationaryAfterMs: 10_000,
    stationaryMaxDisappearedMs: 25_000,
    // Silence counts as unseen time unless a test is about outages.
    silenceHoldMs: 0,
    ...TRACKER_DEFAULTS,
    reorderWindowFrames: 0,
    idFactory: (c) => `${c.camera}-${c.label}-${(counter += 1)}`,
    ...overrides,
  };
}

export type Det = readonly [label: string, score: number, box: Box];

export function frame(
  sequence: number,
  detections: readonly Det[],
  options: { time?: number; width?: number; height?: number; regionCount?: number } = {},
): Detections {
  return {
    camera: 'cam',
    sequence,
    capture_time: options.time ?? T0 + sequence * FRAME_MS,
    width: options.width ?? 640,
    height: options.height ?? 360,
    detections: detections.map(([label, score, box]) => ({
      label,
      label_id: label === 'person' ? 0 : 2,
      score,
      box: [box[0], box[1], box[2], box[3]],
    })),
    model: 'test',
    worker: 'w1',
    inference_ms: 5,
    region_count: options.regionCount ?? 1,
  };
}

/** Parses every event with the bus schema (throws on a mismatch) and returns them. */
export function validated(events: ObjectEvent[]): ObjectEvent[] {
  for (const event of events) ObjectEventSchema.parse(event);
  return events;
}

/** A box `w` x `h` with its top-left corner at (x, y). */
export function box(x: number, y: number, w = 40, h = 100): Box {
  return [x, y, x + w, y + h];
}
