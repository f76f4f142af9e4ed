import { z } from 'zod';
import { CameraNameSchema, CountSchema, EpochMsSchema, LabelSchema, PixelBoxSchema } from './common.js';

export const EventSnapshotSchema = z.object({
  /** Object-store key, once the snapshot has been uploaded. */
  key: z.string().min(1).optional(),
  frame_sequence: CountSchema,
  score: z.number().min(0).max(1),
  /** Where the object is in the snapshot's frame (the event's `box` is where it was last seen). */
  box: PixelBoxSchema.optional(),
});
export type EventSnapshot = z.infer<typeof EventSnapshotSchema>;

/**
 * `<p>.events.<camera>.<label>` (stream SHIRIKI_EVENTS): lifecycle of one tracked object.
 * Unknown fields are kept when decoding, so newer trackers can add some without breaking older readers.
 */
export const ObjectEventSchema = z.looseObject({
  type: z.enum(['new', 'update', 'end']),
  /** Stable id of the tracked object, also the event id of its clip. */
  id: z.string().min(1),
  camera: CameraNameSchema,
  label: LabelSchema,
  sub_label: z.string().min(1).optional(),
  score: z.number().min(0).max(1),
  top_score: z.number().min(0).max(1),
  box: PixelBoxSchema,
  /** Zones the object is in now. */
  zones: z.array(z.string()),
  /** Every zone the object has entered since the event started. */
  entered_zones: z.array(z.string()),
  start_time: EpochMsSchema,
  /** Set only when `type` is `end`. */
  end_time: EpochMsSchema.optional(),
  /** Capture time of the frame this message describes. */
  frame_time: EpochMsSchema.optional(),
  stationary: z.boolean(),
  snapshot: EventSnapshotSchema.optional(),
});
export type ObjectEvent = z.infer<typeof ObjectEventSchema>;
