import { z } from 'zod';
import { CameraNameSchema, EpochMsSchema, LabelSchema } from './common.js';

const alertBase = {
  camera: CameraNameSchema,
  /** Zones involved; empty when the alert is for the whole frame. */
  zones: z.array(z.string()),
  time: EpochMsSchema,
  /** Object-store key of an image that shows what the alert is about. */
  snapshot_key: z.string().min(1).optional(),
};

export const MotionNotificationSchema = z.object({ kind: z.literal('motion'), ...alertBase });

export const ObjectAlertSchema = z.object({
  kind: z.literal('object'),
  ...alertBase,
  label: LabelSchema,
  event_id: z.string().min(1),
  score: z.number().min(0).max(1).optional(),
});
export type ObjectAlert = z.infer<typeof ObjectAlertSchema>;

/**
 * `<p>.alerts.<camera>.<kind>`: something a person is told about. The subject's `<kind>` is `motion` for
 * motion alerts and the label token for object alerts ({@link alertSubjectKind}).
 */
export const AlertSchema = z.discriminatedUnion('kind', [MotionNotificationSchema, ObjectAlertSchema]);
export type Alert = z.infer<typeof AlertSchema>;

/** The `<kind>` to pass to `subjects.alerts(camera, kind)` for `alert`. */
export function alertSubjectKind(alert: Alert): string {
  return alert.kind === 'motion' ? 'motion' : alert.label;
}
