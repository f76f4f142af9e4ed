import { Counter, Gauge, Histogram, type Registry } from '@shiriki/telemetry';

/** Prometheus metrics of one tracker worker, labelled by camera. */
export interface TrackerMetrics {
  /** Object events published, by type (new, update, end). */
  events: Counter<'camera' | 'type'>;
  /** Publishes JetStream recognised as duplicates (re-published after a hand-over). */
  duplicateEvents: Counter<'camera'>;
  alerts: Counter<'camera' | 'label'>;
  /** Open real objects per camera. */
  trackedObjects: Gauge<'camera'>;
  /** Detections messages dropped by the tracker: `late` (overtaken) or `duplicate`. */
  droppedFrames: Counter<'camera' | 'reason'>;
  frameGaps: Counter<'camera'>;
  /** Time `CameraTracker.push` takes per detections message. */
  trackSeconds: Histogram<'camera'>;
  /** Age of the last stored checkpoint, seconds (set when it is written and on every tick). */
  checkpointAgeSeconds: Gauge<'camera'>;
  checkpointFailures: Counter<'camera'>;
  /** Best-snapshot uploads, by result (`ok`, `retry`, `failed`, `missing` when no JPEG was kept). */
  snapshotUploads: Counter<'camera' | 'result'>;
  camerasOwned: Gauge;
}

export function createTrackerMetrics(registry: Registry): TrackerMetrics {
  const registers = [registry];
  return {
    events: new Counter({
      name: 'shiriki_tracker_events_total',
      help: 'Object events published, by type.',
      labelNames: ['camera', 'type'],
      registers,
    }),
    duplicateEvents: new Counter({
      name: 'shiriki_tracker_duplicate_events_total',
      help: 'Event publishes the stream deduplicated (a re-publish after a hand-over).',
      labelNames: ['camera'],
      registers,
    }),
    alerts: new Counter({
      name: 'shiriki_tracker_alerts_total',
      help: 'Object alerts published.',
      labelNames: ['camera', 'label'],
      registers,
    }),
    trackedObjects: new Gauge({
      name: 'shiriki_tracker_tracked_objects',
      help: 'Open real objects.',
      labelNames: ['camera'],
      registers,
    }),
    droppedFrames: new Counter({
      name: 'shiriki_tracker_dropped_frames_total',
      help: 'Detections messages dropped as late (overtaken by a later frame) or duplicate.',
      labelNames: ['camera', 'reason'],
      registers,
    }),
    frameGaps: new Counter({
      name: 'shiriki_tracker_frame_gaps_total',
      help: 'Frames whose predecessor never arrived: frames sent for detection were lost on the way (evicted from the frames stream while the detectors fell behind, or given up).',
      labelNames: ['camera'],
      registers,
    }),
    trackSeconds: new Histogram({
      name: 'shiriki_tracker_track_seconds',
      help: 'Tracking time per detections message.',
      labelNames: ['camera'],
      buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05],
      registers,
    }),
    checkpointAgeSeconds: new Gauge({
      name: 'shiriki_tracker_checkpoint_age_seconds',
      help: 'Seconds since the camera state was last checkpointed.',
      labelNames: ['camera'],
      registers,
    }),
    checkpointFailures: new Counter({
      name: 'shiriki_tracker_checkpoint_failures_total',
      help: 'Checkpoint writes that failed.',
      labelNames: ['camera'],
      registers,
    }),
    snapshotUploads: new Counter({
      name: 'shiriki_tracker_snapshot_uploads_total',
      help: 'Best-snapshot uploads at the end of an object, by result.',
      labelNames: ['camera', 'result'],
      registers,
    }),
    camerasOwned: new Gauge({
      name: 'shiriki_tracker_cameras_owned',
      help: 'Cameras this worker tracks.',
      registers,
    }),
  };
}
