import { Counter, Gauge, Histogram, type Registry } from '@shiriki/telemetry';

/** Prometheus metrics of one detector worker. */
export interface DetectorWorkerMetrics {
  /** Model time per frame, all regions included. */
  inferenceSeconds: Histogram<'camera'>;
  framesInferred: Counter<'camera'>;
  /** Frames older than `maxFrameAgeMs` at pick-up: acked without inference. */
  framesStale: Counter<'camera'>;
  /** Frames delivered more than once (a worker died or was too slow before acking). */
  framesRedelivered: Counter<'camera'>;
  /** Frames given up: `max_deliver` (from the server's advisory), `invalid` or `inference_error`. */
  framesDropped: Counter<'reason'>;
  snapshotsPublished: Counter<'camera'>;
  /** Frames with a worthy detection whose snapshot was skipped: a recent snapshot of the same objects is at least as good. */
  snapshotsSkipped: Counter<'camera'>;
  /** The shared consumer's backlog: `pending` (not yet delivered) and `ack_pending` (in flight). */
  backlog: Gauge<'kind'>;
  /** Busy slot time over wall time times concurrency, over the last sampling window. */
  busyRatio: Gauge;
}

export function createDetectorWorkerMetrics(registry: Registry): DetectorWorkerMetrics {
  const registers = [registry];
  return {
    inferenceSeconds: new Histogram({
      name: 'shiriki_detector_inference_seconds',
      help: 'Model inference time per frame, every region included.',
      labelNames: ['camera'],
      buckets: [0.005, 0.01, 0.02, 0.04, 0.08, 0.15, 0.3, 0.6, 1.2, 2.5],
      registers,
    }),
    framesInferred: new Counter({
      name: 'shiriki_detector_frames_inferred_total',
      help: 'Frames run through the model and published as detections.',
      labelNames: ['camera'],
      registers,
    }),
    framesStale: new Counter({
      name: 'shiriki_detector_frames_stale_total',
      help: 'Frames older than detector.max_frame_age_ms when picked up, acked without inference.',
      labelNames: ['camera'],
      registers,
    }),
    framesRedelivered: new Counter({
      name: 'shiriki_detector_frames_redelivered_total',
      help: 'Frames received on a second or later delivery.',
      labelNames: ['camera'],
      registers,
    }),
    framesDropped: new Counter({
      name: 'shiriki_detector_frames_dropped_total',
      help: 'Frames given up, by reason (max_deliver, invalid, inference_error).',
      labelNames: ['reason'],
      registers,
    }),
    snapshotsPublished: new Counter({
      name: 'shiriki_detector_snapshots_published_total',
      help: 'JPEG snapshots published for frames with a detection above detector.snapshot_threshold.',
      labelNames: ['camera'],
      registers,
    }),
    snapshotsSkipped: new Counter({
      name: 'shiriki_detector_snapshots_skipped_total',
      help: 'Frames with a detection above detector.snapshot_threshold left without a JPEG: a snapshot of the same objects within detector.snapshot_interval_ms is at least as good.',
      labelNames: ['camera'],
      registers,
    }),
    backlog: new Gauge({
      name: 'shiriki_detector_backlog_frames',
      help: 'Frames waiting in the shared detector consumer: pending (undelivered) and ack_pending (in flight).',
      labelNames: ['kind'],
      registers,
    }),
    busyRatio: new Gauge({
      name: 'shiriki_detector_busy_ratio',
      help: 'Share of time the worker spent on frames, over its last sampling window (1 = saturated).',
      registers,
    }),
  };
}
