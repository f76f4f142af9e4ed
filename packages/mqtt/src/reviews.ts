import { randomBytes } from 'node:crypto';
import type { ObjectEvent } from '@shiriki/bus';

export type ReviewSeverity = 'alert' | 'detection';

/** A review item as Frigate puts it in `frigate/reviews` (times in epoch seconds). */
export interface ReviewItem {
  id: string;
  camera: string;
  start_time: number;
  end_time: number | null;
  severity: ReviewSeverity;
  /** The api's thumbnail of the first object (Frigate gives a file path; shiriki the URL path). */
  thumb_path: string;
  data: {
    detections: string[];
    objects: string[];
    sub_labels: string[];
    zones: string[];
    audio: string[];
  };
}

export interface ReviewMessage {
  type: 'new' | 'update' | 'end';
  before: ReviewItem;
  after: ReviewItem;
}

export interface ReviewRules {
  /** Labels whose objects make a review an alert (`alerts.labels`); others make it a detection. */
  alertLabels: readonly string[];
  /** With required zones (`alerts.zones` on this camera), only objects in one of them make it an alert. */
  alertZones: readonly string[];
}

/**
 * Groups one camera's objects into review items: an item opens with the first object of a period of activity,
 * takes in every object that appears while it is open, and ends when the last of them ends, so a person with
 * a dog is one notification, not two. Each change of the item is one message.
 */
export class ReviewGrouper {
  #open: ReviewItem | undefined;
  readonly #activeIds = new Set<string>();

  constructor(
    private readonly camera: string,
    private readonly rules: ReviewRules,
    private readonly newId: (startSeconds: number) => string = defaultReviewId,
  ) {}

  apply(event: ObjectEvent): ReviewMessage | undefined {
    if (event.type === 'end') return this.end(event);
    const open = this.#open;
    if (!open) {
      const item: ReviewItem = {
        id: this.newId(event.start_time / 1000),
        camera: this.camera,
        start_time: event.start_time / 1000,
        end_time: null,
        severity: this.severityOf(event),
        thumb_path: `/api/events/${encodeURIComponent(event.id)}/thumbnail.jpg`,
        data: {
          detections: [event.id],
          objects: [event.label],
          sub_labels: [],
          zones: event.zones.slice(),
          audio: [],
        },
      };
      this.#open = item;
      this.#activeIds.add(event.id);
      return { type: 'new', before: item, after: item };
    }
    this.#activeIds.add(event.id);
    const after = structuredClone(open);
    addOnce(after.data.detections, [event.id]);
    addOnce(after.data.objects, [event.label]);
    addOnce(after.data.zones, event.zones);
    if (this.severityOf(event) === 'alert') after.severity = 'alert';
    if (JSON.stringify(after) === JSON.stringify(open)) return undefined;
    this.#open = after;
    return { type: 'update', before: open, after };
  }

  private end(event: ObjectEvent): ReviewMessage | undefined {
    this.#activeIds.delete(event.id);
    const open = this.#open;
    if (!open || !open.data.detections.includes(event.id) || this.#activeIds.size > 0) return undefined;
    const after: ReviewItem = {
      ...structuredClone(open),
      end_time: (event.end_time ?? event.start_time) / 1000,
    };
    this.#open = undefined;
    return { type: 'end', before: open, after };
  }

  private severityOf(event: ObjectEvent): ReviewSeverity {
    const { alertLabels, alertZones } = this.rules;
    if (!alertLabels.includes(event.label)) return 'detection';
    if (alertZones.length === 0) return 'alert';
    const zones = [...event.zones, ...event.entered_zones];
    return alertZones.some((zone) => zones.includes(zone)) ? 'alert' : 'detection';
  }
}

function addOnce(list: string[], values: readonly string[]): void {
  for (const value of values) if (!list.includes(value)) list.push(value);
}

function defaultReviewId(startSeconds: number): string {
  return `${startSeconds.toFixed(6)}-${randomBytes(3).toString('hex')}`;
}
