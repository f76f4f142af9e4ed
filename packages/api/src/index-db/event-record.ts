import type { PixelBox } from '@shiriki/bus';

/** One event as the index keeps it and the API returns it. Times are epoch milliseconds. */
export interface EventRecord {
  id: string;
  camera: string;
  label: string;
  sub_label: string | null;
  score: number;
  top_score: number;
  box: PixelBox;
  /** Zones the object was in when last seen. */
  zones: string[];
  entered_zones: string[];
  start_time: number;
  /** Null while the object is still tracked. */
  end_time: number | null;
  stationary: boolean;
  has_snapshot: boolean;
  has_clip: boolean;
  /** Where the object is in the snapshot (null when unknown: draw `box`). */
  snapshot_box: PixelBox | null;
  /** Set once the clip is in the store. */
  clip: { start: number; end: number; duration_s: number; partial: boolean } | null;
}

/** Object-store keys of an event, for serving and deleting; never returned to clients. */
export interface EventKeys {
  camera: string;
  clip: string | null;
  snapshot: string | null;
  thumbnail: string | null;
  metadata: string | null;
}

export interface EventQuery {
  /** Any of these cameras (all when absent). */
  cameras?: readonly string[] | undefined;
  labels?: readonly string[] | undefined;
  /** Events that entered any of these zones. */
  zones?: readonly string[] | undefined;
  /** Events that started at or after this time. */
  after?: number | undefined;
  /** Events that started before this time. */
  before?: number | undefined;
  has_clip?: boolean | undefined;
  limit: number;
  /** Opaque position returned as `next_cursor` by the previous page. */
  cursor?: string | undefined;
}

export interface EventPage {
  events: EventRecord[];
  /** Pass as `cursor` for the next page; null on the last page. */
  next_cursor: string | null;
}
