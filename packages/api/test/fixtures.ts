import type { ClipReady, ObjectEvent } from '@shiriki/bus';
import { eventObjectKeys } from '@shiriki/storage';

/** An object event as the tracker publishes it; `overrides` change any field. */
export function objectEvent(overrides: Partial<ObjectEvent> & { id: string }): ObjectEvent {
  return {
    type: 'new',
    camera: 'front',
    label: 'person',
    score: 0.8,
    top_score: 0.8,
    box: [10, 20, 110, 220],
    zones: [],
    entered_zones: [],
    start_time: 1_780_000_000_000,
    stationary: false,
    ...overrides,
  };
}

/** The clip-ready message the recorder publishes for an event. */
export function clipReady(event: ObjectEvent, overrides: Partial<ClipReady> = {}): ClipReady {
  const keys = eventObjectKeys(event.camera, event.start_time, event.id);
  return {
    event_id: event.id,
    camera: event.camera,
    keys: { clip: keys.clip, snapshot: keys.snapshot, thumbnail: keys.thumbnail, metadata: keys.metadata },
    start: event.start_time - 5000,
    end: (event.end_time ?? event.start_time) + 5000,
    duration_s: 12,
    ...overrides,
  };
}
