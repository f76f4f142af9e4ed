import { z } from 'zod';
import { labelListSchema, nameSchema, polygonSchema, positiveInt } from './common.js';

export const zoneSchema = z.strictObject({
  coordinates: polygonSchema.describe('The zone outline: at least 3 [x, y] points normalised to 0..1.'),
  inertia: positiveInt()
    .default(3)
    .describe('Consecutive frames an object must be inside before it counts as in the zone.'),
  loitering_time: z
    .number()
    .min(0)
    .default(0)
    .describe('Seconds an object must stay in the zone before it counts (0 = at once).'),
  objects: labelListSchema
    .optional()
    .describe('Only these labels count in the zone (default: every tracked label); each must be tracked.'),
});

export const zonesSchema = z.record(nameSchema('zone'), zoneSchema);

export type ZoneConfig = z.output<typeof zoneSchema>;
