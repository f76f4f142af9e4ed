import type { ObjectEvent } from '@shiriki/bus';

/** A tracked object as Frigate puts it in `frigate/events` (times in epoch seconds, boxes in detect pixels). */
export interface FrigateObject {
  id: string;
  camera: string;
  frame_time: number;
  label: string;
  sub_label: null;
  score: number;
  top_score: number;
  false_positive: false;
  start_time: number;
  end_time: number | null;
  box: [number, number, number, number];
  area: number;
  ratio: number;
  region: [number, number, number, number];
  current_zones: string[];
  entered_zones: string[];
  has_clip: boolean;
  has_snapshot: boolean;
  active: boolean;
  stationary: boolean;
  attributes: Record<string, never>;
  current_attributes: never[];
}

export interface FrigateEventMessage {
  type: ObjectEvent['type'];
  before: FrigateObject;
  after: FrigateObject;
}

export interface CameraMedia {
  /** The camera keeps event clips (`record.events.enabled`). */
  clips: boolean;
  /** Snapshots are uploaded for its events (a storage is configured). */
  snapshots: boolean;
}

/**
 * Maps an object event to Frigate's object. shiriki detects on motion regions chosen per frame, so `region`
 * is the object's box; `sub_label` is always null and `attributes` empty (no sub-classifiers yet).
 */
export function toFrigateObject(event: ObjectEvent, media: CameraMedia): FrigateObject {
  const [x1, y1, x2, y2] = event.box;
  const width = Math.max(0, x2 - x1);
  const height = Math.max(0, y2 - y1);
  return {
    id: event.id,
    camera: event.camera,
    frame_time: seconds(event.frame_time ?? event.end_time ?? event.start_time),
    label: event.label,
    sub_label: null,
    score: event.score,
    top_score: event.top_score,
    false_positive: false,
    start_time: seconds(event.start_time),
    end_time: event.end_time === undefined ? null : seconds(event.end_time),
    box: [x1, y1, x2, y2],
    area: Math.round(width * height),
    ratio: height > 0 ? width / height : 0,
    region: [x1, y1, x2, y2],
    current_zones: event.type === 'end' ? [] : event.zones.slice(),
    entered_zones: event.entered_zones.slice(),
    has_clip: media.clips,
    has_snapshot: media.snapshots && event.snapshot !== undefined,
    active: event.type !== 'end' && !event.stationary,
    stationary: event.stationary,
    attributes: {},
    current_attributes: [],
  };
}

/**
 * Frigate's `{type, before, after}`: `before` is the object as the previous message of the same id showed it
 * (the object itself for `new`, or when this bridge did not see the previous one, after a restart).
 */
export function frigateEventMessage(
  event: ObjectEvent,
  after: FrigateObject,
  previous: FrigateObject | undefined,
): FrigateEventMessage {
  return { type: event.type, before: event.type === 'new' || !previous ? after : previous, after };
}

function seconds(ms: number): number {
  return ms / 1000;
}
