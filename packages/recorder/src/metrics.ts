import { Counter, Gauge, Histogram, type Registry } from '@shiriki/telemetry';

/** Prometheus metrics of one recorder worker. */
export interface RecorderMetrics {
  segments: Counter<'camera'>;
  ringBytes: Gauge<'camera'>;
  ringSeconds: Gauge<'camera'>;
  /** Clips delivered, by result: `uploaded` (store and ClipReady), `spooled` (store down). */
  clips: Counter<'camera' | 'result'>;
  partialClips: Counter<'camera'>;
  /** Continuous-recording chunks uploaded. */
  continuousChunks: Counter<'camera'>;
  /** From the event's `end + post_capture` (or the part's end) to the ClipReady. */
  clipLatencySeconds: Histogram<'camera'>;
  /** Upload of clip and metadata. */
  uploadSeconds: Histogram;
  spoolFiles: Gauge;
  spoolBytes: Gauge;
  /** `record.spool.max_bytes`, so that alerts can compare the spool with its limit. */
  spoolMaxBytes: Gauge;
  spoolDropped: Counter;
  failures: Counter<'camera' | 'reason'>;
  segmenterRestarts: Counter<'camera'>;
  camerasOwned: Gauge;
}

export function createRecorderMetrics(registry: Registry): RecorderMetrics {
  const registers = [registry];
  return {
    segments: new Counter({
      name: 'shiriki_recorder_segments_total',
      help: 'Segments written to the ring.',
      labelNames: ['camera'],
      registers,
    }),
    ringBytes: new Gauge({
      name: 'shiriki_recorder_ring_bytes',
      help: "Bytes in a camera's segment ring.",
      labelNames: ['camera'],
      registers,
    }),
    ringSeconds: new Gauge({
      name: 'shiriki_recorder_ring_seconds',
      help: "Seconds of footage in a camera's segment ring.",
      labelNames: ['camera'],
      registers,
    }),
    clips: new Counter({
      name: 'shiriki_recorder_clips_total',
      help: 'Clips delivered, by result (uploaded, spooled).',
      labelNames: ['camera', 'result'],
      registers,
    }),
    continuousChunks: new Counter({
      name: 'shiriki_recorder_continuous_chunks_total',
      help: 'Continuous-recording MP4 chunks uploaded.',
      labelNames: ['camera'],
      registers,
    }),
    partialClips: new Counter({
      name: 'shiriki_recorder_partial_clips_total',
      help: 'Clips missing part of their window.',
      labelNames: ['camera'],
      registers,
    }),
    clipLatencySeconds: new Histogram({
      name: 'shiriki_recorder_clip_latency_seconds',
      help: 'Time from the end of the clip window to its ClipReady.',
      labelNames: ['camera'],
      buckets: [0.5, 1, 2, 3, 5, 8, 13, 21, 60, 300],
      registers,
    }),
    uploadSeconds: new Histogram({
      name: 'shiriki_recorder_upload_seconds',
      help: 'Upload time of one clip and its metadata.',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers,
    }),
    spoolFiles: new Gauge({
      name: 'shiriki_recorder_spool_files',
      help: 'Clips waiting in the spool.',
      registers,
    }),
    spoolBytes: new Gauge({ name: 'shiriki_recorder_spool_bytes', help: 'Bytes in the spool.', registers }),
    spoolMaxBytes: new Gauge({
      name: 'shiriki_recorder_spool_max_bytes',
      help: 'The spool limit (record.spool.max_bytes); the oldest clips are dropped beyond it.',
      registers,
    }),
    spoolDropped: new Counter({
      name: 'shiriki_recorder_spool_dropped_total',
      help: 'Spooled clips dropped (oldest first) to keep the spool under max_bytes.',
      registers,
    }),
    failures: new Counter({
      name: 'shiriki_recorder_failures_total',
      help: 'Recorder failures by reason.',
      labelNames: ['camera', 'reason'],
      registers,
    }),
    segmenterRestarts: new Counter({
      name: 'shiriki_recorder_segmenter_restarts_total',
      help: 'Segmenter ffmpeg restarts.',
      labelNames: ['camera'],
      registers,
    }),
    camerasOwned: new Gauge({ name: 'shiriki_recorder_cameras_owned', help: 'Cameras recorded.', registers }),
  };
}
