import { z } from 'zod';
import { detectSchema } from './detect.js';
import { motionSchema } from './motion.js';
import { objectsSchema } from './objects.js';
import { recordSchema } from './record.js';
import { zonesSchema } from './zones.js';
import { overrideOf } from './override.js';

const sourceString = z.string().min(1, 'a camera source cannot be empty');

const argList = (what: string) => z.array(z.string()).default([]).describe(what);

export const ffmpegSchema = z.strictObject({
  global_args: argList('Extra ffmpeg arguments before the input (e.g. `-loglevel warning`).'),
  input_args: argList('Extra ffmpeg input arguments for the stream read from go2rtc.'),
  hwaccel_args: argList('ffmpeg hardware decoding arguments, e.g. `-hwaccel vaapi`.'),
});

export const cameraSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('A disabled camera is configured but not ingested.'),
  source: z
    .union([sourceString, z.array(sourceString).min(1, 'list at least one source')], {
      error: (issue) =>
        issue.input === undefined
          ? 'required: the camera stream, e.g. rtsp://user:${CAM_PASSWORD}@192.168.1.10:554/stream1'
          : 'expected a go2rtc source string or a list of them',
    })
    .describe(
      'Any go2rtc source, typically `rtsp://user:pass@host/path`; a list gives go2rtc fallbacks. ' +
        'Resolved as a list.',
    ),
  detect: overrideOf(detectSchema, 'detect').optional(),
  motion: overrideOf(motionSchema, 'motion').optional(),
  objects: overrideOf(objectsSchema, 'objects').optional(),
  record: overrideOf(recordSchema, 'record').optional(),
  zones: zonesSchema.default({}).describe('Named zones of this camera.'),
  ffmpeg: ffmpegSchema.prefault({}).describe('ffmpeg arguments for reading this camera.'),
});

export type FfmpegConfig = z.output<typeof ffmpegSchema>;
