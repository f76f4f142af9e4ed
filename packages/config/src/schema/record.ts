import { z } from 'zod';
import { bytesSchema, labelSchema, positiveInt } from './common.js';

const seconds = () => z.number().min(0);

export const captureOverrideSchema = z.strictObject({
  pre_capture: seconds().optional().describe('Seconds before the event kept for this label.'),
  post_capture: seconds().optional().describe('Seconds after the event kept for this label.'),
});

export const recordSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Record event clips for this camera.'),
    segment_seconds: z
      .number()
      .min(1)
      .max(30)
      .default(4)
      .describe(
        'Length of the MPEG-TS segments the recorder copies the stream into (1..30 s; cut at the next keyframe).',
      ),
    ring_dir: z
      .string()
      .min(1)
      .default('ring')
      .describe('Directory of the recent-segment ring buffer; a relative path is inside `data_dir`.'),
    ring: z
      .strictObject({
        max_seconds: positiveInt().default(120).describe('Seconds of recent video each camera keeps.'),
        max_bytes: bytesSchema
          .prefault('512MiB')
          .describe("Size cap of each camera's ring (e.g. 512MiB, 2GB)."),
      })
      .prefault({})
      .describe('The ring buffer of recent segments that clips are cut from.'),
    pre_capture: seconds().default(5).describe('Seconds before an event starts that its clip includes.'),
    post_capture: seconds().default(5).describe('Seconds after an event ends that its clip includes.'),
    max_clip_seconds: positiveInt().default(300).describe('Longest clip; longer events are split.'),
    continuous: z
      .boolean()
      .default(false)
      .describe('Also upload all footage, not only event clips (MP4 chunks under `recordings/`).'),
    continuous_chunk_seconds: positiveInt()
      .default(60)
      .describe('Seconds of footage per continuous-recording MP4 (whole segments, so a little more).'),
    labels: z
      .record(labelSchema, captureOverrideSchema)
      .default({})
      .describe("Per-label pre/post capture; unset values fall back to the section's."),
    retention: z
      .strictObject({
        clips_days: positiveInt()
          .default(14)
          .describe('Days event clips are kept, with their snapshots and metadata (all under `events/`).'),
        continuous_days: positiveInt().default(3).describe('Days continuous recordings are kept.'),
      })
      .prefault({})
      .describe('How long uploads are kept in storage.'),
    spool: z
      .strictObject({
        dir: z
          .string()
          .min(1)
          .default('spool')
          .describe('Local directory where uploads wait for storage; a relative path is inside `data_dir`.'),
        max_bytes: bytesSchema.prefault('2GiB').describe('Size cap of the spool; the oldest files go first.'),
      })
      .prefault({})
      .describe('The upload spool that rides out storage outages.'),
  })
  .check((ctx) => {
    const r = ctx.value;
    const push = (path: PropertyKey[], message: string) =>
      ctx.issues.push({ code: 'custom', path, message, input: r });
    if (r.pre_capture > r.ring.max_seconds) {
      push(
        ['pre_capture'],
        `pre_capture ${r.pre_capture} s exceeds the ring's max_seconds ${r.ring.max_seconds}`,
      );
    }
    for (const [label, capture] of Object.entries(r.labels)) {
      if (capture.pre_capture !== undefined && capture.pre_capture > r.ring.max_seconds) {
        push(
          ['labels', label, 'pre_capture'],
          `pre_capture ${capture.pre_capture} s exceeds the ring's max_seconds ${r.ring.max_seconds}`,
        );
      }
    }
    if (r.continuous && r.continuous_chunk_seconds + r.segment_seconds > r.ring.max_seconds) {
      push(
        ['continuous_chunk_seconds'],
        `continuous_chunk_seconds ${r.continuous_chunk_seconds} s plus one segment must fit in the ring's max_seconds ${r.ring.max_seconds}`,
      );
    }
    if (r.max_clip_seconds <= r.pre_capture + r.post_capture) {
      push(
        ['max_clip_seconds'],
        `max_clip_seconds must exceed pre_capture + post_capture (${r.pre_capture + r.post_capture} s)`,
      );
    }
  });

export type RecordSectionConfig = z.output<typeof recordSchema>;
