import type { ShirikiConfig } from '@shiriki/config';
import { eventObjectKeys } from '@shiriki/storage';
import type { TrackerWorkerOptions } from './tracker-worker.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The config-derived part of {@link TrackerWorkerOptions}. Leases use the `tracker` section's timing.
 */
export function trackerWorkerSettingsFromConfig(
  config: ShirikiConfig,
): Pick<
  TrackerWorkerOptions,
  'cameras' | 'events' | 'alerts' | 'lease' | 'objectKeys' | 'trackedFrameIntervalMs'
> {
  return {
    cameras: Object.values(config.cameras),
    events: {
      heartbeatMs: config.events.heartbeat_s * 1000,
      streamMaxAgeMs: config.events.stream_max_age_days * DAY_MS,
      replicas: config.events.stream_replicas,
    },
    alerts: config.alerts,
    lease: { ttlMs: config.tracker.lease_ttl_s * 1000, heartbeatMs: config.tracker.heartbeat_s * 1000 },
    trackedFrameIntervalMs: config.ingest.tracked_frame_interval_s * 1000,
    objectKeys: eventObjectKeys,
  };
}
