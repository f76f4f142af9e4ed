import type { ShirikiConfig } from '@shiriki/config';
import type { DetectorWorkerOptions } from './detector-worker.js';

/** The `detector` section of the config as worker options (model and connections are wired separately). */
export function detectorWorkerSettingsFromConfig(
  config: ShirikiConfig,
): Pick<
  DetectorWorkerOptions,
  | 'concurrency'
  | 'maxFrameAgeMs'
  | 'snapshotThreshold'
  | 'snapshotIntervalMs'
  | 'regionMode'
  | 'trackedLabels'
  | 'stream'
> {
  const { detector } = config;
  return {
    concurrency: detector.concurrency,
    maxFrameAgeMs: detector.max_frame_age_ms,
    snapshotThreshold: detector.snapshot_threshold,
    snapshotIntervalMs: detector.snapshot_interval_ms,
    regionMode: detector.region_mode,
    stream: { framesMaxMsgsPerSubject: detector.frame_buffer_per_camera },
    trackedLabels: new Map(
      Object.values(config.cameras).map((camera) => [camera.name, new Set(camera.objects.track)]),
    ),
  };
}
