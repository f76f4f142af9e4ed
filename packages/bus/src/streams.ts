import { nanos } from '@nats-io/nats-core';
import { DiscardPolicy, RetentionPolicy, StorageType, type StreamConfig } from '@nats-io/jetstream';
import type { Subjects } from './subjects.js';
import { withoutUndefined } from '@shiriki/options';

/** A stream config as `ensureStream` takes it: a name plus whichever fields shiriki cares about. */
export type StreamSpec = Partial<StreamConfig> & { name: string };

export interface DefaultStreamOptions {
  /** How long object events are kept (config `nats.streams.events_max_age`). */
  eventsMaxAgeMs?: number;
  /** How long clip-ready messages are kept. */
  clipsMaxAgeMs?: number;
  /**
   * Frames older than this are removed. Longer than the detector consumer's ack wait times its max
   * deliveries, so a frame held by a worker that died is redelivered (and counted as stale or dropped)
   * rather than silently expiring; detectors skip frames older than `detector.max_frame_age_ms` anyway.
   */
  framesMaxAgeMs?: number;
  /** Frames kept per camera when detectors fall behind; older ones are dropped first. */
  framesMaxMsgsPerSubject?: number;
  /** Largest frame message (a 1080p yuv420p frame is about 3.1 MB). */
  framesMaxMsgSize?: number;
  /**
   * How long detections are kept for replay. A tracker that takes a camera over (its previous owner died or
   * handed it over) replays them from its checkpoint, so the objects continue instead of starting again.
   */
  detectionsMaxAgeMs?: number;
  replicas?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export const DEFAULT_STREAM_OPTIONS = {
  eventsMaxAgeMs: 10 * DAY_MS,
  clipsMaxAgeMs: 30 * DAY_MS,
  framesMaxAgeMs: 30_000,
  framesMaxMsgsPerSubject: 10,
  framesMaxMsgSize: 8 * 1024 * 1024,
  detectionsMaxAgeMs: 120_000,
  replicas: 1,
} as const satisfies Required<DefaultStreamOptions>;

/**
 * The streams of a deployment. Frames are a memory work queue that only buffers the last few frames per
 * camera for detectors; detections are a short file-backed replay window for trackers; events and clips are
 * file-backed histories.
 */
export function defaultStreams(
  subjects: Subjects,
  options: DefaultStreamOptions = {},
): { frames: StreamSpec; detections: StreamSpec; events: StreamSpec; clips: StreamSpec } {
  const o = { ...DEFAULT_STREAM_OPTIONS, ...withoutUndefined(options) };
  return {
    frames: {
      name: subjects.streams.frames,
      description: 'Raw frames from ingest workers, consumed by detectors',
      subjects: [subjects.framesAll],
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.Memory,
      discard: DiscardPolicy.Old,
      max_age: nanos(o.framesMaxAgeMs),
      max_msgs_per_subject: o.framesMaxMsgsPerSubject,
      max_msg_size: o.framesMaxMsgSize,
      duplicate_window: nanos(Math.min(o.framesMaxAgeMs, 120_000)),
      num_replicas: o.replicas,
    },
    detections: {
      name: subjects.streams.detections,
      description: 'Detections of the last minutes, replayed by a tracker that takes a camera over',
      subjects: [subjects.detectionsAll],
      retention: RetentionPolicy.Limits,
      // On disk: a lone nats-server that restarts keeps it, and nothing has to create it again.
      storage: StorageType.File,
      discard: DiscardPolicy.Old,
      max_age: nanos(o.detectionsMaxAgeMs),
      num_replicas: o.replicas,
    },
    events: {
      name: subjects.streams.events,
      description: 'Tracked object events',
      subjects: [subjects.eventsAll],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      discard: DiscardPolicy.Old,
      max_age: nanos(o.eventsMaxAgeMs),
      num_replicas: o.replicas,
    },
    clips: {
      name: subjects.streams.clips,
      description: 'Clips ready in the object store',
      subjects: [subjects.clipsAll],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      discard: DiscardPolicy.Old,
      max_age: nanos(o.clipsMaxAgeMs),
      num_replicas: o.replicas,
    },
  };
}
