import type { ShirikiConfig } from '@shiriki/config';
import { rtspUrl } from '@shiriki/go2rtc';
import type { RecorderWorkerOptions } from './recorder-worker.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The config-derived part of {@link RecorderWorkerOptions}. Leases use the `recorder` section's timing;
 * the spool and retention come from the global `record` section (they belong to the host, not a camera).
 */
export function recorderWorkerSettingsFromConfig(
  config: ShirikiConfig,
): Pick<
  RecorderWorkerOptions,
  'cameras' | 'inputUrl' | 'spool' | 'retention' | 'lease' | 'eventsMaxAgeMs' | 'replicas'
> {
  const { record } = config;
  return {
    cameras: Object.values(config.cameras),
    inputUrl: (camera) => rtspUrl(camera, config.go2rtc.rtsp_url),
    spool: { dir: record.spool.dir, maxBytes: record.spool.max_bytes },
    retention: [
      { prefix: 'events/', days: record.retention.clips_days },
      { prefix: 'recordings/', days: record.retention.continuous_days },
    ],
    lease: { ttlMs: config.recorder.lease_ttl_s * 1000, heartbeatMs: config.recorder.heartbeat_s * 1000 },
    eventsMaxAgeMs: config.events.stream_max_age_days * DAY_MS,
    replicas: config.events.stream_replicas,
  };
}
