import type { CameraConfig } from './types.js';

/**
 * A camera's run-time switches as its config sets them, before anyone flips one over MQTT or the api
 * (the `CameraSwitchBoard` of @shiriki/bus falls back to these). Snapshots have no config key: on.
 */
export function switchDefaults(camera: CameraConfig): {
  detect: boolean;
  motion: boolean;
  recordings: boolean;
  snapshots: boolean;
} {
  return {
    detect: camera.detect.enabled,
    motion: camera.motion.enabled,
    recordings: camera.record.enabled,
    snapshots: true,
  };
}
