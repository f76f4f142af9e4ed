import { z } from 'zod';
import { labelListSchema, nameSchema } from './common.js';

export const alertsSchema = z.strictObject({
  enabled: z
    .boolean()
    .default(true)
    .describe('Raise alerts: object alerts, and motion alerts on `<p>.alerts.<camera>.motion`.'),
  labels: labelListSchema
    .default(['person'])
    .describe('Labels that raise an alert; each must be tracked by a camera.'),
  zones: z
    .array(nameSchema('zone'))
    .optional()
    .describe(
      'Alert only for objects in one of these zones (default: anywhere); each must exist on a camera. A camera with none of these zones alerts for objects anywhere in its view.',
    ),
  cooldown_s: z
    .number()
    .min(0)
    .default(30)
    .describe('Seconds after an alert during which the same camera and label raise no new alert.'),
});

export type AlertsConfig = z.output<typeof alertsSchema>;
