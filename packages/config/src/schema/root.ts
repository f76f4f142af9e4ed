import { z } from 'zod';
import { alertsSchema } from './alerts.js';
import { apiSchema } from './api.js';
import { cameraSchema } from './camera.js';
import { nameSchema } from './common.js';
import { detectSchema } from './detect.js';
import { detectorSchema } from './detector.js';
import { eventsSchema } from './events.js';
import { go2rtcSchema } from './go2rtc.js';
import { ingestSchema } from './ingest.js';
import { leaseTimingSchema } from './lease.js';
import { modelSchema } from './model.js';
import { motionSchema } from './motion.js';
import { mqttSchema } from './mqtt.js';
import { natsSchema } from './nats.js';
import { objectsSchema } from './objects.js';
import { recordSchema } from './record.js';
import { storageSchema } from './storage.js';
import { telemetrySchema } from './telemetry.js';

// Every section may be left out; its defaults then come from its own schema.
const section = <T extends z.ZodType>(schema: T, description: string) =>
  schema.prefault({} as z.input<T>).describe(description);

/** The configuration file as written: global defaults plus per-camera overrides, not yet merged. */
export const configSchema = z.strictObject({
  assets_dir: z
    .string()
    .min(1)
    .optional()
    .describe('Directory of models and test media (default: $SHIRIKI_ASSETS_DIR, else ./assets).'),
  data_dir: z
    .string()
    .min(1)
    .default('./var')
    .describe(
      "Where this box keeps its data: the local store, the segment ring, the upload spool and `shiriki up`'s servers. Relative to the config file; `shiriki up --data-dir` overrides it.",
    ),
  nats: section(natsSchema, 'Connection to the NATS bus every service shares.'),
  go2rtc: section(go2rtcSchema, 'The go2rtc instance that pulls camera streams.'),
  cameras: z
    .record(nameSchema('camera'), cameraSchema, {
      error: (issue) =>
        issue.input === undefined
          ? 'required: define at least one camera'
          : 'expected a map of camera name to camera',
    })
    .refine((cameras) => Object.keys(cameras).length > 0, 'define at least one camera')
    .describe('Cameras by name; the name is used in NATS subjects and as the go2rtc stream name.'),
  detect: section(detectSchema, 'Frame decoding and object tracking defaults; cameras may override them.'),
  motion: section(motionSchema, 'Motion detection defaults; cameras may override them.'),
  objects: section(objectsSchema, 'Tracked labels and their filters; cameras may override them.'),
  record: section(recordSchema, 'Recording defaults; cameras may override them.'),
  model: section(modelSchema, 'The object detection model.'),
  detector: section(detectorSchema, 'Detector workers.'),
  ingest: section(ingestSchema, 'Stream ingest workers.'),
  tracker: section(leaseTimingSchema('tracker'), 'Tracker workers: their camera leases.'),
  recorder: section(leaseTimingSchema('recorder'), 'Recorder workers: their camera leases.'),
  events: section(eventsSchema, 'The event stream.'),
  alerts: section(alertsSchema, 'Which events become alerts.'),
  storage: section(storageSchema, 'Object storage for clips, snapshots and recordings.'),
  api: section(apiSchema, 'The HTTP API service: event index, users, clip serving.'),
  mqtt: section(mqttSchema, 'The MQTT bridge to Home Assistant and other home-automation systems.'),
  telemetry: section(telemetrySchema, 'Logging and metrics of every service.'),
});

export type ConfigDocument = z.output<typeof configSchema>;
