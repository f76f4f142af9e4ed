import { z } from 'zod';
import { fraction, labelListSchema, labelSchema, polygonListSchema } from './common.js';

export const objectFilterSchema = z
  .strictObject({
    min_score: fraction().default(0.5).describe('Detections scoring below this are dropped (0..1).'),
    threshold: fraction()
      .default(0.7)
      .describe(
        'Score a track needs to count as a true positive (0..1): the median of its recent detections, or the mean of its last `min_initialized_frames` (so the low scores of a person walking in stop holding it back).',
      ),
    min_area: fraction()
      .default(0)
      .describe('Smallest box area, as a fraction of the frame area (0..1), that counts.'),
    max_area: fraction()
      .default(1)
      .describe('Largest box area, as a fraction of the frame area (0..1), that counts.'),
    min_ratio: z.number().min(0).default(0).describe('Smallest box width / height ratio that counts.'),
    max_ratio: z.number().positive().default(24).describe('Largest box width / height ratio that counts.'),
    mask: polygonListSchema
      .default([])
      .describe('Polygons (normalised 0..1); a box whose bottom centre lies inside one is dropped.'),
  })
  .check((ctx) => {
    const f = ctx.value;
    const push = (path: string, message: string) =>
      ctx.issues.push({ code: 'custom', path: [path], message, input: f });
    if (f.min_area > f.max_area)
      push('min_area', `min_area ${f.min_area} is larger than max_area ${f.max_area}`);
    if (f.min_ratio > f.max_ratio)
      push('min_ratio', `min_ratio ${f.min_ratio} is larger than max_ratio ${f.max_ratio}`);
    if (f.min_score > f.threshold)
      push('min_score', `min_score ${f.min_score} is above threshold ${f.threshold}`);
  });

export const objectsSchema = z.strictObject({
  track: labelListSchema
    .min(1, 'track at least one label')
    .default(['person'])
    .describe("Labels to track; each must exist in the model's labels file."),
  filters: z
    .record(labelSchema, objectFilterSchema)
    .default({})
    .describe('Filters per label; every tracked label gets one, with the defaults below unless set.'),
});

export type ObjectFilterConfig = z.output<typeof objectFilterSchema>;
export type ObjectsConfig = z.output<typeof objectsSchema>;
